"""Playing a recording source: its file by source id with Range, a signed link for <audio>,
and nothing but the user's own recording sources; on a real pasi server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
from live_server import RunningServer

from pasi.app import Pasi
from server.recordings import MARCH, store_recording, tone_wav


def _pasi(server: RunningServer, name: str) -> Pasi:
    server.token(name)
    return server.app.state.sessions.session(server.users.get(name)).pasi


def _recording(server: RunningServer, tmp_path: Path) -> tuple[int, int, bytes]:
    path = tone_wav(tmp_path / "memo.wav", 3.0)
    pasi = _pasi(server, "alice")
    store_recording(pasi, path, [(0.0, "about the boat"), (2.0, "the budget moved")], MARCH)
    [episode] = [e for e in pasi.memory.recent_turns(10, f"file:{path.resolve()}")
                 if e.external_id.startswith("0:02#")]  # fmt: skip
    return episode.id, episode.source_id, path.read_bytes()


def test_a_recording_is_served_whole_and_by_range(
    start_server: Callable[..., RunningServer], tmp_path: Path
) -> None:
    server = start_server()
    _, source_id, data = _recording(server, tmp_path)
    http = server.http(server.token("alice"))
    whole = http.get(f"/api/sources/{source_id}/audio")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["accept-ranges"] == "bytes"
    part = http.get(f"/api/sources/{source_id}/audio", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == data[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    tail = http.get(f"/api/sources/{source_id}/audio", headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == data[-100:]
    past = http.get(f"/api/sources/{source_id}/audio", headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(data)}"


def test_a_signed_link_plays_without_the_token_and_only_that_source(
    start_server: Callable[..., RunningServer], tmp_path: Path
) -> None:
    server = start_server()
    _, source_id, data = _recording(server, tmp_path)
    link = server.http(server.token("alice")).post(f"/api/sources/{source_id}/audio-link")
    assert link.status_code == 200 and link.json()["content_type"] == "audio/wav"
    url = link.json()["url"]
    anonymous = httpx.Client(base_url=server.url, timeout=30)
    played = anonymous.get(url, headers={"Range": "bytes=0-"})
    assert played.status_code == 206 and played.content == data
    forged = url.replace("signature=", "signature=0")
    assert anonymous.get(forged).status_code == 401
    elsewhere = url.replace(f"/sources/{source_id}/", f"/sources/{source_id + 1}/")
    assert anonymous.get(elsewhere).status_code == 401
    assert anonymous.get(f"/api/sources/{source_id}/audio").status_code == 401


def test_only_the_users_own_recording_sources_are_served(
    start_server: Callable[..., RunningServer], tmp_path: Path
) -> None:
    server = start_server()
    passage, source_id, _ = _recording(server, tmp_path)
    bob = server.http(server.token("bob"))
    assert bob.get(f"/api/sources/{source_id}/audio").status_code == 404
    assert bob.post(f"/api/sources/{source_id}/audio-link").status_code == 404
    assert bob.post(f"/api/episodes/{passage}/audio-link").status_code == 404
    alice = server.http(server.token("alice"))
    notes = alice.post("/api/ingest", files={"files": ("n.md", b"# Notes\n\nplain text\n")})
    assert notes.status_code == 202
    for _ in range(200):
        sources = alice.get("/api/sources").json()["sources"]
        if any(s["uri"].endswith("/n.md") for s in sources):
            break
        time.sleep(0.05)
    [text_source] = [s for s in sources if s["uri"].endswith("/n.md")]
    refused = alice.get(f"/api/sources/{text_source['id']}/audio")
    assert refused.status_code == 404 and "not a recording" in refused.json()["error"]["message"]
    assert alice.get("/api/sources/999999/audio").status_code == 404


def test_a_cited_passage_links_to_its_recording_at_its_time(
    start_server: Callable[..., RunningServer], tmp_path: Path
) -> None:
    server = start_server()
    passage, source_id, data = _recording(server, tmp_path)
    link = server.http(server.token("alice")).post(f"/api/episodes/{passage}/audio-link").json()
    assert link["start_seconds"] == 2.0
    assert link["url"].startswith(f"/api/sources/{source_id}/audio?")
    played = httpx.get(server.url + link["url"], timeout=30)
    assert played.status_code == 200 and played.content == data


def test_locators_are_read_as_times_within_the_recording() -> None:
    from pasi.server.rest.media import locator_seconds

    assert locator_seconds("12:31#ab12") == 751.0
    assert locator_seconds("1:02:03#ab12") == 3723.0
    assert locator_seconds("12:31 part 2#ab12") == 751.0
    assert locator_seconds("L12#ab12") is None and locator_seconds(None) is None
