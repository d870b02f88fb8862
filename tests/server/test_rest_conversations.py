"""REST conversations and export: a chat's turns read back, and the whole vault as a download."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.models.chat import ScriptedModel, replies
from server.rest_app import RestApp, rest_app


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    model = ScriptedModel(replies("Noted: your bike is in the shed [m1]."))
    with rest_app(tmp_path, embedder, chat_model=model) as app:
        yield app


def chat(api: RestApp, message: str) -> list[dict]:
    response = api.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    lines = [line for line in response.text.splitlines() if line.startswith("data: ")]
    return [json.loads(line.removeprefix("data: ")) for line in lines]


def test_a_chat_shows_up_as_a_conversation_with_its_turns(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "My bike is in the shed"})
    events = chat(api, "Where is my bike?")
    assert events[-1]["type"] == "answer"
    page = api.get("/api/conversations").json()
    [conversation] = page["items"]
    assert page["total"] == 1 and conversation["turns"] == 2
    assert conversation["preview"] == "Where is my bike?"
    shown = api.get(f"/api/conversations/{conversation['id']}").json()
    assert [(t["role"], t["text"]) for t in shown["turns"]] == [
        ("user", "Where is my bike?"),
        ("assistant", "Noted: your bike is in the shed [m1]."),
    ]
    assert api.get(f"/api/conversations/{conversation['id']}", user="bob").status_code == 404


def test_a_conversation_is_paged_from_its_latest_turns(api: RestApp) -> None:
    for n in range(3):
        chat(api, f"message number {n}")
    conversation = api.get("/api/conversations").json()["items"][0]
    latest = api.get(f"/api/conversations/{conversation['id']}", params={"limit": 2}).json()
    assert latest["total"] == 6 and latest["offset"] == 4
    assert latest["turns"][0]["text"] == "message number 2"
    first = api.get(
        f"/api/conversations/{conversation['id']}", params={"limit": 2, "offset": 0}
    ).json()
    assert first["turns"][0]["text"] == "message number 0"


def test_a_file_source_is_not_a_conversation(api: RestApp) -> None:
    started = api.post(
        "/api/ingest", files={"files": ("a.md", b"# A\n\ntext here", "text/markdown")}
    )
    assert started.status_code == 202
    assert api.get("/api/conversations").json()["total"] == 0
    assert api.get("/api/conversations/1").status_code == 404


def test_export_downloads_every_record_of_this_user_only(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "I was born in Porto"})
    api.post("/api/memories", user="bob", json={"text": "Bob's secret recipe"})
    response = api.get("/api/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    records = [json.loads(line) for line in response.text.splitlines()]
    assert records[0]["type"] == "header" and records[-1]["type"] == "footer"
    memories = [r["text"] for r in records if r["type"] == "memory"]
    assert memories == ["I was born in Porto"]
    assert records[-1]["counts"]["memory"] == 1


def test_erasure_needs_the_exact_confirmation_and_erases_nothing_without_it(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "I was born in Porto"})
    wrong = api.post("/api/erase", json={"all": True, "confirm": "yes"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["param"] == "confirm"
    assert "erase everything" in wrong.json()["error"]["message"]
    partial = api.post("/api/erase", json={"all": False, "confirm": "erase everything"})
    assert partial.status_code == 422 and partial.json()["error"]["param"] == "all"
    assert api.get("/api/memories").json()["total"] == 1


def test_the_export_of_an_encrypted_vault_is_encrypted_unless_asked_plain(
    tmp_path: Path, embedder
) -> None:
    from pasi.privacy.export import write_unsealed
    from pasi.vault.sqlite import open_vault

    def encrypt(registry) -> None:
        open_vault(registry.require("alice").vault, "correct horse battery", encrypt=True).close()

    with rest_app(tmp_path, embedder, prepare=encrypt, passphrase="correct horse battery") as api:
        api.post("/api/memories", json={"text": "I was born in Porto"})
        sealed = api.get("/api/export")
        assert sealed.status_code == 200 and b"Porto" not in sealed.content
        assert sealed.headers["content-disposition"].endswith('.jsonl.sealed"')
        path = tmp_path / "export.sealed"
        path.write_bytes(sealed.content)
        write_unsealed(path, "correct horse battery", tmp_path / "export.jsonl", None)  # type: ignore[arg-type]
        assert "I was born in Porto" in (tmp_path / "export.jsonl").read_text()
        plain = api.get("/api/export", params={"plaintext": True})
        assert "I was born in Porto" in plain.text


def test_erase_everything_empties_this_users_vault_and_pasi_starts_afresh(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "I was born in Porto"})
    api.post("/api/ingest", files={"files": ("a.md", b"# A\n\nsome notes here", "text/markdown")})
    api.post("/api/memories", user="bob", json={"text": "Bob keeps this"})
    assert api.get("/api/settings").json()["erase_available"] is True
    for _ in range(600):  # the upload's job ends first (jobs run one at a time anyway)
        if all(job["status"] in ("done", "failed") for job in api.get("/api/ingest").json()):
            break
        time.sleep(0.05)
    response = api.post("/api/erase", json={"all": True, "confirm": "erase everything"})
    assert response.status_code == 200 and response.json()["erased"] >= 2
    assert not (api.vault_dir() / "uploads").exists()
    assert api.get("/api/memories").json()["total"] == 0
    assert api.get("/api/sources").json()["sources"] == []
    assert api.get("/api/memories", user="bob").json()["total"] == 1
    assert api.post("/api/memories", json={"text": "A fresh start"}).status_code == 201
    assert api.get("/api/memories").json()["total"] == 1
