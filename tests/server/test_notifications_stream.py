"""The web app's notifications: each user's scheduler under pasi serve, as server-sent events."""

from __future__ import annotations

import json
import time
from typing import Any

from live_server import RunningServer

from pasi.life.charter import load_charter, set_charter_field
from pasi.life.reminders import Reminders


def _due_reminder(server: RunningServer, user: str, text: str) -> int:
    """A reminder of ``user`` that is already due (its time moved into the past)."""
    pasi = server.pasi(user)
    load_charter(pasi.vault.directory)
    for field in ("quiet_start", "quiet_end"):  # this test may run at any hour
        set_charter_field(pasi.vault.directory, field, "")
    reminder = Reminders(pasi.vault, "UTC", pasi.clock).add(text, "in 1 hour")
    with pasi.vault.write() as conn:
        conn.execute(
            "UPDATE scheduled_jobs SET next_at = '2000-01-01T00:00:00+00:00' WHERE id = ?",
            (reminder.job_id,),
        )
    server.app.state.schedulers.wake()
    return reminder.id


def _first_event(server: RunningServer, token: str, **params: Any) -> dict[str, Any]:
    headers = params.pop("headers", {})
    with (
        server.http(token) as client,
        client.stream(
            "GET", "/api/notifications/stream", params=params, headers=headers
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event_id = None
        for line in response.iter_lines():
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: "):
                return {"id": event_id, **json.loads(line[6:])}
    raise AssertionError("the stream ended without an event")


def test_a_due_reminder_reaches_the_web_app_as_an_event(server: RunningServer) -> None:
    token = server.token("alice")
    with server.http(token) as client:  # the first request starts alice's scheduler
        assert client.get("/api/notifications").json() == []
    _due_reminder(server, "alice", "stretch")
    event = _first_event(server, token, after=0)
    assert event["type"] == "notification" and event["kind"] == "reminder"
    assert (event["title"], event["late"]) == ("stretch", True)
    with server.http(token) as client:
        assert [n["id"] for n in client.get("/api/notifications").json()] == [event["id"]]
        log = client.get("/api/notifications/log").json()
    assert [(d["channel"], d["outcome"]) for d in log] == [("web", "delivered")]
    assert "a reminder you set" in log[0]["reason"]


def test_a_reconnecting_browser_gets_only_what_it_missed(server: RunningServer) -> None:
    token = server.token("alice")
    with server.http(token) as client:
        client.get("/api/notifications")
    _due_reminder(server, "alice", "first")
    first = _first_event(server, token, after=0)
    _due_reminder(server, "alice", "second")
    second = _first_event(server, token, headers={"Last-Event-ID": str(first["id"])})
    assert (first["title"], second["title"]) == ("first", "second")


def test_notifications_need_a_token_and_stay_with_their_user(server: RunningServer) -> None:
    with server.http() as client:
        assert client.get("/api/notifications/stream").status_code == 401
        assert client.get("/api/notifications").status_code == 401
    alice, bob = server.token("alice"), server.token("bob")
    with server.http(alice) as client:
        client.get("/api/notifications")
    _due_reminder(server, "alice", "alice's secret")
    _first_event(server, alice, after=0)
    with server.http(bob) as client:
        assert client.get("/api/notifications").json() == []
        assert client.get("/api/notifications/log").json() == []


def test_users_registered_before_the_server_starts_get_their_reminders_at_once(
    start_server: Any, server_settings: Any
) -> None:
    from pasi.life.deliveries import deliveries
    from pasi.server.users import UserRegistry

    registry = UserRegistry(server_settings.server_home)
    registry.add("carol")
    registry.close()
    server = start_server()
    _due_reminder(server, "carol", "water the plants")  # no request to /api/notifications
    vault = server.pasi("carol").vault
    deadline = time.monotonic() + 30
    while not deliveries(vault) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [(d.title, d.channel) for d in deliveries(vault)] == [("water the plants", "web")]
