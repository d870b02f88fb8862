"""REST "what I see" on a real server: status, pause/resume/stop, rules, erase by time range.

Captures are stored by the real capture loop from PNGs drawn with Pillow and read by real
Tesseract; the routes change the same ``capture.json`` the loop reads at every frame.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer
from PIL import ImageFont

from pasi.bench.capture_frames import draw
from pasi.errors import NotFoundError
from pasi.senses.capture import Capturer, FolderFrames, keep, rules

NOW = datetime.now(UTC).replace(microsecond=0)
SCREENS = {
    "ferry.png": (["The ferry to Hvar leaves at seven"], NOW - timedelta(hours=3)),
    "budget.png": (["Quarterly budget draft for the bakery"], NOW - timedelta(hours=2)),
    "garden.png": (["Plant the quince tree by the north wall"], NOW - timedelta(hours=1)),
}


def _capturer(server: RunningServer, folder: Path) -> Capturer:
    pasi = server.pasi("alice")
    return Capturer(pasi.memory, FolderFrames(folder), keep.folder_uri(folder),
                    Path(pasi.vault.directory))  # fmt: skip


@pytest.fixture
def captured(server: RunningServer, tmp_path: Path) -> tuple[RunningServer, Any, Path]:
    """alice's vault with the three screens captured through the real loop; her client."""
    folder = tmp_path / "glasses"
    folder.mkdir()
    font = ImageFont.load_default(size=28)
    for name, (lines, at) in SCREENS.items():
        draw("notes", lines, font, cursor=False).save(folder / name)
        os.utime(folder / name, (at.timestamp(), at.timestamp()))
    client = server.http(server.token("alice"))
    rules.save(Path(server.pasi("alice").vault.directory), rules.CaptureRules(on=True))
    capturer = _capturer(server, folder)
    assert [capturer.step() for _ in SCREENS] == ["kept"] * 3
    return server, client, folder


def test_status_shows_what_was_captured(captured) -> None:
    _, client, _ = captured
    status = client.get("/api/capture").json()
    assert status["on"] and not status["paused"] and not status["running"]
    assert status["stored"] == 3 and status["retention_days"] == 30
    assert "keepass" in status["exclude"]
    assert status["first_at"] < status["last_at"]
    newest = status["latest"][0]
    assert newest["heading"].startswith("Photo garden.png at ")
    assert "quince tree" in newest["text"]
    assert [c["heading"].split()[1] for c in status["latest"]] == [
        "garden.png",
        "budget.png",
        "ferry.png",
    ]


def test_erasing_a_range_takes_only_those_captures_and_what_rested_on_them(captured) -> None:
    server, client, _ = captured
    memory = server.pasi("alice").memory
    budget = next(c for c in client.get("/api/capture").json()["latest"] if "budget" in c["text"])
    learnt = memory.remember("The bakery budget draft is quarterly", evidence=[budget["id"]])
    window = {"since": (NOW - timedelta(hours=2, minutes=30)).isoformat(),
              "until": (NOW - timedelta(hours=1, minutes=30)).isoformat()}  # fmt: skip
    erased = client.post("/api/capture/erase", json=window)
    assert erased.status_code == 200 and erased.json() == {"erased": 1}
    with pytest.raises(NotFoundError):
        memory.get(learnt.id)
    left = client.get("/api/capture").json()
    assert left["stored"] == 2
    assert all("budget" not in c["text"] for c in left["latest"])
    assert client.post("/api/capture/erase", json={"all": True}).json() == {"erased": 2}
    assert client.get("/api/capture").json()["stored"] == 0


def test_pause_resume_stop_and_rules_reach_the_running_loop(captured, tmp_path: Path) -> None:
    server, client, _ = captured
    folder = tmp_path / "later"
    folder.mkdir()
    paused = client.post("/api/capture/pause", json={"minutes": 30}).json()
    assert paused["paused"] and paused["paused_until"] > NOW.isoformat()
    draw("notes", ["Train to Split at nine"], ImageFont.load_default(size=28),
         cursor=False).save(folder / "banking-train.png")  # fmt: skip
    capturer = _capturer(server, folder)
    assert capturer.step() == "paused"
    assert not client.post("/api/capture/resume").json()["paused"]
    shown = client.put("/api/capture/exclusions", json={"exclude": [" Banking ", "banking", ""]})
    assert shown.json()["exclude"] == ["banking"]
    assert capturer.step() == "excluded"
    assert client.put("/api/capture/retention", json={"days": 7}).json()["retention_days"] == 7
    assert rules.load(Path(server.pasi("alice").vault.directory)).retention_days == 7
    assert client.post("/api/capture/stop").json()["on"] is False
    assert capturer.step() == "off"


def test_the_web_cannot_start_capture_and_bad_requests_are_refused(captured) -> None:
    _, client, _ = captured
    client.post("/api/capture/stop")
    assert client.post("/api/capture/start").status_code in (404, 405)
    assert client.get("/api/capture").json()["on"] is False
    refused = client.post("/api/capture/erase", json={})
    assert refused.status_code == 422 and "all: true" in refused.json()["error"]["message"]
    assert client.post("/api/capture/pause", json={"minutes": 0}).status_code == 422
    assert client.put("/api/capture/retention", json={"days": 0}).status_code == 422
    assert client.get("/api/capture").json()["stored"] == 3


def test_captures_are_per_user_and_need_a_token(captured) -> None:
    server, _, _ = captured
    bob = server.http(server.token("bob"))
    assert bob.get("/api/capture").json()["stored"] == 0
    assert bob.post("/api/capture/erase", json={"all": True}).json() == {"erased": 0}
    assert server.http().get("/api/capture").status_code == 401
    alice = server.http(server.token("alice"))
    assert alice.get("/api/capture").json()["stored"] == 3
