"""Uploads to an encrypted vault stay sealed on disk and are still read, searched and re-synced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.vault.files import is_sealed
from server.rest_app import RestApp, encrypted_alice_app, files_containing
from server.test_rest_sources import wait_for_job

PASSPHRASE = "upload passphrase"
SECRET = "Zephyrine-4417"
NOTE = f"# Safe\n\nThe safe combination is {SECRET}, behind the painting.\n".encode()


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with encrypted_alice_app(tmp_path, embedder, PASSPHRASE) as app:
        yield app


def _vault(api: RestApp):
    state = api.client.app.state
    return state.sessions.session(state.users.require("alice")).pasi.vault


def test_an_upload_to_an_encrypted_vault_is_sealed_yet_searchable(api: RestApp) -> None:
    started = api.post("/api/ingest", files={"files": ("safe.md", NOTE, "text/markdown")})
    assert started.status_code == 202, started.text
    job = wait_for_job(api, started.json()["id"])
    assert job["status"] == "done" and job["counts"]["added"] == 1, job

    vault_dir = api.vault_dir()
    assert is_sealed((vault_dir / "uploads" / "safe.md").read_bytes())
    assert files_containing(vault_dir, SECRET) == []
    hits = api.get("/api/search", params={"q": "safe combination"}).json()["hits"]
    assert SECRET in hits[0]["text"]
    [source] = api.get("/api/sources").json()["sources"]
    assert source["uri"] == f"file:{(vault_dir / 'uploads' / 'safe.md').resolve()}"
    fields = [json.loads(row[0]) for row in _vault(api).read().execute("SELECT fields FROM items")]
    paths = [f["path"] for f in fields if "path" in f]
    assert paths and all(p == str((vault_dir / "uploads" / "safe.md").resolve()) for p in paths)

    resync = wait_for_job(api, api.post("/api/sync").json()["id"])
    assert resync["status"] == "done" and resync["failures"] == [], resync
    assert resync["counts"]["skipped"] == 1  # unchanged: the sealed file reads back the same
    newer = NOTE.replace(b"behind the painting", b"under the stairs")
    again = api.post("/api/ingest", files={"files": ("safe.md", newer, "text/markdown")})
    assert wait_for_job(api, again.json()["id"])["counts"]["updated"] == 1
    assert files_containing(vault_dir, "under the stairs") == []
    hits = api.get("/api/search", params={"q": "under the stairs"}).json()["hits"]
    assert "under the stairs" in hits[0]["text"]


def test_a_broken_sealed_upload_is_reported_under_its_own_name(api: RestApp) -> None:
    started = api.post(
        "/api/ingest", files={"files": ("feed.ics", b"not a calendar", "text/calendar")}
    )
    job = wait_for_job(api, started.json()["id"])
    assert job["status"] == "failed"
    assert job["failures"][0]["path"] == str((api.vault_dir() / "uploads" / "feed.ics").resolve())
    assert "/uploads/feed.ics" in job["error"]
