"""The web chat answered by a real small model (Qwen2.5-Coder-0.5B, in process) in real
Chromium: the answer bubble fills with plain text and stops being busy."""

from __future__ import annotations

from playwright.sync_api import expect
from web_server import WebServer

from pasi.bench.model import TOOL_TEXT


def test_the_web_chat_shows_a_real_models_answer(browser, start_web, qwen_chat) -> None:
    server: WebServer = start_web(qwen_chat)
    server.pasi().memory.remember("The user's bike is in the shed")
    page = browser.new_context().new_page()
    page.goto(f"{server.url}/#token={server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()  # the link lands on Today
    page.get_by_label("Message", exact=True).fill("Please remind me tomorrow at 9 to oil my bike.")
    page.get_by_label("Message", exact=True).press("Enter")
    answer = page.locator(".message.assistant").last
    expect(answer).to_have_attribute("aria-busy", "false", timeout=120_000)
    text = answer.inner_text()
    assert text.strip() and not TOOL_TEXT.search(text)
    page.context.close()
