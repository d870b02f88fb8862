"""A side-effecting call after external text waits for the user: Approve in the web app runs it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_server import WebServer

from pasi.ingest.sync import Syncer
from pasi.models.chat import ChatModel, ChatRequest, Completion, ScriptedModel, ToolCall

EMAIL = """From: Bob Stone <bob@example.com>
To: alice@example.com
Subject: The boat
Date: Mon, 2 Nov 2026 10:00:00 +0000

Hi Alice, I sold the old sailing boat to my neighbour last week. Bob
"""


def remembers_what_bob_wrote(request: ChatRequest) -> Completion | str:
    """First ask to store a memory (a side effect after reading an email), then answer."""
    if any(m.role == "tool" for m in request.messages):
        return "I asked to remember that Bob sold his boat; it waits for your approval."
    arguments = json.dumps({"text": "Bob sold his sailing boat"})
    return Completion("", tool_calls=(ToolCall("call-1", "remember", arguments),))


@pytest.fixture
def consent_server(start_web: Callable[[ChatModel], WebServer], tmp_path: Path) -> WebServer:
    """A server whose model asks to store what an email (text written by others) says."""
    server = start_web(ScriptedModel(remembers_what_bob_wrote))
    mail = tmp_path / "boat.eml"
    mail.write_text(EMAIL)
    report = Syncer(server.pasi().memory, max_bytes=1 << 20).ingest([mail])
    assert report.added == [str(mail)]
    return server


@pytest.fixture
def page(browser, consent_server: WebServer) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_held_action_is_shown_with_approve_and_deny_and_approve_runs_it(
    page: Page, consent_server: WebServer
) -> None:
    page.goto(f"{consent_server.url}/#token={consent_server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()  # the link lands on Today
    page.get_by_label("Message", exact=True).fill("What did Bob write about the boat?")
    page.get_by_role("button", name="Send").click()
    card = page.locator(".message.confirm")
    expect(card).to_contain_text("pasi asks to use remember")
    expect(card.locator(".arguments")).to_contain_text("Bob sold his sailing boat")
    expect(page.locator(".message.assistant").last).to_contain_text("waits for your confirmation")
    assert consent_server.pasi().memory.list() == []
    card.get_by_role("button", name="Approve").click()
    expect(card.get_by_role("status")).to_have_text("Approved: pasi will do it.")
    expect(card.get_by_role("button", name="Approve")).to_be_disabled()
    assert [m.text for m in consent_server.pasi().memory.list()] == ["Bob sold his sailing boat"]
    page.get_by_role("link", name="Memories").click()
    expect(page.locator(".memory-text", has_text=re.compile("Bob sold"))).to_be_visible()


def remembers_twice(request: ChatRequest) -> Completion | str:
    """Two memories in one response, both from the email: held together."""
    if any(m.role == "tool" for m in request.messages):
        return "Both wait for your approval."
    first = json.dumps({"text": "I sold the old sailing boat to my neighbour"})
    second = json.dumps({"text": "Bob sold the old sailing boat"})
    return Completion("", tool_calls=(ToolCall("c1", "remember", first),
                                      ToolCall("c2", "remember", second)))  # fmt: skip


def test_the_calls_one_turn_held_are_approved_with_one_button(
    browser, start_web: Callable[[ChatModel], WebServer], tmp_path: Path
) -> None:
    server = start_web(ScriptedModel(remembers_twice))
    mail = tmp_path / "boat.eml"
    mail.write_text(EMAIL.replace("Bob\n", "Bob sold the old sailing boat, Bob\n"))
    assert Syncer(server.pasi().memory, max_bytes=1 << 20).ingest([mail]).added == [str(mail)]
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}/#token={server.token}")
    page.get_by_role("link", name="Chat", exact=True).click()
    page.get_by_label("Message", exact=True).fill("Remember what Bob wrote about the boat")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message.confirm .arguments")).to_have_count(2)
    page.get_by_role("button", name="Approve all 2").click()
    expect(page.get_by_role("status").filter(has_text="pasi will do them")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True).first).to_be_disabled()
    texts = sorted(m.text for m in server.pasi().memory.list())
    assert texts == ["Bob sold the old sailing boat", "I sold the old sailing boat to my neighbour"]
    context.close()
