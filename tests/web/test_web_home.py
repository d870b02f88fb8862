"""The web app as a daily home, in real headless Chromium against a real server with no model:
Today (the brief acted on, held memories kept), conversations, goals with their chart,
people, the charter and audit log in Settings, then every page at phone width, and the app
installable (manifest, a service worker that stores the shell and no API response).

The vault holds real files (a calendar, contact cards, a mailbox) and the server's clock is
frozen on the day the brief's own tests use, so the day's lines are known."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from a11y import serious_violations
from playwright.sync_api import Page, expect
from web_server import WebServer, artifacts_dir, serve

from life.test_brief import CALENDAR, CONTACTS, NOW, _mbox
from models.scripted_http import closed_port
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.ingest.sync import Syncer
from pasi.life.charter import load_charter, set_charter_field
from pasi.life.reminders import Reminders
from pasi.privacy.audit import AuditLog
from pasi.server.app import create_app
from pasi.vault.held import NewHeld, add_held

WIDEST = """(() => {
  let widest = { width: document.documentElement.scrollWidth, what: "page" };
  for (const el of document.querySelectorAll("body *")) {
    const right = el.getBoundingClientRect().right;
    if (right > widest.width) widest = { width: right, what: el.outerHTML.slice(0, 120) };
  }
  return widest;
})()"""
UNNAMED = """[...document.querySelectorAll('button, input, select, textarea, a[href], [role=img]')]
  .filter((el) => el.getClientRects().length)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.textContent.trim())
  .map((el) => el.outerHTML.slice(0, 120))"""
PAGES = ["Today", "Chat", "Memories", "People", "Goals", "Sources", "Settings"]


@pytest.fixture
def home(tmp_path: Path, embedder) -> Iterator[WebServer]:
    """A server with no model, its clock at Sunday 10 March 2024 07:30 in Berlin."""
    settings = Settings(
        vault=tmp_path / "vault", server_home=tmp_path / "server", model="none",
        embedder="wordllama", ollama_url=f"http://127.0.0.1:{closed_port()}",
    )  # fmt: skip
    app = create_app(settings, embedder=embedder, clock=fixed_clock(NOW), mcp=False)
    app.state.users.add("alice")
    server = WebServer("", app, app.state.users.create_token("alice"))
    pasi = server.pasi()
    data = tmp_path / "data"
    data.mkdir()
    (data / "calendar.ics").write_text(CALENDAR)
    (data / "contacts.vcf").write_text(CONTACTS)
    _mbox(data / "mail.mbox")
    Syncer(pasi.memory, max_bytes=10**7).ingest([data])
    set_charter_field(pasi.vault.directory, "timezone", "Europe/Berlin")
    set_charter_field(pasi.vault.directory, "people", "Anna Berg; Dev Patel")
    Reminders(pasi.vault, "Europe/Berlin", fixed_clock(NOW)).add("call mum", "today at 18:00")
    pasi.memory.remember("Anna Berg is my climbing partner", kind="relationship")
    turn = pasi.memory.record_turn("My cousin Rui moved to Porto")
    with pasi.vault.write() as conn:
        add_held(conn, [NewHeld("The user's cousin Rui lives in Porto", "fact", "user", 0.7,
                                (turn,), "it names a place")], "test", NOW)  # fmt: skip
    AuditLog(pasi.vault, fixed_clock(NOW)).record_remote_call(
        actor="chat", endpoint="https://api.example.com/v1", model="gpt-x",
        payload={"messages": [{"role": "user", "content": "hello <PERSON_1>"}]},
    )  # fmt: skip
    url, uvicorn_server, thread, sock = serve(app)
    server.url = url
    yield server
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def home_page(browser, home: WebServer) -> Iterator[Page]:
    # bypass_csp: axe-core is injected into the page for the accessibility check
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"web-{name}.png"), full_page=True)


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_the_daily_home_in_one_browser_session(home_page: Page, home: WebServer) -> None:
    page = home_page
    page.goto(f"{home.url}/#token={home.token}")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(PAGES)
    heading(page, re.compile(r"^Today, Sunday.*10.*2024"))  # the first page
    _today(page)
    _goals(page)
    _people(page)
    _conversations(page)
    _settings(page, home)
    _phone_width(page, home)
    _installable(page, home)
    assert page.errors == []  # type: ignore[attr-defined]


def _today(page: Page) -> None:
    day = page.get_by_role("region", name="Your day")
    expect(day.get_by_role("region", name="Calendar")).to_contain_text("00:30 Night train")
    shot(page, "today")
    day.get_by_role("button", name="Open source i").first.click()  # the line's citation
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Night train")
    dialog.get_by_role("button", name="Close").click()
    mum = day.get_by_role("listitem").filter(has_text="18:00 call mum")
    mum.get_by_role("button", name="Done: 18:00 call mum").click()
    expect(page.get_by_role("status").first).to_have_text("Done: 18:00 call mum")
    expect(day).not_to_contain_text("call mum")
    held = page.get_by_role("list", name="Held memories")
    expect(held).to_contain_text("it names a place")
    held.get_by_role("button", name="Keep: The user's cousin Rui lives in Porto").click()
    learnt = page.get_by_role("region", name="Learnt since yesterday")
    expect(learnt).to_contain_text("The user's cousin Rui lives in Porto")
    expect(page.get_by_role("region", name="Waiting for your word")).to_contain_text(
        "Nothing is waiting"
    )
    learnt.get_by_role("button", name="Correct: The user's cousin Rui lives in Porto").click()
    page.get_by_label("Corrected statement").fill("The user's cousin Rui lives in Lisbon")
    page.get_by_role("button", name="Save").click()
    expect(learnt).to_contain_text("Rui lives in Lisbon")
    anna = day.get_by_role("listitem").filter(has_text="Anna Berg")
    anna.get_by_role("link", name=re.compile("^Open")).click()  # the person's page
    heading(page, "Anna Berg")
    expect(page.get_by_role("region", name="What pasi knows")).to_contain_text(
        "my climbing partner"
    )


def _goals(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Goals").click()
    heading(page, "Goals")
    page.get_by_text("New goal").click()
    page.get_by_label("Goal", exact=True).fill("Climb a 6a")
    page.get_by_label("Why it matters").fill("to lead with Anna")
    page.get_by_label("Milestones").fill("5c clean\n6a clean")
    page.get_by_label("Check in").fill("every Sunday")
    page.get_by_role("button", name="Add goal").click()
    heading(page, "Climb a 6a")
    chart = page.get_by_role("img", name=re.compile("^Progress: 0 check-ins"))
    expect(chart).to_be_visible()
    page.get_by_label("How is it going?").fill("Sent my first 5c")
    page.get_by_label("Milestone reached").select_option(label="5c clean")
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text("Checked in.")
    expect(
        page.get_by_role("img", name=re.compile("1 check-in.*1 of 2 milestones"))
    ).to_be_visible()
    assert page.locator("svg.chart .chart-point").count() == 1
    assert page.locator("svg.chart .chart-milestone").count() == 1
    expect(page.get_by_role("region", name="Progress")).to_contain_text("Sent my first 5c")
    page.get_by_text("Edit or close").click()
    page.get_by_label("Goal", exact=True).fill("Climb a 6a outdoors")
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Climb a 6a outdoors")
    shot(page, "goal")
    page.get_by_role("link", name="All goals").click()
    expect(page.get_by_role("link", name="Climb a 6a outdoors")).to_be_visible()


def _people(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    heading(page, "People")
    anna = page.locator(".person", has_text="Anna Berg")
    expect(anna).to_contain_text("usually every 7 days")
    expect(anna).to_contain_text("Overdue by your usual rhythm")
    expect(anna).to_contain_text(re.compile("birthday (12 March|March 12)"))
    expect(page.locator(".person", has_text="Dev Patel")).not_to_contain_text("Overdue")
    shot(page, "people")


def _conversations(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Chat").click()
    panel = page.locator("details.conversations")
    panel.get_by_role("button", name="New conversation").click()
    page.get_by_label("Message", exact=True).fill("I adopted a cat named Miso")
    page.get_by_label("Message", exact=True).press("Enter")
    expect(page.locator(".message.assistant").last).to_have_attribute("aria-busy", "false")
    miso = panel.get_by_role("link", name="I adopted a cat named Miso")
    expect(miso).to_have_attribute("aria-current", "page")
    panel.get_by_role("button", name="Rename I adopted a cat named Miso").click()
    panel.get_by_label("Title").fill("Cats")
    panel.get_by_role("button", name="Save").click()
    expect(panel.get_by_role("link", name="Cats")).to_be_visible()
    panel.get_by_label("Search conversations").fill("porto")
    panel.get_by_role("button", name="Search").click()
    expect(panel.get_by_role("link", name="Cats")).to_be_hidden()
    panel.get_by_label("Search conversations").fill("miso")
    panel.get_by_role("button", name="Search").click()
    expect(panel.get_by_role("list", name="Conversations").get_by_role("link")).to_have_text(
        ["Cats"]
    )
    shot(page, "chat-conversations")
    panel.get_by_role("button", name="Delete Cats").click()
    panel.get_by_label("Also forget what pasi learnt only from it").check()
    panel.get_by_role("button", name="Delete", exact=True).click()
    expect(panel.get_by_role("status")).to_contain_text("Deleted 1 turns and 0 memories")
    expect(panel.get_by_role("link", name="Cats")).to_be_hidden()
    expect(page.locator("#messages .message")).to_have_count(0)


def _settings(page: Page, home: WebServer) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    charter = page.get_by_role("form", name="Your charter")
    expect(charter.get_by_label("Quiet from")).to_have_value("22:00")
    charter.get_by_label("Daily chat budget (minutes)").fill("30")
    charter.get_by_label("pasi must never").fill("send email without asking\nshare my location")
    charter.get_by_role("button", name="Save charter").click()
    expect(charter.get_by_role("status")).to_have_text("Charter saved.")
    saved = load_charter(home.pasi().vault.directory)
    assert saved.daily_budget_minutes == 30
    assert list(saved.never) == ["send email without asking", "share my location"]
    audit = page.get_by_role("region", name="What left this machine")
    expect(audit).to_contain_text("gpt-x")
    expect(audit).to_contain_text("https://api.example.com/v1")
    page.get_by_text("Models your servers offer").click()
    expect(page.get_by_role("region", name=re.compile("^ollama at"))).to_contain_text(
        "Nothing answers there."
    )
    page.reload()
    expect(page.get_by_label("Daily chat budget (minutes)")).to_have_value("30")
    expect(page.get_by_label("pasi must never")).to_have_value(
        "send email without asking\nshare my location"
    )
    shot(page, "settings")


def _phone_width(page: Page, home: WebServer) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    for name in PAGES:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        expect(page).to_have_title(f"pasi · {name}")
        page.wait_for_timeout(400)  # the page's data arrives (the notification stream never idles)
        shot(page, f"{name.lower()}-phone")
        wide = page.evaluate(WIDEST)
        assert wide["width"] <= 375, f"{name} is {wide} px wide at a 375 px viewport"
        assert page.evaluate(UNNAMED) == [], name
        assert serious_violations(page) == [], name  # axe-core (tests/web/a11y.py)


def _installable(page: Page, home: WebServer) -> None:
    manifest = page.request.get(f"{home.url}/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    icons = {icon["sizes"] for icon in manifest.json()["icons"]}
    assert {"192x192", "512x512"} <= icons and manifest.json()["display"] == "standalone"
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{home.url}/"
    page.reload()  # now controlled by the worker
    heading(page, "Settings")
    stored = page.evaluate(
        "caches.open('pasi-shell-v1').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
    )
    assert f"{home.url}/js/main.js" in stored and f"{home.url}/app.css" in stored
    assert not [url for url in stored if "/api/" in url or "/v1/" in url]
