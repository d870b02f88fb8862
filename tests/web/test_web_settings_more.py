"""Notification channels, keys without an OS keyring, model titles and life at a glance in the
user's time zone, in real headless Chromium against a real server on 127.0.0.1: the server's
own user configures and tests the channels (a real webhook receiver; the web app's own
notifications) while quiet hours hold tests back, a key goes into the encrypted vault, a new
conversation gets the model's title after its first answer; axe-core finds no serious
accessibility violation on the pages touched, at desktop width and at 375 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from a11y import serious_violations
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from web_server import WebServer, artifacts_dir, citing_reply, serve

from pasi.clock import fixed_clock
from pasi.config import Settings, load_settings
from pasi.life.charter import set_charter_field
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.server.app import create_app
from pasi.server.titles import INSTRUCTIONS
from pasi.vault.episodes import NewEpisode, ensure_source, insert_episodes
from pasi.vault.secrets import SecretStore
from pasi.vault.sqlite import open_vault

LATE_EVENING = datetime(2024, 4, 1, 3, 30, tzinfo=UTC)  # 22:30 on 31 March in Bogota: quiet
PASSPHRASE = "browser test passphrase"
KEY = "sk-typed-in-the-browser-0123"
WIDEST = "() => document.documentElement.scrollWidth"


def _reply(request: ChatRequest) -> str:
    if request.messages[0].content == INSTRUCTIONS:
        return "Miso the cat"
    return citing_reply(request)


@pytest.fixture
def owner(tmp_path: Path, embedder, config_file: Path) -> Iterator[WebServer]:
    """The server's own user on an encrypted vault, its clock late on 31 March in Bogota."""
    vault = tmp_path / "vault"
    # a diary from both sides of the month's end in Bogota
    with open_vault(vault, PASSPHRASE, encrypt=True) as opened, opened.write() as conn:
        source = ensure_source(conn, kind="file", uri="/notes/diary.md", now=LATE_EVENING,
                               title="diary.md")  # fmt: skip
        insert_episodes(conn, source, [
            NewEpisode("Rigged the boat", occurred_at=datetime(2024, 4, 1, 4, 30, tzinfo=UTC)),
            NewEpisode("Sailed out", occurred_at=datetime(2024, 4, 1, 5, 30, tzinfo=UTC)),
        ], LATE_EVENING)  # fmt: skip
    settings = Settings(
        vault=vault, server_home=tmp_path / "server", model="none", embedder="wordllama",
        passphrase=SecretStr(PASSPHRASE),
    )  # fmt: skip
    app = create_app(settings, chat_model=ScriptedModel(_reply), embedder=embedder, mcp=False,
                     clock=fixed_clock(LATE_EVENING))  # fmt: skip
    app.state.users.ensure_local_user(settings.vault)
    server = WebServer("", app, app.state.users.create_token("local"))
    set_charter_field(server.pasi("local").vault.directory, "timezone", "America/Bogota")
    url, uvicorn_server, thread, sock = serve(app)
    server.url = url
    yield server
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.errors = errors  # type: ignore[attr-defined]
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"web-{name}.png"), full_page=True)


def go(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name if name != "Chat" else "")


def test_channels_keys_titles_and_months_in_the_browser(
    page: Page, owner: WebServer, config_file: Path, webhook
) -> None:
    page.goto(f"{owner.url}/#token={owner.token}")
    go(page, "Settings")
    _channels(page, config_file, webhook)
    _key_in_the_vault(page, owner, config_file)
    assert serious_violations(page) == []
    shot(page, "settings-notifications")
    go(page, "Memories")
    _months_in_the_users_zone(page)
    assert serious_violations(page) == []
    go(page, "Chat")
    _model_title(page)
    assert serious_violations(page) == []
    shot(page, "chat-model-title")
    _phone_width(page)
    assert page.errors == []  # type: ignore[attr-defined]


