"""Erasing a vault over REST lets go of its scheduler; the fresh vault gets a working one."""

from __future__ import annotations

from live_server import RunningServer

from server.test_notifications_stream import _due_reminder, _first_event


def test_after_erasure_the_pool_drops_the_closed_vault_and_notifies_from_the_new_one(
    server: RunningServer,
) -> None:
    token = server.token("alice")
    pool = server.app.state.schedulers
    with server.http(token) as client:
        assert client.get("/api/notifications").json() == []  # starts alice's scheduler
        old_vault = server.pasi("alice").vault
        directory = old_vault.directory
        assert directory in pool.held()
        erased = client.post("/api/erase", json={"all": True, "confirm": "erase everything"})
        assert erased.status_code == 200, erased.text
        assert directory not in pool.held()  # the closed vault is not kept until a restart

        assert client.get("/api/notifications").json() == []  # a scheduler on the fresh vault
        assert directory in pool.held()
    assert server.pasi("alice").vault is not old_vault
    _due_reminder(server, "alice", "water the basil")
    event = _first_event(server, token, after=0)
    assert (event["kind"], event["title"]) == ("reminder", "water the basil")
