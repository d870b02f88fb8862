"""Notification channels in Settings on a real pasi server on 127.0.0.1: listed, turned on and
off, configured (saved in the config file and read back by pasi's loader), tested through a
real webhook receiver and the web app's own stream, and held back by quiet hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from live_server import RunningServer

from pasi.clock import fixed_clock
from pasi.config import load_settings
from pasi.life.channels import WebhookChannel
from pasi.life.matrix import MatrixAccount, load_state, save_account

LATE_EVENING = datetime(2024, 3, 10, 23, 30, tzinfo=UTC)  # inside 22:00-07:00 quiet hours


@pytest.fixture
def owner_server(start_server: Callable[..., RunningServer], server_settings, config_file):
    server = start_server(clock=fixed_clock(LATE_EVENING))
    server.users.ensure_local_user(server_settings.vault)  # as `pasi serve` binds it
    owner = server.http(server.token("local"))
    assert owner.put("/api/profile", json={"time_zone": "UTC"}).status_code == 200
    return server, owner


def test_channels_are_listed_with_what_stops_each(owner_server) -> None:
    server, owner = owner_server
    found = owner.get("/api/settings/channels").json()
    channels = {c["name"]: c for c in found["channels"]}
    assert list(channels) == ["terminal", "web", "desktop", "webhook", "matrix"]
    assert channels["web"]["on"] and channels["web"]["testable"]
    assert (
        not channels["webhook"]["on"] and channels["webhook"]["problem"] == "no webhook URL is set"
    )
    assert "pasi matrix login" in channels["matrix"]["problem"]
    assert found["editable"] is True and found["quiet_now"] is True
    assert found["quiet_start"] == "22:00" and found["quiet_until"].startswith("2024-03-11T07:00")
    alice = server.http(server.token("alice")).get("/api/settings/channels").json()
    assert alice["editable"] is False
    assert [c["name"] for c in alice["channels"] if c["testable"]] == ["web"]


def test_settings_are_saved_in_the_config_file_and_used_at_once(
    owner_server, config_file: Path, webhook
) -> None:
    server, owner = owner_server
    url, _ = webhook
    owner.get("/api/notifications")  # the owner's scheduler is running
    body = {"notify_webhook": url, "notify_desktop": False, "notify_matrix": False,
            "matrix_allow": ["@me:example.org", " @me:example.org "]}  # fmt: skip
    saved = owner.put("/api/settings/channels", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["saved"] == [
        "matrix_allow",
        "notify_desktop",
        "notify_matrix",
        "notify_webhook",
    ]
    text = config_file.read_text(encoding="utf-8")
    assert text.startswith("# my settings") and f'notify_webhook = "{url}"' in text
    loaded = load_settings()
    assert loaded.notify_webhook == url and loaded.matrix_allow == ["@me:example.org"]
    assert loaded.notify_desktop is False and loaded.notify_matrix is False
    after = owner.get("/api/settings/channels").json()
    assert after["notify_webhook"] == url and after["matrix_allow"] == ["@me:example.org"]
    assert {c["name"]: c["on"] for c in after["channels"]}["webhook"] is True
    scheduler = server.app.state.schedulers.running(server.pasi("local").vault.directory)
    hooks = [c for c in scheduler.channels if isinstance(c, WebhookChannel)]
    assert [c.url for c in hooks] == [url]  # the running scheduler delivers there from now


def test_bad_values_are_refused_naming_the_field(owner_server, config_file: Path) -> None:
    server, owner = owner_server
    for body, param in (({"notify_webhook": "ftp://x"}, "notify_webhook"),
                        ({"matrix_allow": ["me@example.org"]}, "matrix_allow"),
                        ({"matrix_room": "#general:example.org"}, "matrix_room")):  # fmt: skip
        refused = owner.put("/api/settings/channels", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["param"] == param
    alice = server.http(server.token("alice"))
    assert alice.put("/api/settings/channels", json={"notify_desktop": False}).status_code == 403
    assert "notify" not in config_file.read_text(encoding="utf-8")


def test_a_test_notification_waits_for_quiet_hours_unless_sent_anyway(
    owner_server, webhook
) -> None:
    _, owner = owner_server
    url, received = webhook
    owner.put("/api/settings/channels", json={"notify_webhook": url})
    held = owner.post("/api/settings/channels/test", json={"channel": "webhook"}).json()
    assert held["sent"] is False and held["held_until"].startswith("2024-03-11T07:00")
    assert received == []
    sent = owner.post(
        "/api/settings/channels/test", json={"channel": "webhook", "ignore_quiet_hours": True}
    ).json()
    assert sent == {"channel": "webhook", "sent": True, "held_until": None, "error": None}
    [posted] = received
    assert posted["kind"] == "test" and posted["title"] == "pasi test notification"
    log = owner.get("/api/notifications/log").json()
    assert [(d["channel"], d["outcome"]) for d in log] == [("webhook", "delivered")]


def test_the_web_channel_test_reaches_the_apps_notifications(owner_server) -> None:
    _, owner = owner_server
    assert owner.patch("/api/charter", json={"quiet_start": "", "quiet_end": ""}).status_code == 200
    sent = owner.post("/api/settings/channels/test", json={"channel": "web"}).json()
    assert sent["sent"] is True
    [shown] = owner.get("/api/notifications").json()
    assert shown["title"] == "pasi test notification" and shown["kind"] == "test"


def test_channels_that_cannot_deliver_say_why(owner_server, server_settings) -> None:
    _, owner = owner_server
    owner.patch("/api/charter", json={"quiet_start": "", "quiet_end": ""})
    matrix = owner.post("/api/settings/channels/test", json={"channel": "matrix"}).json()
    assert matrix["sent"] is False and "pasi matrix login" in matrix["error"]
    desktop = owner.post("/api/settings/channels/test", json={"channel": "desktop"}).json()
    assert desktop["sent"] is False and "notify-send" in desktop["error"]
    terminal = owner.post("/api/settings/channels/test", json={"channel": "terminal"})
    assert terminal.status_code == 422
    log = owner.get("/api/notifications/log").json()
    assert [(d["channel"], d["outcome"]) for d in log] == [
        ("matrix", "failed"),
        ("desktop", "failed"),
    ]
    # the room reminders go to is the bridge's own state, set once pasi has an account
    save_account(
        server_settings.vault, MatrixAccount("http://127.0.0.1:9", "@pasi:example.org", "t")
    )
    chosen = owner.put("/api/settings/channels", json={"matrix_room": "!abc:example.org"})
    assert chosen.status_code == 200, chosen.text
    assert load_state(server_settings.vault).notify_room == "!abc:example.org"
    found = owner.get("/api/settings/channels").json()
    assert found["matrix_room"] == "!abc:example.org"
    assert found["matrix_account"] == "@pasi:example.org on http://127.0.0.1:9"
