"""``pasi bench scheduler``: what the scheduler costs while pasi waits, and when jobs fall due.

``pasi chat`` and ``pasi serve`` run a scheduler round at least every 30 seconds, so an idle
round (nothing due: read the charter, look for due jobs) must stay cheap as jobs accumulate.
For each number of repeating reminders this measures the idle round's latency, then lets a
whole day's occurrences fall due at once (every job fires, through the web channel, which
writes the deliveries log) and reports deliveries per second.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pasi.bench.common import percentile, scratch_vault
from pasi.life import jobs
from pasi.life.channels import WebChannel
from pasi.life.charter import load_charter, set_charter_field
from pasi.life.deliveries import deliveries
from pasi.life.service import build_scheduler
from pasi.life.when import When, parse_when
from pasi.vault.sqlite import SQLiteVault

START = datetime(2024, 3, 7, 0, 30, tzinfo=UTC)


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _fill(vault: SQLiteVault, count: int, clock: _Clock) -> None:
    """``count`` daily reminders spread over the day's minutes (the same rule a user writes)."""
    with vault.write() as conn:
        for number in range(count):
            minute = 60 + number % (22 * 60)  # 01:00 .. 22:59, outside no quiet hours needed
            phrase = f"every day at {minute // 60}:{minute % 60:02d}"
            when: When = parse_when(phrase, clock(), "UTC")
            jobs.schedule(conn, "reminder", f"reminder {number}", when, clock())


def _one_size(count: int, rounds: int) -> dict[str, Any]:
    with scratch_vault() as vault:
        load_charter(vault.directory)
        for field, value in (("timezone", "UTC"), ("quiet_start", ""), ("quiet_end", "")):
            set_charter_field(vault.directory, field, value)
        clock = _Clock(START)
        _fill(vault, count, clock)
        # Composed from the jobs alone, so the figure is the scheduler's, not the vault's.
        composers = {"reminder": lambda conn, job, now: (job.title, job.title)}
        scheduler = build_scheduler(vault, [WebChannel()], clock=clock, composers=composers)
        scheduler.run_due()  # the first round syncs the charter's jobs
        idle = []
        for _ in range(rounds):
            began = time.perf_counter()
            scheduler.run_due()
            idle.append((time.perf_counter() - began) * 1000)
        clock.at = START + timedelta(days=1)  # the whole day falls due at once
        began = time.perf_counter()
        fired = len(scheduler.run_due())
        seconds = time.perf_counter() - began
        logged = len(deliveries(vault, limit=count + 1))
    return {
        "jobs": count,
        "idle_round_ms_p50": round(percentile(idle, 50), 3),
        "idle_round_ms_p95": round(percentile(idle, 95), 3),
        "fired": fired,
        "logged": logged,
        "deliveries_per_second": round(fired / seconds, 1) if seconds else None,
    }


def run(sizes: Sequence[int] = (100, 1000, 10_000), rounds: int = 50) -> dict[str, Any]:
    return {
        "benchmark": "scheduler",
        "rounds": rounds,
        "results": [_one_size(count, rounds) for count in sizes],
    }
