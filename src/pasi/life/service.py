"""Wiring from Settings and the charter: the user's time zone, the channels, a scheduler.

The user's time zone is the charter's ``timezone`` (the machine's when it is empty): one place
per user, so reminders, check-ins and quiet hours agree, and each user of a shared server has
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TextIO

from pasi.clock import Clock, system_clock
from pasi.config import Settings
from pasi.life import jobs
from pasi.life.brief import brief_composer, sync_morning_brief
from pasi.life.channels import (
    Channel,
    DesktopChannel,
    MatrixChannel,
    TerminalChannel,
    WebChannel,
    WebhookChannel,
)
from pasi.life.charter import charter_path, load_charter
from pasi.life.scheduler import Composer, Scheduler
from pasi.vault.sqlite import SQLiteVault


def user_timezone(vault_dir: Path) -> str:
    """The IANA name of the user's zone, from the charter."""
    return load_charter(vault_dir).timezone.key


def channels_for(
    settings: Settings, *, terminal: TextIO | bool = False, web: bool = False
) -> list[Channel]:
    """The channels that are on: the terminal and the web app when asked, desktop
    notifications when ``notify_desktop`` is set and notify-send exists, the webhook when
    ``notify_webhook`` is set, Matrix when ``notify_matrix`` is set and pasi has a Matrix
    account and an allow-list."""
    channels: list[Channel] = []
    if terminal is not False:
        channels.append(TerminalChannel(None if terminal is True else terminal))
    if web:
        channels.append(WebChannel())
    if settings.notify_desktop and DesktopChannel.available():
        channels.append(DesktopChannel())
    if settings.notify_webhook.strip():
        channels.append(WebhookChannel(settings.notify_webhook.strip()))
    if settings.notify_matrix and MatrixChannel.available(settings.vault, settings.matrix_allow):
        channels.append(MatrixChannel(settings.vault, settings.matrix_allow))
    return channels


def build_scheduler(
    vault: SQLiteVault,
    channels: list[Channel],
    *,
    clock: Clock = system_clock,
    composers: Mapping[str, Composer] | None = None,
) -> Scheduler:
    """A scheduler that reads the charter every round and keeps the jobs in step with it: the
    morning brief (a job when ``morning_brief`` is set, none when it is not) and the time zone."""
    return Scheduler(
        vault,
        channels,
        clock=clock,
        charter=lambda: load_charter(vault.directory),
        composers={"brief": brief_composer(vault), **(composers or {})},
        before_round=_jobs_follow_charter(vault),
    )


def _jobs_follow_charter(vault: SQLiteVault) -> Callable[[datetime], None]:
    """When the charter file changed (and on the first round): repeating jobs move to its time
    zone, and the brief job follows its ``morning_brief``."""
    seen: list[float | None] = [None]

    def sync(now: datetime) -> None:
        path = charter_path(vault.directory)
        changed = path.stat().st_mtime if path.exists() else 0.0
        if changed != seen[0]:
            zone = load_charter(vault.directory).timezone.key
            with vault.write() as conn:
                jobs.rezone(conn, zone, now)
            sync_morning_brief(vault, now)
            seen[0] = changed

    return sync
