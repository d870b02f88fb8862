"""Delivery channels against real endpoints: a webhook server on 127.0.0.1, a notify-send."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from pasi.config import Settings
from pasi.errors import DeliveryError
from pasi.life.channels import DesktopChannel, Notification, WebhookChannel
from pasi.life.service import channels_for

NOTE = Notification(7, "reminder", "call mum", "Reminder: call mum",
                    datetime(2024, 3, 10, 17, tzinfo=UTC))  # fmt: skip


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, object]]] = []
    status = 204

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[Receiver]]]:
    handler = type("Handler", (Receiver,), {"received": [], "status": 204})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", handler
    server.shutdown()
    server.server_close()


def test_the_webhook_posts_the_notification_as_json(webhook: tuple[str, type[Receiver]]) -> None:
    url, handler = webhook
    WebhookChannel(url).deliver(NOTE)
    assert handler.received == [
        {"job_id": 7, "kind": "reminder", "title": "call mum", "body": "Reminder: call mum",
         "due_at": "2024-03-10T17:00:00+00:00", "late": False, "deferred": False}
    ]  # fmt: skip


def test_a_webhook_error_status_is_a_delivery_error(webhook: tuple[str, type[Receiver]]) -> None:
    url, handler = webhook
    handler.status = 500
    with pytest.raises(DeliveryError, match="HTTP 500"):
        WebhookChannel(url).deliver(NOTE)


def test_an_unreachable_webhook_is_a_delivery_error_naming_the_url() -> None:
    with pytest.raises(DeliveryError, match=r"127\.0\.0\.1:9"):
        WebhookChannel("http://127.0.0.1:9/hook", timeout=5).deliver(NOTE)
    with pytest.raises(DeliveryError, match="http://"):
        WebhookChannel("ftp://example.org")


def _notify_send(directory: Path, *, fails: bool = False) -> Path:
    """A notify-send on PATH that records its arguments (libnotify needs a desktop session)."""
    log = directory / "argv.json"
    record = f"import json, sys; json.dump(sys.argv[1:], open({str(log)!r}, 'w'))"
    failure = "echo 'no notification daemon' >&2; exit 1\n" if fails else ""
    script = directory / "notify-send"
    script.write_text(f'#!/bin/sh\n"{sys.executable}" -c "{record}" "$@"\n{failure}')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def test_desktop_notifications_run_notify_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _notify_send(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    DesktopChannel().deliver(NOTE)
    assert json.loads(log.read_text()) == ["--app-name=pasi", "call mum", "Reminder: call mum"]


def test_a_failing_notify_send_reports_its_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _notify_send(tmp_path, fails=True)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(DeliveryError, match="no notification daemon"):
        DesktopChannel().deliver(NOTE)


def test_the_channels_that_are_on_follow_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no notify-send here
    names = [c.name for c in channels_for(Settings(), terminal=True, web=True)]
    assert names == ["terminal", "web"]
    _notify_send(tmp_path)
    settings = Settings(notify_webhook="http://127.0.0.1:1/x")
    assert [c.name for c in channels_for(settings)] == ["desktop", "webhook"]
    assert channels_for(Settings(notify_desktop=False)) == []


class Messenger:
    """An :class:`~pasi.life.matrix.OwnerMessenger` as a running bridge is one: it sends (here:
    keeps) the text, has no encrypted room yet, or fails."""

    def __init__(self, outcome: str) -> None:
        self.outcome, self.sent = outcome, []

    def send_to_owner(self, text: str, txn_id: str) -> bool:
        if self.outcome == "fails":
            raise DeliveryError("Matrix: cannot send an encrypted message: no keys")
        self.sent.append((text, txn_id))
        return self.outcome == "sends"


@pytest.mark.parametrize("outcome", ["sends", "fails"])
def test_matrix_deliveries_go_through_the_registered_bridge_and_never_around_a_failure(
    tmp_path: Path, webhook: tuple[str, type[Receiver]], outcome: str
) -> None:
    from pasi.life.channels import MatrixChannel
    from pasi.life.matrix import (
        MatrixAccount,
        messenger_for,
        register_messenger,
        save_account,
        unregister_messenger,
    )

    url, handler = webhook  # stands for the homeserver: the unencrypted path would POST here
    save_account(tmp_path, MatrixAccount(url.removesuffix("/hook"), "@pasi:x", "token", "DEV"))
    channel = MatrixChannel(tmp_path, ["@me:x"])
    messenger = Messenger(outcome)
    register_messenger(tmp_path / ".", messenger)
    try:
        unregister_messenger(tmp_path, Messenger("sends"))  # not the registered one: kept
        assert messenger_for(tmp_path) is messenger
        if outcome == "fails":  # the scheduler logs it failed; it is not sent unencrypted
            with pytest.raises(DeliveryError, match="encrypted"):
                channel.deliver(NOTE)
        else:
            channel.deliver(NOTE)
            assert messenger.sent == [(NOTE.line(), "pasi-reminder-7-2024-03-10T17:00:00+00:00")]
    finally:
        unregister_messenger(tmp_path, messenger)
    assert handler.received == [] and messenger_for(tmp_path) is None
