"""An image attached in the web app's chat: picked with the Attach image button, read by pasi
(OCR) and answered; without a vision model the chat says it read only the text and metadata."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_server import WebServer, artifacts_dir

from pasi.agent.context import user_words
from pasi.models.chat import ChatModel, ChatRequest, ScriptedModel
from senses.photos import photo


def _reads_back(request: ChatRequest) -> str:
    """The model's answer: the message it was given, attachment and all."""
    return "I was given: " + user_words(
        [m for m in request.messages if m.role == "user"][-1].content
    )


@pytest.fixture
def own_page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.set_default_timeout(30_000)  # OCR runs before the answer starts
    yield context.new_page()
    context.close()


def test_an_attached_receipt_is_read_answered_and_remembered(
    own_page: Page, start_web: Callable[[ChatModel | None], WebServer], tmp_path: Path
) -> None:
    server = start_web(ScriptedModel(_reads_back))
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(photo(("Cafe Blau", "Total 12.50 EUR"), fmt="PNG"))
    page = own_page
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((server.url, "data:", "blob:")) else outside.append(r.url)
        ),
    )
    page.goto(f"{server.url}/#token={server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()  # the link lands on Today

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach image").click()
    chooser.value.set_files(str(receipt))
    pending = page.locator(".composer").get_by_role("list", name="Attached images")
    expect(pending.get_by_role("img", name="receipt.png")).to_be_visible()
    page.get_by_role("textbox", name="Message").fill("add this receipt to my expenses")
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".message.notice")).to_contain_text("no vision model is configured")
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("Total 12.50 EUR")
    sent = page.locator(".message.user").last
    expect(sent).to_contain_text("add this receipt to my expenses")
    expect(sent.get_by_role("img", name="receipt.png")).to_be_visible()
    expect(pending).to_have_count(0)  # the images went with the message
    (asked, _) = [t.text for t in server.pasi().memory.recent_turns()]
    assert asked.startswith("add this receipt") and "Cafe Blau\nTotal 12.50 EUR" in asked
    assert outside == []
    page.screenshot(path=str(artifacts_dir() / "web-chat-image.png"), full_page=True)


def test_a_file_that_is_not_a_png_jpeg_or_webp_is_refused_in_the_browser(
    own_page: Page, start_web: Callable[[ChatModel | None], WebServer], tmp_path: Path
) -> None:
    server = start_web(ScriptedModel(_reads_back))
    gif = tmp_path / "anim.gif"
    gif.write_bytes(photo(fmt="GIF"))
    page = own_page
    page.goto(f"{server.url}/#token={server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()  # the link lands on Today
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach image").click()
    chooser.value.set_files(str(gif))
    expect(page.get_by_role("alert")).to_have_text(
        re.compile("anim.gif: pasi reads PNG, JPEG and WebP")
    )
    expect(page.locator(".composer").get_by_role("img")).to_have_count(0)
