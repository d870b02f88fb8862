"""The Sources page's "Screen captures" section in real Chromium: status shown, a range erased."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from test_web_app import open_app
from web_server import WebServer

from pasi.senses.capture import Frame, keep, rules


def test_captures_are_shown_and_erased_after_a_confirm(page: Page, web_server: WebServer) -> None:
    pasi = web_server.pasi()
    rules.save(Path(pasi.vault.directory), rules.CaptureRules(on=True))
    now = datetime.now(UTC)
    for hours, text in ((30, "Old invoice from the plumber"), (1, "Ferry to Hvar leaves at seven")):
        frame = Frame(None, now - timedelta(hours=hours), "screen", "firefox", "timetable")
        keep.keep(pasi.memory, frame, text, keep.SCREEN_URI)
    open_app(page, web_server, "Sources")
    section = page.get_by_role("region", name="Screen captures")
    expect(section).to_contain_text("2 capture(s) kept")
    expect(section.get_by_role("list", name="Latest captures")).to_contain_text("Ferry to Hvar")
    expect(section.get_by_role("button", name="Start")).to_have_count(0)  # starting is local only
    since = (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    section.get_by_label("From").fill(since)
    section.get_by_role("button", name="Erase…").click()
    section.get_by_role("button", name="Yes, erase").click()
    expect(section.get_by_role("status")).to_contain_text("Erased 1 capture(s)")
    expect(section).to_contain_text("1 capture(s) kept")
    expect(section).not_to_contain_text("Ferry to Hvar")
    assert len(keep.captured_ids(pasi.memory)) == 1
    assert page.outside_requests == []  # type: ignore[attr-defined]
