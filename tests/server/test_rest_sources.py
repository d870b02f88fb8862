"""REST sources and ingest: upload a file, poll its job, find its data; limits and errors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.rest_app import RestApp, rest_app


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(tmp_path, embedder, ingest_max_bytes=4096) as app:
        yield app


def wait_for_job(api: RestApp, job_id: str, user: str = "alice") -> dict:
    """Poll as a client would until the job ends (bounded: a stuck job fails the test)."""
    for _ in range(600):
        job = api.get(f"/api/ingest/{job_id}", user=user).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


NOTES = b"# Garden\n\nThe quince tree was planted in March by the north wall.\n"


def test_an_uploaded_file_becomes_a_source_and_its_text_is_searchable(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("garden.md", NOTES, "text/markdown")})
    assert started.status_code == 202
    job = wait_for_job(api, started.json()["id"])
    assert job["status"] == "done", job
    assert job["counts"]["added"] == 1 and job["done"] == job["total"] == 1
    sources = api.get("/api/sources").json()
    [source] = sources["sources"]
    assert source["uri"].endswith("/uploads/garden.md")
    assert source["episodes"] >= 1 and source["synced_at"]
    assert sources["totals"]["episodes"] >= 1
    assert sources["jobs"][0]["id"] == job["id"]
    hits = api.get("/api/search", params={"q": "quince tree"}).json()["hits"]
    assert "quince tree" in hits[0]["text"] and hits[0]["source"] == source["uri"]


def test_uploading_a_new_version_replaces_the_file(api: RestApp) -> None:
    first = api.post(
        "/api/ingest", files={"files": ("plan.txt", b"Paint the fence blue.", "text/plain")}
    )
    wait_for_job(api, first.json()["id"])
    second = api.post(
        "/api/ingest", files={"files": ("plan.txt", b"Paint the fence green.", "text/plain")}
    )
    job = wait_for_job(api, second.json()["id"])
    assert job["counts"]["updated"] == 1
    assert len(api.get("/api/sources").json()["sources"]) == 1
    hits = api.get("/api/search", params={"q": "fence"}).json()["hits"]
    assert [h["text"] for h in hits] == ["Paint the fence green."]


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_stored(api: RestApp) -> None:
    big = b"word " * 2000
    response = api.post("/api/ingest", files={"files": ("big.txt", big, "text/plain")})
    assert response.status_code == 413
    assert "4,096" in response.json()["error"]["message"]
    assert api.get("/api/sources").json()["upload_max_bytes"] == 4096  # the app warns before
    assert api.get("/api/sources").json()["sources"] == []
    assert list((api.vault_dir() / "uploads").iterdir()) == []


def test_a_file_no_connector_reads_is_refused_with_415(api: RestApp) -> None:
    response = api.post(
        "/api/ingest", files={"files": ("tool.exe", b"MZ\x90\x00", "application/x-msdownload")}
    )
    assert response.status_code == 415
    assert "tool.exe" in response.json()["error"]["message"]


def test_a_broken_file_ends_its_job_failed_with_the_reason(api: RestApp) -> None:
    started = api.post(
        "/api/ingest", files={"files": ("feed.ics", b"not a calendar", "text/calendar")}
    )
    job = wait_for_job(api, started.json()["id"])
    assert job["status"] == "failed"
    assert job["failures"][0]["path"].endswith("feed.ics") and job["error"]
    errors = api.get("/api/sources").json()["errors"]
    assert errors[0]["path"].endswith("feed.ics")


def test_a_name_with_folders_is_kept_inside_the_uploads_folder(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("../../escape.md", NOTES, "text/markdown")})
    wait_for_job(api, started.json()["id"])
    assert (api.vault_dir() / "uploads" / "escape.md").is_file()
    assert not (api.vault_dir().parent / "escape.md").exists()


def test_sync_rereads_uploaded_files(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("garden.md", NOTES, "text/markdown")})
    wait_for_job(api, started.json()["id"])
    (api.vault_dir() / "uploads" / "garden.md").write_bytes(b"The apple tree is by the gate.")
    job = wait_for_job(api, api.post("/api/sync").json()["id"])
    assert job["kind"] == "sync" and job["counts"]["updated"] == 1


def test_jobs_of_one_user_are_invisible_to_another(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("garden.md", NOTES, "text/markdown")})
    job_id = started.json()["id"]
    assert api.get(f"/api/ingest/{job_id}", user="bob").status_code == 404
    wait_for_job(api, job_id)
    assert api.get("/api/sources", user="bob").json()["sources"] == []
    assert api.get("/api/ingest", user="bob").json() == []


def test_one_refused_file_in_an_upload_stores_none_of_them(api: RestApp) -> None:
    files = [
        ("files", ("good.md", NOTES, "text/markdown")),
        ("files", ("tool.exe", b"MZ\x90\x00", "application/x-msdownload")),
    ]
    assert api.post("/api/ingest", files=files).status_code == 415
    assert list((api.vault_dir() / "uploads").iterdir()) == []
    assert api.get("/api/ingest").json() == []


def test_several_files_in_one_upload_are_read_in_one_job(api: RestApp) -> None:
    files = [
        ("files", ("garden.md", NOTES, "text/markdown")),
        ("files", ("list.txt", b"Buy seeds for the spring.", "text/plain")),
    ]
    job = wait_for_job(api, api.post("/api/ingest", files=files).json()["id"])
    assert job["files"] == ["garden.md", "list.txt"]
    assert job["counts"]["added"] == 2 and job["done"] == job["total"] == 2


CARD = b"""BEGIN:VCARD
VERSION:3.0
FN:Anna Berg
EMAIL:anna@example.org
END:VCARD
"""


def test_a_record_read_from_a_file_can_be_shown_with_its_file(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("friends.vcf", CARD, "text/vcard")})
    assert wait_for_job(api, started.json()["id"])["status"] == "done"
    [source] = api.get("/api/sources").json()["sources"]
    assert source["items"] == 1
    state = api.client.app.state
    vault = state.sessions.session(state.users.require("alice")).pasi.vault
    [item_id] = [row[0] for row in vault.read().execute("SELECT id FROM items")]
    item = api.get(f"/api/items/{item_id}").json()
    assert "Anna Berg" in item["description"] and item["source"] == source["uri"]
    assert api.get(f"/api/items/{item_id}", user="bob").status_code == 404


def test_a_running_ingest_finishes_before_the_server_closes_the_vault(
    tmp_path: Path, embedder
) -> None:
    with rest_app(tmp_path, embedder) as api:
        job_id = api.post("/api/ingest", files={"files": ("garden.md", NOTES, "text/markdown")})
        board = api.client.app.state.ingest_jobs
    job = board.get("alice", job_id.json()["id"])
    assert job.status == "done" and job.counts["added"] == 1


def test_an_uploaded_image_is_read_with_ocr_and_its_text_found(tmp_path: Path, embedder) -> None:
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (900, 160), "white")
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).text((20, 50), "Locker code 4512", fill="black", font=font)
    png = io.BytesIO()
    image.save(png, format="PNG")
    with rest_app(tmp_path, embedder) as api:
        started = api.post(
            "/api/ingest", files={"files": ("note.png", png.getvalue(), "image/png")}
        )
        assert wait_for_job(api, started.json()["id"])["status"] == "done"
        hits = api.get("/api/search", params={"q": "locker code"}).json()["hits"]
        assert "4512" in hits[0]["text"]
