"""Notification channels in Settings: where reminders, check-ins and briefs go, each on or off,
configured, and tried with a test notification.

The channels are the life layer's (pasi.life.channels): the terminal (``pasi chat``, ``pasi
scheduler run``), the web app, desktop notifications, a webhook and Matrix. Their settings are
the ones pasi reads at start (``notify_desktop``, ``notify_webhook``, ``notify_matrix``,
``matrix_allow``), saved in the config file as the models are, and used at once by every
running scheduler; the Matrix room reminders go to is the bridge's own state
(pasi.life.matrix: the owner's last room with pasi). They are the server's, shared by every
user, so only the server's own user ``local`` may change them or test the channels that leave
the server (desktop, webhook, Matrix); anyone may test the web app's. A test respects the
charter's quiet hours: during them nothing is sent unless the user says to send it anyway.
Every test is written to the deliveries log like any notification.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from pasi.config import Settings
from pasi.errors import DeliveryError
from pasi.life.channels import (
    Channel,
    DesktopChannel,
    MatrixChannel,
    Notification,
    WebChannel,
    WebhookChannel,
)
from pasi.life.charter import load_charter
from pasi.life.deliveries import record
from pasi.life.matrix import load_account, load_state, update_state
from pasi.life.service import channels_for
from pasi.server.auth import CurrentUser
from pasi.server.rest.config_file import set_config, shadowed
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS
from pasi.server.rest.settings import redact_url
from pasi.server.users import LOCAL_USER

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)

ChannelName = Literal["terminal", "web", "desktop", "webhook", "matrix"]
MATRIX_ID = re.compile(r"^@[^:\s]+:[^\s]+$")
MATRIX_ROOM = re.compile(r"^![^:\s]+:[^\s]+$")
MAX_ALLOW = 20
TEST_TITLE = "pasi test notification"


class ChannelOut(BaseModel):
    name: ChannelName
    on: bool = Field(description="Whether notifications go there now.")
    ready: bool = Field(description="Whether it could deliver (e.g. notify-send installed).")
    about: str = Field(description="Where it delivers, in words.")
    problem: str | None = Field(description="Why it is off or cannot deliver, when it cannot.")
    testable: bool = Field(description="Whether this user may send it a test notification.")


class ChannelsOut(BaseModel):
    channels: list[ChannelOut]
    editable: bool = Field(description="Whether this user may change them (the server's own).")
    notify_desktop: bool
    notify_webhook: str = Field(description="The webhook URL (without credentials or query "
                                "for users other than the server's own); '' = none.")  # fmt: skip
    notify_matrix: bool
    matrix_allow: list[str] = Field(description="Matrix IDs pasi answers; the first gets a new "
                                    "direct room when reminders have none.")  # fmt: skip
    matrix_account: str | None = Field(description="pasi's bot account (`pasi matrix login`).")
    matrix_room: str | None = Field(description="The room reminders go to (the owner's last "
                                    "room with pasi); None: a new direct room.")  # fmt: skip
    quiet_start: str | None
    quiet_end: str | None
    time_zone: str
    quiet_now: bool = Field(description="Whether it is quiet hours now: notifications wait.")
    quiet_until: datetime | None


class ChannelsIn(BaseModel):
    notify_desktop: bool | None = None
    notify_webhook: str | None = Field(default=None, max_length=2000, description="'' = none.")
    notify_matrix: bool | None = None
    matrix_allow: list[str] | None = Field(default=None, max_length=MAX_ALLOW)
    matrix_room: str | None = Field(
        default=None, max_length=300,
        description="A room ID (!room:server) for reminders; '' = a new direct room next time.",
    )  # fmt: skip


class SavedOut(BaseModel):
    saved: list[str]
    config_file: str | None
    overridden_by: list[str]


class TestIn(BaseModel):
    channel: ChannelName
    ignore_quiet_hours: bool = Field(
        default=False, description="Send even during quiet hours (the user asked to)."
    )


class TestOut(BaseModel):
    channel: str
    sent: bool
    held_until: datetime | None = Field(description="Quiet hours held it back until then.")
    error: str | None = Field(description="Why the channel could not deliver it.")


def _matrix_problem(settings: Settings) -> str | None:
    if load_account(settings.vault) is None:
        return "pasi has no Matrix account: run `pasi matrix login`"
    if not settings.matrix_allow:
        return "no Matrix ID is allowed: add yours below"
    return None


def _channels(settings: Settings, owner: bool) -> list[ChannelOut]:
    desktop_ready = DesktopChannel.available()
    webhook = settings.notify_webhook.strip()
    matrix_problem = _matrix_problem(settings)
    return [
        ChannelOut(name="terminal", on=True, ready=True, testable=False,
                   about="A line in `pasi chat` and `pasi scheduler run` while they run "
                   "(not used by the server).", problem=None),
        ChannelOut(name="web", on=True, ready=True, testable=True,
                   about="At the top of this app while it is open.", problem=None),
        ChannelOut(name="desktop", on=settings.notify_desktop and desktop_ready,
                   ready=desktop_ready, testable=owner,
                   about="A desktop notification on the server's screen (notify-send).",
                   problem=None if desktop_ready else "notify-send is not installed "
                   "(Debian: libnotify-bin)"),
        ChannelOut(name="webhook", on=bool(webhook), ready=bool(webhook), testable=owner,
                   about="An HTTP POST of the notification as JSON to your URL.",
                   problem=None if webhook else "no webhook URL is set"),
        ChannelOut(name="matrix", on=settings.notify_matrix and matrix_problem is None,
                   ready=matrix_problem is None, testable=owner,
                   about="A Matrix message from pasi's bot account to you.",
                   problem=matrix_problem),
    ]  # fmt: skip


@router.get("/settings/channels", response_model=ChannelsOut)
def read_channels(user: CurrentUser) -> ChannelsOut:
    """The notification channels, their settings and the quiet hours that hold them back."""
    settings, owner = user.pasi.settings, user.name == LOCAL_USER
    charter, now = load_charter(user.pasi.vault.directory), user.pasi.clock()
    account = load_account(settings.vault)
    clock = lambda t: t.strftime("%H:%M") if t is not None else None  # noqa: E731
    quiet = charter.is_quiet(now)
    return ChannelsOut(
        channels=_channels(settings, owner), editable=owner,
        notify_desktop=settings.notify_desktop,
        notify_webhook=settings.notify_webhook if owner else redact_url(settings.notify_webhook)
        if settings.notify_webhook else "",
        notify_matrix=settings.notify_matrix, matrix_allow=list(settings.matrix_allow),
        matrix_account=f"{account.user_id} on {account.homeserver}" if account else None,
        matrix_room=load_state(settings.vault).notify_room if account else None,
        quiet_start=clock(charter.quiet_start), quiet_end=clock(charter.quiet_end),
        time_zone=charter.timezone.key, quiet_now=quiet,
        quiet_until=charter.quiet_until(now) if quiet else None,
    )  # fmt: skip


def _checked(body: ChannelsIn) -> dict[str, object]:
    changes: dict[str, object] = {}
    if body.notify_desktop is not None:
        changes["notify_desktop"] = body.notify_desktop
    if body.notify_matrix is not None:
        changes["notify_matrix"] = body.notify_matrix
    if body.notify_webhook is not None:
        url = body.notify_webhook.strip()
        if url and (not url.startswith(("http://", "https://")) or any(c.isspace() for c in url)):
            raise FieldError("the webhook URL must start with http:// or https:// and hold "
                             "no spaces", param="notify_webhook")  # fmt: skip
        changes["notify_webhook"] = url
    if body.matrix_allow is not None:
        allow = list(dict.fromkeys(x.strip() for x in body.matrix_allow if x.strip()))
        wrong = [x for x in allow if not MATRIX_ID.match(x)]
        if wrong:
            raise FieldError(f"'{wrong[0]}' is not a Matrix ID: write @name:server",
                             param="matrix_allow")  # fmt: skip
        changes["matrix_allow"] = allow
    return changes


@router.put("/settings/channels", response_model=SavedOut)
def save_channels(user: CurrentUser, request: Request, body: ChannelsIn) -> SavedOut:
    """Turn channels on or off and configure them: saved in the config file, used at once."""
    if user.name != LOCAL_USER:
        raise HTTPException(
            403, "the notification channels are the server's: only its own user ('local') "
            "may change them",
        )  # fmt: skip
    changes = _checked(body)
    if body.matrix_room is not None:
        _save_room(user.pasi.settings, body.matrix_room.strip())
    path = set_config(changes) if changes else None
    if changes:
        request.app.state.settings = request.app.state.settings.model_copy(update=changes)
        request.app.state.sessions.reconfigure(changes)
        _rechannel(request)
    saved = sorted(changes) + (["matrix_room"] if body.matrix_room is not None else [])
    return SavedOut(saved=saved, config_file=str(path) if path else None,
                    overridden_by=shadowed(sorted(changes)))  # fmt: skip


def _save_room(settings: Settings, room: str) -> None:
    if room and not MATRIX_ROOM.match(room):
        raise FieldError(f"'{room}' is not a Matrix room ID: write !room:server", "matrix_room")
    if load_account(settings.vault) is None:
        raise FieldError("pasi has no Matrix account yet: run `pasi matrix login` first",
                         "matrix_room")  # fmt: skip
    update_state(settings.vault, notify_room=room or None)


def _rechannel(request: Request) -> None:
    """Running schedulers deliver through the changed channels from their next round."""
    pool = getattr(request.app.state, "schedulers", None)
    if pool is not None:
        pool.rechannel(lambda vault: channels_for(
            request.app.state.settings.model_copy(update={"vault": vault}), web=True))  # fmt: skip


def _channel(name: str, settings: Settings) -> Channel:
    if name == "web":
        return WebChannel()
    if name == "desktop":
        return DesktopChannel()
    if name == "webhook":
        if not settings.notify_webhook.strip():
            raise DeliveryError("no webhook URL is set")
        return WebhookChannel(settings.notify_webhook.strip())
    if name == "matrix":
        return MatrixChannel(settings.vault, settings.matrix_allow)
    raise FieldError(f"the {name} channel cannot be tested from the app", param="channel")


@router.post("/settings/channels/test", response_model=TestOut)
def test_channel(user: CurrentUser, body: TestIn) -> TestOut:
    """Send a test notification through one channel, now (or not, during quiet hours)."""
    if body.channel not in ("web",) and user.name != LOCAL_USER:
        raise HTTPException(403, "only the server's own user ('local') may test this channel")
    pasi, now = user.pasi, user.pasi.clock()
    charter = load_charter(pasi.vault.directory)
    if charter.is_quiet(now) and not body.ignore_quiet_hours:
        return TestOut(channel=body.channel, sent=False, held_until=charter.quiet_until(now),
                       error=None)  # fmt: skip
    note = Notification(None, "test", TEST_TITLE,
                        f"Sent from Settings to try the {body.channel} channel.", now)  # fmt: skip
    error = None
    try:
        _channel(body.channel, pasi.settings).deliver(note)
    except DeliveryError as failed:
        error = str(failed)
    with pasi.vault.write() as conn:
        record(conn, note, now, channel=body.channel, outcome="failed" if error else "delivered",
               reason=f"a test from Settings{': ' + error if error else ''}")  # fmt: skip
    return TestOut(channel=body.channel, sent=error is None, held_until=None, error=error)
