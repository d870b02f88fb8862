"""Push-to-talk in Chromium: a fake microphone plays a spoken question; the reply is heard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_server import CHROMIUM, CHROMIUM_ARGS, WebServer

from pasi.models.chat import ChatModel, ScriptedModel
from senses.speech import conversation


@pytest.fixture
def microphone(tmp_path: Path) -> Path:
    """What the fake microphone says, once: a short question with silence around it."""
    path = tmp_path / "question.wav"
    path.write_bytes(conversation(0.3, "what's on today", 0.6).wav_bytes())
    return path


@pytest.fixture
def voice_page(playwright, microphone: Path) -> Iterator[Page]:
    """A browser of its own, whose microphone is the file above."""
    args = [
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}%noloop", "--autoplay-policy=no-user-gesture-required",
    ]  # fmt: skip
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    context = browser.new_context()
    context.set_default_timeout(30_000)
    yield context.new_page()
    browser.close()


def test_holding_the_talk_button_asks_aloud_and_the_reply_comes_back_spoken(
    voice_page: Page, start_web: Callable[[ChatModel | None], WebServer]
) -> None:
    server = start_web(ScriptedModel(lambda _: "You have the dentist at five."))
    page = voice_page
    page.goto(f"{server.url}/#token={server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()  # the link lands on Today
    talk = page.get_by_role("button", name="Hold to talk")
    expect(talk).to_be_visible()
    talk.hover()
    page.mouse.down()
    expect(talk).to_have_attribute("aria-pressed", "true")
    # released once the fake microphone has played the whole question (1.6 s and more)
    expect(talk).to_have_attribute("data-seconds", re.compile(r"^(1\.[6-9]|[2-9]\.|\d\d+\.)"))
    page.mouse.up()
    expect(page.locator(".message.user").last).to_have_text("Youwhat's on today")
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("You have the dentist at five.")
    expect(answer.get_by_label("pasi's reply, spoken")).to_be_attached()
    turns = [t.text for t in server.pasi().memory.recent_turns()]
    assert turns == ["what's on today", "You have the dentist at five."]
