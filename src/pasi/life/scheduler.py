"""The scheduler: sends what the user asked for, when they asked, and nothing during quiet hours.

Each :meth:`Scheduler.run_due` looks at the jobs due by the injected clock's "now" and asks
the charter's anti-engagement rules (:func:`pasi.life.engagement.may_deliver`) whether it may
go out: if so it is delivered through every channel that is on; during quiet hours it is
deferred to their end; anything the rules refuse outright is never sent. Both outcomes go to the deliveries log. A job missed while pasi
was not running goes out once when it starts, marked late, and a recurring one then resumes at
its next occurrence (missed occurrences are not replayed). :meth:`start` runs the same in a
background thread for ``pasi serve``, ``pasi chat`` and ``pasi scheduler run``.

Only jobs of the kinds in :data:`pasi.life.jobs.JOB_KINDS` exist, each created by the user:
the scheduler has no way to send anything unprompted.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pasi.clock import Clock, system_clock
from pasi.life import jobs
from pasi.life.channels import Channel, Notification
from pasi.life.charter import Charter
from pasi.life.deliveries import record
from pasi.life.engagement import may_deliver
from pasi.life.goals import compose_check_in
from pasi.life.reminders import compose_reminder, mark_sent
from pasi.life.when import When
from pasi.vault.sqlite import SQLiteVault

LATE_AFTER = timedelta(minutes=5)  # later than this past its time, a job is marked late
POLL_SECONDS = 30.0  # the most the thread sleeps: picks up jobs added by other processes

# Title and body of a job's notification, from the vault as it is now; None skips the job
# (its reminder or goal is gone) and finishes it.
Composer = Callable[[sqlite3.Connection, jobs.Job, datetime], tuple[str, str] | None]


DEFAULT_COMPOSERS: dict[str, Composer] = {
    "reminder": lambda conn, job, now: compose_reminder(conn, job),
    "check_in": lambda conn, job, now: compose_check_in(conn, job),
}


@dataclass(frozen=True)
class Outcome:
    """What one due job led to: the notification and, per channel, what happened."""

    job_id: int
    notification: Notification
    suppressed_until: datetime | None = None  # set when quiet hours held it back
    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class Scheduler:
    def __init__(
        self,
        vault: SQLiteVault,
        channels: Sequence[Channel],
        *,
        clock: Clock = system_clock,
        charter: Callable[[], Charter | None] = lambda: None,
        before_round: Callable[[datetime], None] | None = None,
        composers: Mapping[str, Composer] | None = None,
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        self.vault = vault
        self.channels = list(channels)
        self.clock = clock
        self.charter = charter  # read before every round: the user may edit it
        self.before_round = before_round
        self.composers = {**DEFAULT_COMPOSERS, **(composers or {})}
        self.late_after = late_after
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def schedule(self, kind: str, title: str, when: When, *, ref_id: int | None = None) -> int:
        """Store a job in the vault (a brief, say) and wake the thread to consider it."""
        with self.vault.write() as conn:
            job_id = jobs.schedule(conn, kind, title, when, self.clock(), ref_id=ref_id)
        self._wake.set()
        return job_id

    def run_due(self) -> list[Outcome]:
        """One round: every job due by now is delivered, or deferred if it is quiet."""
        now = self.clock()
        if self.before_round is not None:
            self.before_round(now)
        charter = self.charter()
        outcomes = []
        for job in jobs.due_jobs(self.vault, now):
            try:
                outcome = self._handle(job, now, charter)
            except Exception as error:  # one job's bug must not hold back the others
                outcome = self._unsendable(job, now, error)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _handle(self, job: jobs.Job, now: datetime, charter: Charter | None) -> Outcome | None:
        notification = self._compose(job, now)
        if notification is None:
            return None
        if charter is not None:
            verdict = may_deliver(charter, job.kind, now, requested=True)  # the user set it up
            if not verdict.allowed:
                return self._suppress(job, notification, now, verdict.defer_until, verdict.reason)
        with self.vault.write() as conn:
            if not jobs.advance(conn, job, now):
                return None  # another process sent it
            mark_sent(conn, job)
        return self._deliver(job, notification, now)

    def _compose(self, job: jobs.Job, now: datetime) -> Notification | None:
        composer = self.composers.get(job.kind)
        conn = self.vault.read()
        text = composer(conn, job, now) if composer else (job.title, job.title)
        if text is None:
            with self.vault.write() as write:
                jobs.cancel(write, job.id)
            return None
        due = job.next_at or now
        late = now - (job.due_at() or due) > self.late_after
        return Notification(
            job.id, job.kind, text[0], text[1], due, late, job.deferred_to is not None
        )

    def _unsendable(self, job: jobs.Job, now: datetime, error: Exception) -> Outcome | None:
        """A job that could not be prepared: this occurrence is logged as failed and skipped."""
        notification = Notification(job.id, job.kind, job.title, "", job.next_at or now)
        reason = (
            f"{_reason(job, notification)}; could not be prepared: {type(error).__name__}: {error}"
        )
        with self.vault.write() as conn:
            if not jobs.advance(conn, job, now):
                return None
            record(conn, notification, now, channel=None, outcome="failed", reason=reason)
        return Outcome(job.id, notification)

    def _suppress(
        self,
        job: jobs.Job,
        notification: Notification,
        now: datetime,
        until: datetime | None,
        why: str,
    ) -> Outcome | None:
        """Hold the job back until ``until`` (quiet hours) or, with no ``until``, for good."""
        if until is not None:
            reason = f"quiet hours: held back until {until.isoformat(timespec='minutes')}"
        else:
            reason = f"not sent: {why}"
        with self.vault.write() as conn:
            claimed = jobs.defer(conn, job, until) if until else jobs.advance(conn, job, now)
            if not claimed:
                return None
            record(conn, notification, now, channel=None, outcome="suppressed", reason=reason)
        return Outcome(job.id, notification, suppressed_until=until)

    def _deliver(self, job: jobs.Job, notification: Notification, now: datetime) -> Outcome:
        why = _reason(job, notification)
        delivered, failed = [], []
        for channel in self.channels:
            try:
                channel.deliver(notification)
            except Exception as error:  # one broken channel must not stop the others
                failed.append(channel.name)
                outcome, reason = "failed", f"{why}; {type(error).__name__}: {error}"
            else:
                delivered.append(channel.name)
                outcome, reason = "delivered", why
            with self.vault.write() as conn:
                record(
                    conn, notification, now, channel=channel.name, outcome=outcome, reason=reason
                )
        if not self.channels:
            with self.vault.write() as conn:
                record(conn, notification, now, channel=None, outcome="failed",
                       reason=f"{why}; no delivery channel is on")  # fmt: skip
        return Outcome(job.id, notification, None, tuple(delivered), tuple(failed))

    # -- the background thread ---------------------------------------------------------------

    def start(self) -> None:
        """Run rounds in a daemon thread until :meth:`stop`; a round that fails is retried."""
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="pasi-scheduler", daemon=True)
        self.vault.before_close(self.stop)  # closing the vault ends this thread first
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Look at the jobs now (one was just added or changed)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stopping:
            try:
                self.run_due()
            except sqlite3.ProgrammingError:  # the vault was closed under us (erased, released)
                return
            except Exception as error:  # a full disk or a locked vault: report, try again later
                sys.stderr.write(f"pasi scheduler: {type(error).__name__}: {error}\n")
            self._wake.wait(self._sleep_seconds())
            self._wake.clear()

    def _sleep_seconds(self) -> float:
        upcoming = jobs.next_due(self.vault, self.clock())
        if upcoming is None:
            return POLL_SECONDS
        seconds = (upcoming - self.clock()).total_seconds()
        return min(POLL_SECONDS, max(0.05, seconds))


def _reason(job: jobs.Job, notification: Notification) -> str:
    what = {"reminder": "a reminder you set", "check_in": "a check-in you asked for on a goal",
            "brief": "the brief you scheduled"}.get(job.kind, job.kind)  # fmt: skip
    repeat = f" ({job.rule.removeprefix('RRULE:')})" if job.rule else ""
    reason = what + repeat
    if notification.late:
        reason += "; late: it was due while pasi was not running"
    if notification.deferred:
        reason += "; held back by quiet hours until now"
    return reason