def _channels(page: Page, config_file: Path, webhook) -> None:
    url, received = webhook
    section = page.get_by_role("region", name="Notifications")
    expect(section).to_contain_text("Quiet hours 22:00–07:00 (America/Bogota)")
    expect(section).to_contain_text("It is quiet hours now")
    form = section.get_by_role("form", name="Notification channels")
    form.get_by_label("Webhook URL").fill(url)
    form.get_by_label("Desktop notifications (when notify-send is installed)").uncheck()
    form.get_by_label("Matrix IDs pasi answers").fill("@me:example.org")
    form.get_by_role("button", name="Save notifications").click()
    expect(section.get_by_role("status").first).to_contain_text(
        f"Notifications saved in {config_file}"
    )
    loaded = load_settings()
    assert loaded.notify_webhook == url and loaded.matrix_allow == ["@me:example.org"]
    assert loaded.notify_desktop is False
    webhook_item = section.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Webhook")
    )
    expect(webhook_item).to_contain_text("· on")
    webhook_item.get_by_role("button", name="Send a test notification to Webhook").click()
    expect(webhook_item.get_by_role("status")).to_contain_text("Held: quiet hours until")
    assert received == []
    webhook_item.get_by_role("button", name="Send anyway to Webhook").click()
    expect(webhook_item.get_by_role("status")).to_have_text("Sent a test notification to Webhook.")
    assert [r["title"] for r in received] == ["pasi test notification"]
    app_item = section.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="This app")
    )
    app_item.get_by_role("button", name="Send a test notification to This app").click()
    app_item.get_by_role("button", name="Send anyway to This app").click()
    expect(page.get_by_role("region", name="Notifications").first).to_contain_text(
        "pasi test notification"
    )  # the app's own notification banner, from the stream
    matrix_item = section.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Matrix")
    )
    expect(matrix_item).to_contain_text("pasi matrix login")


def _key_in_the_vault(page: Page, owner: WebServer, config_file: Path) -> None:
    page.get_by_text("Other settings", exact=True).click()
    form = page.get_by_role("form", name="Save a model key")
    expect(form).to_contain_text("Kept in your encrypted vault (this machine has no OS keyring)")
    form.get_by_label("Key", exact=True).select_option("model_api_key")
    form.get_by_label("Value", exact=True).fill(KEY)
    form.get_by_role("button", name="Save key").click()
    expect(page.get_by_role("status").filter(has_text="Saved model_api_key")).to_contain_text(
        "in the encrypted vault"
    )
    assert 'model_api_key = "vault:"' in config_file.read_text(encoding="utf-8")
    assert SecretStore(owner.pasi("local").vault.files).get("model_api_key") == KEY
    vault = owner.pasi("local").vault.directory
    assert [p for p in vault.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()] == []


def _months_in_the_users_zone(page: Page) -> None:
    life = page.get_by_role("region", name="Life at a glance")
    expect(life).to_contain_text("Months are in your time zone, America/Bogota.")
    # 04:30 UTC on 1 April is 23:30 on 31 March in Bogota: a passage of March
    march = life.get_by_role("button", name=re.compile(r"^March 2024: .*1 passage"))
    expect(march).to_be_visible()
    expect(life.get_by_role("button", name=re.compile(r"^April 2024: .*1 passage"))).to_be_visible()
    march.click()
    expect(life.get_by_role("list", name="Sources of March 2024")).to_contain_text(
        "1 passage this month"
    )
    shot(page, "life-in-your-zone")


def _model_title(page: Page) -> None:
    panel = page.locator("details.conversations")
    panel.get_by_role("button", name="New conversation").click()
    page.get_by_label("Message", exact=True).fill("I adopted a cat named Miso")
    page.get_by_label("Message", exact=True).press("Enter")
    expect(page.locator(".message.assistant").last).to_have_attribute("aria-busy", "false")
    titled = panel.get_by_role("link", name="Miso the cat")
    expect(titled).to_be_visible(timeout=20_000)  # the model's title, after the answer
    expect(titled).to_have_attribute("aria-current", "page")


def _phone_width(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    loaded = {  # what shows the page has loaded (the notification stream never goes idle)
        "Settings": page.get_by_role("button", name="Send a test notification to Webhook"),
        "Memories": page.get_by_role("button", name=re.compile(r"^March 2024: ")),
        "Chat": page.get_by_role("link", name="Miso the cat"),
    }
    for name, shown in loaded.items():
        go(page, name)
        expect(shown).to_be_visible()
        assert page.evaluate(WIDEST) <= 375, name
        assert serious_violations(page) == [], name
        shot(page, f"{name.lower()}-more-phone")
