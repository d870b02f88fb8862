"""A remote vision model sees photos only through the privacy gateway, with an audit row per
image, and never a photo from a source kept on this machine; on the real OpenAI HTTP path."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from photos import photo, write
from typer.testing import CliRunner

from models.scripted_http import Reply, Seen, Server, chat_reply, serve
from pasi import Pasi
from pasi.cli.main import app
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.errors import ConfigError
from pasi.ingest.registry import configured_connectors
from pasi.ingest.sync import Syncer
from pasi.models.vision import make_captioner
from pasi.privacy.audit import AuditLog
from pasi.privacy.sources import set_remote_ok

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
CAPTION = "A green lawn under a grey sky."


@pytest.fixture
def cloud() -> Iterator[Server]:
    def answer(seen: Seen) -> Reply:
        return Reply(body=chat_reply(CAPTION))

    with serve(answer) as server:
        yield server


def _settings(tmp_path: Path, url: str) -> Settings:
    port = url.rsplit(":", 1)[1]
    return Settings(
        vault=tmp_path / "vault", embedder="none", model="none",
        vision_model=f"openai-compatible:{url}/v1#cloud-vision",
        remote_hosts=[f"127.0.0.1:{port}"],
    )  # fmt: skip


def _photos(pasi: Pasi) -> dict[str, dict]:
    rows = pasi.vault.read().execute("SELECT title, fields FROM items WHERE kind = 'photo'")
    return {row["title"]: json.loads(row["fields"]) for row in rows}


def _vision_calls(pasi: Pasi) -> list[dict]:
    return [e.to_json() for e in AuditLog(pasi.vault).entries() if e.actor == "vision"]


def _source_remote_ok(pasi: Pasi, path: Path) -> bool:
    row = (
        pasi.vault.read()
        .execute("SELECT remote_ok FROM sources WHERE uri = ?", (f"file:{path.resolve()}",))
        .fetchone()
    )
    return bool(row[0])


def test_a_remote_caption_goes_through_the_gateway_and_is_audited(
    tmp_path: Path, cloud: Server
) -> None:
    lawn = photo(colour="forestgreen")
    write(tmp_path / "phone", "lawn.jpg", lawn)
    with Pasi(_settings(tmp_path, cloud.url), clock=fixed_clock(NOW)) as pasi:
        assert pasi.captioner() is not None and pasi.captioner().local is False
        syncer = Syncer(pasi.memory, max_bytes=10**7, connectors=pasi.connectors())
        assert syncer.ingest([tmp_path / "phone"]).failed == []
        stored = _photos(pasi)["lawn.jpg"]
        calls = _vision_calls(pasi)

    assert stored["caption"] == CAPTION and stored["caption_skipped"] is None
    (seen,) = [s for s in cloud.seen if s.path.endswith("/chat/completions")]
    assert seen.body["model"] == "cloud-vision"
    (call,) = calls
    assert call["model"].endswith("cloud-vision") and call["action"] == "remote_model_call"
    (message,) = call["payload"]["messages"]
    assert message["images"] == [hashlib.sha256(lawn).hexdigest()]


def test_a_photo_kept_on_this_machine_never_reaches_the_remote_vision_model(
    tmp_path: Path, cloud: Server
) -> None:
    folder = tmp_path / "private"
    old = write(folder, "old.jpg", photo(colour="forestgreen"))
    with Pasi(_settings(tmp_path, cloud.url), clock=fixed_clock(NOW)) as pasi:
        syncer = Syncer(pasi.memory, max_bytes=10**7, connectors=pasi.connectors())
        assert syncer.ingest([folder]).failed == []
        assert len(_vision_calls(pasi)) == 1
        set_remote_ok(pasi.vault, [str(folder)], allowed=False)

        sent_before = len(cloud.seen)
        write(folder, "old.jpg", photo(("Lab results",), colour="white"))  # changed
        new = write(folder, "new.png", photo(("Blood test",), fmt="PNG"))  # added later
        report = syncer.sync()
        assert sorted(report.updated + report.added) == sorted([str(old), str(new)])
        stored = _photos(pasi)
        calls = _vision_calls(pasi)
        new_remote_ok = _source_remote_ok(pasi, new)

    assert len(cloud.seen) == sent_before and len(calls) == 1
    for name in ("old.jpg", "new.png"):
        assert stored[name]["caption"] is None
        assert "remote_ok = 0" in stored[name]["caption_skipped"]
        assert "cloud-vision" in stored[name]["caption_skipped"]
    assert "Blood test" in stored["new.png"]["text"]  # OCR runs here, on this machine
    assert new_remote_ok is False  # a file added to a keep-local folder is kept local too


def test_a_remote_vision_model_is_refused_without_the_gateway(
    tmp_path: Path, cloud: Server
) -> None:
    settings = _settings(tmp_path, cloud.url)
    with pytest.raises(ConfigError, match="vision_model"):
        make_captioner(settings)
    with pytest.raises(ConfigError, match="privacy gateway"):
        configured_connectors(settings)
    assert cloud.seen == []


def test_pasi_ingest_audits_a_remote_caption(tmp_path: Path, cloud: Server) -> None:
    write(tmp_path / "phone", "lawn.jpg", photo(colour="forestgreen"))
    port = cloud.url.rsplit(":", 1)[1]
    env = {
        "PASI_VISION_MODEL": f"openai-compatible:{cloud.url}/v1#cloud-vision",
        "PASI_REMOTE_HOSTS": json.dumps([f"127.0.0.1:{port}"]),
        "PASI_MODEL": "none",
    }
    runner = CliRunner(env=env)
    base = ["--vault", str(tmp_path / "vault"), "--embedder", "none"]
    ingested = runner.invoke(app, [*base, "ingest", str(tmp_path / "phone")])
    assert ingested.exit_code == 0, ingested.output
    audit = runner.invoke(app, [*base, "audit", "--json"])
    assert audit.exit_code == 0, audit.output
    (call,) = json.loads(audit.stdout)
    assert call["actor"] == "vision" and call["model"].endswith("cloud-vision")
