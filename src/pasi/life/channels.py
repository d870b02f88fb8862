"""Where notifications go: one small protocol, one class per channel.

A channel either delivers or raises; the scheduler records each outcome in the deliveries log.
The web app's channel delivers by being recorded: the notifications stream
(``GET /api/notifications/stream``) reads the log, so it works whichever process fired the job
(``pasi serve``, ``pasi chat`` or ``pasi scheduler run``) and a browser that reconnects can
resume where it left off.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from pasi.clock import to_iso
from pasi.errors import DeliveryError


@dataclass(frozen=True)
class Notification:
    """What the user is told, and why: the job that asked for it and when it was due."""

    job_id: int | None
    kind: str  # reminder, check_in or brief
    title: str
    body: str
    due_at: datetime
    late: bool = False  # due while pasi was not running, sent on start
    deferred: bool = False  # held back by quiet hours, sent when they ended

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["due_at"] = to_iso(self.due_at)
        return data

    def line(self) -> str:
        marks = (" (late)" if self.late else "") + (" (after quiet hours)" if self.deferred else "")
        text = self.title if self.body in ("", self.title) else f"{self.title}: {self.body}"
        return f"[pasi {self.kind.replace('_', '-')}{marks}] {text}"


class Channel(Protocol):
    name: str

    def deliver(self, notification: Notification) -> None: ...


class TerminalChannel:
    """Prints a line to the chat or the foreground daemon."""

    name = "terminal"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def deliver(self, notification: Notification) -> None:
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write("\n" + notification.line() + "\n")
            stream.flush()


class WebChannel:
    """The web app: the log entry this delivery writes is what its event stream sends."""

    name = "web"

    def deliver(self, notification: Notification) -> None:
        return None


class DesktopChannel:
    """A desktop notification through ``notify-send`` (libnotify), when it is installed."""

    name = "desktop"

    def __init__(self, command: str = "notify-send") -> None:
        found = shutil.which(command)
        if found is None:
            raise DeliveryError(f"'{command}' is not on PATH (install libnotify-bin)")
        self.command = found

    @staticmethod
    def available(command: str = "notify-send") -> bool:
        return shutil.which(command) is not None

    def deliver(self, notification: Notification) -> None:
        argv = [self.command, "--app-name=pasi", notification.title, notification.body]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DeliveryError(f"{self.command} failed: {error}") from None
        if done.returncode != 0:
            reason = done.stderr.strip() or f"exit status {done.returncode}"
            raise DeliveryError(f"{self.command} failed: {reason}")


class WebhookChannel:
    """An HTTP POST of the notification as JSON to a URL the user configured."""

    name = "webhook"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise DeliveryError(f"the webhook URL '{url}' must start with http:// or https://")
        self.url = url
        self.timeout = timeout
        self._client: Any = None  # one client for every delivery: its TLS set-up costs ~0.1 s

    def deliver(self, notification: Notification) -> None:
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout)
        try:
            response = self._client.post(self.url, json=notification.as_json())
        except httpx.HTTPError as error:
            raise DeliveryError(f"the webhook {self.url} failed: {error}") from None
        if response.status_code >= 400:
            raise DeliveryError(f"the webhook {self.url} answered HTTP {response.status_code}")


class MatrixChannel:
    """A Matrix message from pasi's bot account (``pasi matrix login``) to the owner. While a
    bridge with end-to-end encryption runs in this process for the vault (it registers itself,
    pasi.life.matrix.register_messenger), the message goes encrypted into the owner's last
    encrypted room with pasi; otherwise (no bridge, or no encrypted room yet) unencrypted into
    the last unencrypted room where they talked with pasi, else a new direct room inviting the
    first allow-listed Matrix ID."""

    name = "matrix"

    def __init__(self, vault_dir: Path, allow: list[str]) -> None:
        from pasi.life.matrix import load_account

        account = load_account(vault_dir)
        if account is None:
            raise DeliveryError("pasi has no Matrix account: run `pasi matrix login`")
        if not allow:
            raise DeliveryError("no Matrix ID is allowed: set 'matrix_allow'")
        self.vault_dir = vault_dir
        self.account = account
        self.allow = list(allow)
        self._client: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def available(vault_dir: Path, allow: list[str]) -> bool:
        from pasi.life.matrix import load_account

        return bool(allow) and load_account(vault_dir) is not None

    def deliver(self, notification: Notification) -> None:
        from pasi.life.matrix import MatrixClient, load_state, messenger_for, update_state

        txn = f"pasi-{notification.kind}-{notification.job_id}-{to_iso(notification.due_at)}"
        messenger = messenger_for(self.vault_dir)
        if messenger is not None and messenger.send_to_owner(notification.line(), txn):
            return
        with self._lock:
            if self._client is None:
                self._client = MatrixClient(self.account, timeout=15)
            room = load_state(self.vault_dir).notify_room
            if room is not None:
                try:
                    self._client.send_text(room, notification.line(), txn_id=txn)
                    return
                except DeliveryError:  # the owner left that room: a new one, once
                    pass
            room = self._client.create_direct_room(self.allow[0])
            update_state(self.vault_dir, notify_room=room)
            self._client.send_text(room, notification.line(), txn_id=txn)
