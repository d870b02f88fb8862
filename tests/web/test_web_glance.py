"""Recordings, life at a glance and choosing a model, in real headless Chromium against a real
server with no chat model: a cited recording passage plays from its time, the timeline draws
the months and opens one, and a model offered by a (scripted) Ollama is saved as the strong
tier, in the config file and after a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from playwright.sync_api import Page, expect
from web_server import WebServer, artifacts_dir, serve

from memory_keyring import MemoryKeyring
from models.scripted_http import Reply, Seen
from models.scripted_http import serve as serve_upstream
from pasi.config import Settings, load_settings
from pasi.server.app import create_app
from server.recordings import store_recording, tone_wav

RECORDED = datetime(2024, 3, 9, 17, 0, tzinfo=UTC)


def _ollama(seen: Seen) -> Reply:
    if seen.path == "/api/tags":
        return Reply(body={"models": [{"name": "qwen2.5:0.5b"}]})
    return Reply(404, {"error": "not found"})


@pytest.fixture
def owner(tmp_path: Path, embedder, config_file: Path) -> Iterator[WebServer]:
    """The server's own user (who may choose models), with a recording from March 2024."""
    with serve_upstream(_ollama) as ollama:
        settings = Settings(
            vault=tmp_path / "vault", server_home=tmp_path / "server", model="none",
            embedder="wordllama", ollama_url=f"{ollama.url}/v1",
        )  # fmt: skip
        app = create_app(settings, embedder=embedder, mcp=False)
        app.state.users.ensure_local_user(settings.vault)
        server = WebServer("", app, app.state.users.create_token("local"))
        pasi = server.pasi("local")
        memo = tone_wav(tmp_path / "memo.wav", 8.0)
        store_recording(pasi, memo, [(0.0, "Jonas called about the boat."),
                                     (5.0, "The budget meeting moved to Thursday.")],
                        RECORDED)  # fmt: skip
        pasi.memory.remember("The boat repair costs 400 euros", kind="fact")
        url, uvicorn_server, thread, sock = serve(app)
        server.url = url
        yield server
        uvicorn_server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_playback_timeline_and_choosing_a_model(
    browser, owner: WebServer, config_file: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    ranges: list[str] = []
    page.on(
        "request",
        lambda r: ranges.append(r.headers.get("range", "")) if "/audio?" in r.url else None,
    )
    page.goto(f"{owner.url}/#token={owner.token}")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Memories").click()

    _timeline(page)
    _playback(page, ranges)
    _choose_model(page, config_file)
    assert errors == []
    context.close()


def _timeline(page: Page) -> None:
    glance = page.get_by_role("region", name="Life at a glance")
    chart = glance.locator("svg.life-chart")
    expect(chart).to_have_attribute(
        "aria-label", re.compile(r"^From Mar 2024 to .*: 1 memory learnt, 2 passages")
    )
    march = chart.locator('[data-month="2024-03"]')
    expect(march).to_have_attribute(
        "aria-label", re.compile(r"March 2024: 0 memories learnt, 2 passages \(2 from recordings\)")
    )
    assert chart.locator(".life-month").count() >= 2  # March 2024 up to this month, gaps drawn
    march.click()
    detail = glance.locator(".life-month-detail")
    expect(detail.get_by_role("heading", name="March 2024")).to_be_visible()
    expect(detail.get_by_role("list", name="Sources of March 2024")).to_contain_text(
        "recordings · 2 passages this month"
    )
    expect(detail.get_by_role("button", name=re.compile("^Play recording"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir() / "web-life-at-a-glance.png"), full_page=True)


def _playback(page: Page, ranges: list[str]) -> None:
    page.get_by_role("searchbox", name="Search memories and conversations").fill("budget meeting")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name="Show in context").first.click()
    dialog = page.locator("#detail")
    play = dialog.get_by_role("button", name=re.compile(r"^Play from 0:05"))
    expect(play).to_be_visible()
    expect(dialog.get_by_role("button", name=re.compile(r"^Play from 0:00"))).to_be_visible()
    play.click()
    audio = dialog.locator("audio.recording")
    expect(audio).to_have_attribute("src", re.compile(r"/api/sources/\d+/audio\?.*#t=5$"))
    page.wait_for_function("(a) => a.readyState >= 1", arg=audio.element_handle(), timeout=15_000)
    state = audio.evaluate("a => ({t: a.currentTime, d: a.duration})")
    assert 5.0 <= state["t"] < 8.0 and abs(state["d"] - 8.0) < 0.1, state
    assert any(r.startswith("bytes=") for r in ranges), ranges  # Chromium streamed it by range
    page.screenshot(path=str(artifacts_dir() / "web-recording-playback.png"), full_page=True)
    dialog.get_by_role("button", name="Close").click()


def _choose_model(page: Page, config_file: Path) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_text("Models your servers offer").click()
    page.get_by_role("button", name="Use ollama:qwen2.5:0.5b for answers (strong model)").click()
    status = page.get_by_role("status").filter(has_text="Saved strong_model")
    expect(status).to_contain_text(f'Saved strong_model = "ollama:qwen2.5:0.5b" in {config_file}')
    strong = page.locator("li.tier").filter(has_text="Answers (strong model)")
    expect(strong).to_contain_text("strong_model = ollama:qwen2.5:0.5b")
    assert 'strong_model = "ollama:qwen2.5:0.5b"' in config_file.read_text(encoding="utf-8")
    assert load_settings().strong_model == "ollama:qwen2.5:0.5b"
    page.reload()
    strong = page.locator("li.tier").filter(has_text="Answers (strong model)")
    expect(strong).to_contain_text("strong_model = ollama:qwen2.5:0.5b")
    expect(strong.get_by_label("Model for answers (strong model)", exact=True)).to_have_value(
        "ollama:qwen2.5:0.5b"
    )
    _save_key(page, config_file)


def _save_key(page: Page, config_file: Path) -> None:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)  # the server runs in this process: it saves here
    try:
        page.reload()  # Settings shows where keys go: now a keyring
        page.get_by_text("Other settings", exact=True).click()
        form = page.get_by_role("form", name="Save a model key")
        form.get_by_label("Key", exact=True).select_option("openai_api_key")
        form.get_by_label("Value", exact=True).fill("sk-from-the-browser")
        form.get_by_role("button", name="Save key").click()
        expect(page.get_by_role("status").filter(has_text="Saved openai_api_key")).to_contain_text(
            "in the keyring"
        )
        page.get_by_text("Other settings", exact=True).click()
        expect(page.locator("dl.facts").filter(has_text="OpenAI API key")).to_contain_text("set")
        assert backend.entries == {("pasi", "setting:openai_api_key"): "sk-from-the-browser"}
        assert "sk-from" not in config_file.read_text(encoding="utf-8")
    finally:
        keyring.set_keyring(previous)
