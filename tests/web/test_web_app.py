"""The web app in real headless Chromium against a real pasi server on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from web_server import WebServer, artifacts_dir


def open_app(page: Page, server: WebServer, view: str = "Chat") -> None:
    """Open the app from the link `pasi serve` prints (it lands on Today), then ``view``."""
    page.goto(f"{server.url}/#token={server.token}")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=view).click()
    expect(page.get_by_role("heading", name=view, level=1)).to_be_visible()


def test_without_a_token_the_app_asks_for_one_and_refuses_a_wrong_one(
    page: Page, web_server: WebServer
) -> None:
    page.goto(web_server.url)
    expect(page.get_by_role("heading", name="Sign in to pasi")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.get_by_label("Access token").fill("pasi_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That token was not accepted.")
    page.get_by_label("Access token").fill(web_server.token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Today"), level=1)).to_be_visible()
    assert page.evaluate("localStorage.getItem('pasi.token')") == web_server.token
    assert page.outside_requests == []  # type: ignore[attr-defined]


def test_a_revoked_token_shows_the_sign_in_screen(page: Page, web_server: WebServer) -> None:
    page.goto(f"{web_server.url}/#token=pasi_revoked-long-ago")
    expect(page.get_by_role("heading", name="Your token was not accepted")).to_be_visible()


def test_a_message_streams_an_answer_with_sources_that_open(
    page: Page, web_server: WebServer
) -> None:
    memory = web_server.pasi().memory.remember("I keep my bike in the shed")
    open_app(page, web_server)
    assert "token=" not in page.url
    page.get_by_label("Message", exact=True).fill("Where is my bike?")
    page.get_by_label("Message", exact=True).press("Enter")
    answer = page.locator(".message.assistant").last
    expect(answer.locator("strong")).to_have_text("I keep my bike in the shed")
    expect(answer).to_have_attribute("aria-busy", "false")
    source = answer.get_by_role("region", name="Sources").get_by_role("button")
    expect(source).to_contain_text(f"[m{memory.id}]")
    source.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=f"Memory #{memory.id}")).to_be_visible()
    expect(dialog.locator(".memory-text")).to_have_text("I keep my bike in the shed")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    answer.get_by_role("button", name=f"Open source m{memory.id}").click()  # the inline tag
    expect(dialog.locator(".memory-text")).to_have_text("I keep my bike in the shed")
    page.keyboard.press("Escape")
    page.reload()  # the conversation is in the vault: it is shown again
    expect(page.locator(".message.user")).to_have_text(re.compile("Where is my bike?"))
    assert page.outside_requests == []  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir() / "web-chat.png"), full_page=True)


def test_a_memory_edited_and_another_deleted_stay_so_after_reload(
    page: Page, web_server: WebServer
) -> None:
    store = web_server.pasi().memory
    store.remember("I work at Acme")
    store.remember("My locker code is 4512")
    open_app(page, web_server, "Memories")
    acme = page.locator(".memory", has_text="I work at Acme")
    acme.get_by_role("button", name=re.compile("^Edit")).click()
    page.get_by_label("Corrected statement").fill("I work at Globex")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Memory corrected")
    locker = page.locator(".memory", has_text="My locker code is 4512")
    page.once("dialog", lambda dialog: dialog.accept())
    locker.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.get_by_text("Forgot 1 version(s).")).to_be_visible()

    page.reload()
    expect(page.locator(".memory-text", has_text="I work at Globex")).to_be_visible()
    expect(page.get_by_text("I work at Acme")).to_have_count(0)
    expect(page.get_by_text("My locker code is 4512")).to_have_count(0)
    page.locator(".memory", has_text="I work at Globex").get_by_role(
        "button", name=re.compile("^Details")
    ).click()
    history = page.get_by_role("dialog").get_by_role("region", name="History")
    expect(history.locator("li")).to_have_text(
        [re.compile("I work at Acme"), re.compile("I work at Globex")]
    )
    page.keyboard.press("Escape")
    page.get_by_label("Show replaced versions").check()
    expect(page.locator(".memory.old", has_text="I work at Acme")).to_be_visible()
    page.get_by_label("Search memories and conversations").fill("locker code")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".timeline")
    expect(results.locator(".results, .muted").first).to_be_visible()
    expect(results.get_by_text("My locker code is 4512")).to_have_count(0)


def test_an_uploaded_file_shows_in_sources_and_can_be_searched(
    page: Page, web_server: WebServer, tmp_path: Path
) -> None:
    notes = tmp_path / "garden-notes.md"
    notes.write_text("# Garden\n\nThe quince tree was planted in March by the north wall.\n")
    open_app(page, web_server, "Sources")
    page.get_by_label("Files to add").set_input_files(str(notes))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text(re.compile("Upload finished: 1 added"))).to_be_visible()
    expect(page.locator(".upload-progress")).to_have_js_property("position", 1)
    card = page.get_by_role("list", name="Connected sources").locator(".source")
    expect(card.locator(".source-name")).to_have_text("Garden")
    expect(card).to_contain_text("garden-notes.md")
    page.reload()
    expect(page.locator(".source-name")).to_have_text("Garden")
    page.get_by_role("link", name="Memories").click()
    page.get_by_label("Search memories and conversations").fill("quince tree")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".turn-hit").first).to_contain_text("The quince tree was planted")


def test_settings_test_a_model_and_change_the_time_zone(page: Page, web_server: WebServer) -> None:
    open_app(page, web_server, "Settings")
    page.get_by_role("button", name="Test connection of the strong model").click()
    expect(page.locator(".tier", has_text="Answers").get_by_role("status")).to_contain_text(
        "no model is configured"
    )
    page.get_by_label("Time zone", exact=True).fill("Mars/Olympus")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text(re.compile("Mars/Olympus"))).to_be_visible()
    page.get_by_label("Time zone", exact=True).fill("Europe/Lisbon")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text("Saved: pasi now uses Europe/Lisbon.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download export").click()
    assert download.value.suggested_filename.endswith(".jsonl")


def test_every_control_has_a_name_and_the_app_fits_a_phone(browser, web_server: WebServer) -> None:
    web_server.pasi().memory.remember(
        "My sister Anna lives in Porto and works as a marine biologist"
    )
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        open_app(page, web_server)
        page.get_by_label("Message", exact=True).fill("Tell me about Anna")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".message.assistant .answer-sources")).to_be_visible()
        shots = artifacts_dir()
        loaded = {"Chat": ".message.user", "Memories": ".memory-text", "Sources": ".totals",
                  "Settings": ".tier"}  # fmt: skip
        for view, shown in loaded.items():
            page.get_by_role("link", name=view).click()
            expect(page.get_by_role("heading", name=view, level=1)).to_be_attached()
            expect(page.locator(shown).first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, view
            unnamed = page.evaluate(
                """() => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
                  .filter((el) => el.offsetParent !== null)
                  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                  && !el.textContent.trim())
                  .map((el) => el.outerHTML)"""
            )
            assert unnamed == [], view
            page.screenshot(path=str(shots / f"web-{view.lower()}-375.png"), full_page=True)
        page.get_by_role("link", name="Memories").focus()
        page.keyboard.press("Enter")  # the views are reachable from the keyboard
        expect(page.get_by_role("heading", name="Memories", level=1)).to_be_visible()
        page.get_by_role("link", name="Memories").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
        )
        assert focused == ["People", "solid"]  # the focus is visible
    finally:
        context.close()


def test_a_reminder_due_while_the_app_is_open_is_shown(page: Page, web_server: WebServer) -> None:
    from pasi.life.charter import load_charter, set_charter_field
    from pasi.life.reminders import Reminders

    pasi = web_server.pasi()
    load_charter(pasi.vault.directory)
    for name in ("quiet_start", "quiet_end"):  # the test may run at any hour
        set_charter_field(pasi.vault.directory, name, "")
    with page.expect_response(lambda r: "/api/notifications/stream" in r.url):
        open_app(page, web_server)
    reminder = Reminders(pasi.vault, "UTC", pasi.clock).add("water the basil", "in 1 hour")
    with pasi.vault.write() as conn:  # due now
        conn.execute(
            "UPDATE scheduled_jobs SET next_at = '2000-01-01T00:00:00+00:00' WHERE id = ?",
            (reminder.job_id,),
        )
    web_server.app.state.schedulers.wake()
    region = page.get_by_role("region", name="Notifications")
    expect(region.locator(".notification-title")).to_have_text("water the basil")
    region.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(region).to_be_hidden()


def test_a_notice_beside_the_answer_is_shown_quietly(page: Page, web_server: WebServer) -> None:
    open_app(page, web_server)
    page.get_by_label("Message", exact=True).fill("I voted for Labour in the election")
    page.get_by_role("button", name="Send").click()
    notice = page.locator(".message.notice")
    expect(notice.get_by_role("note")).to_contain_text("politic")
    expect(page.locator(".message.assistant").last).to_have_attribute("aria-busy", "false")


def test_without_any_model_the_chat_answers_from_memory_with_sources(page: Page, start_web) -> None:
    server = start_web(None)  # model "none": pasi's offline mode answers
    memory = server.pasi().memory.remember("My passport is in the blue folder")
    open_app(page, server)
    page.get_by_label("Message", exact=True).fill("Where is my passport?")
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("blue folder")
    sources = answer.get_by_role("region", name="Sources")
    expect(sources.get_by_role("button").first).to_contain_text(f"[m{memory.id}]")


def test_erasing_everything_from_settings_leaves_an_empty_vault(
    page: Page, web_server: WebServer
) -> None:
    web_server.pasi().memory.remember("My locker code is 4512")
    open_app(page, web_server, "Settings")
    page.locator("summary", has_text="Erase everything").click()
    page.get_by_label("Type “erase everything” to confirm").fill("erase everything")
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_text(re.compile("pasi starts again with an empty vault"))).to_be_visible()
    page.get_by_role("link", name="Memories").click()
    expect(page.get_by_text("No memories yet", exact=False)).to_be_visible()
