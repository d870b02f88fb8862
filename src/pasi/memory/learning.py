"""Learning in the background: turns are queued as extraction jobs and learned from later.

``enqueue`` only writes a pending job (milliseconds) and wakes a daemon worker, so a chat turn
never waits for a model. The worker waits for a pause in the conversation (one model call per
batch is cheaper than one per turn, and a local model busy extracting would delay the next
reply), then extracts, consolidates and marks each job done or failed.
A failed job keeps the model's raw output and the error (``pasi memories pending``) and is
run again by ``pasi memories reextract --failed-only``; the turns themselves are always kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from pasi.errors import ConfigError, ExtractionError, ModelOutputError
from pasi.memory.consolidate import consolidate
from pasi.memory.extract import extract
from pasi.memory.remote import turns_for_remote
from pasi.memory.sensitive import gate_turns, label_memories
from pasi.memory.store import MemoryStore
from pasi.memory.vetting import Held, Vetted, vet
from pasi.models.chat import ChatModel
from pasi.models.locality import is_local
from pasi.vault import episodes as ep
from pasi.vault import held, jobs
from pasi.vault import memories as mem
from pasi.vault.jobs import Job
from pasi.vault.records import Episode

log = logging.getLogger(__name__)

BATCH_TURNS = 24  # turns per model call: enough context, short enough for a small model
# The worker asks the model only after the conversation has paused this long: a local model
# serves one request at a time, so extracting while the user types would delay the next reply.
BATCH_SECONDS = 20.0
STALE_AFTER = timedelta(minutes=30)  # a job "running" this long belongs to a dead process


@dataclass
class LearnReport:
    done: int = 0
    failed: int = 0
    added: int = 0
    superseded: int = 0
    unchanged: int = 0
    held: int = 0  # candidates not stored: ungrounded or no person as subject (pending)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Chunk:
    """The result of one model call over some turns of a batch."""

    error: str | None = None
    raw: str | None = None
    notes: list[str] = field(default_factory=list)


def _new_held(item: Held) -> held.NewHeld:
    c = item.candidate
    return held.NewHeld(c.text, c.kind, c.subject, c.confidence, c.evidence, item.reason)


def _vet_notes(vetted: Vetted) -> list[str]:
    notes = [f"held, not stored: {h.candidate.text!r} ({h.reason})" for h in vetted.held]
    if vetted.made_locally:
        notes.append(f"{vetted.made_locally} statement(s) the model missed were kept locally")
    return notes


class Learner:
    """Turns conversation into memories with the ``fast`` model, off the chat's path."""

    def __init__(
        self,
        store: MemoryStore,
        model: ChatModel | None,
        *,
        batch_turns: int = BATCH_TURNS,
        batch_seconds: float = BATCH_SECONDS,
        background: bool = True,
    ) -> None:
        """``background=False`` never starts the worker: jobs wait for :meth:`run_pending`."""
        self.store = store
        self.model = model
        self.background = background
        self.batch_turns = batch_turns
        self.batch_seconds = batch_seconds
        self._cond = threading.Condition()
        self._queued = 0  # turns enqueued since the worker last started a run
        self._last_enqueue = 0.0
        self._busy = False
        self._hurry = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- the chat's side: fast ---------------------------------------------------------------

    def enqueue(self, episode_ids: Sequence[int | None]) -> int | None:
        """Queue turns for learning and return the job id; never waits for a model."""
        ids = [int(i) for i in episode_ids if i is not None]
        if not ids:
            return None
        with self.store.vault.write() as conn:
            first = ep.get_episodes(conn, ids[:1]).get(ids[0])
            job_id = jobs.add_job(conn, first.source_id if first else None, ids, self._now())
        if self.model is not None and self.background:
            with self._cond:
                self._queued += len(ids)
                self._last_enqueue = time.monotonic()
                self._start_worker()
                self._cond.notify_all()
        return job_id

    def drain(self, timeout: float | None = None) -> bool:
        """Learn from everything queued now; True when nothing is left pending in time."""
        if self.model is None:
            return not self._open_jobs()
        if not self.background:
            self.run_pending()
            return not self._open_jobs()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._hurry = True
            self._queued = max(self._queued, 1)
            self._start_worker()
            self._cond.notify_all()
            while self._queued or self._busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return not self._open_jobs()

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued (up to ``timeout``), then stop the worker."""
        if self._thread is not None:
            self.drain(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    # -- the worker --------------------------------------------------------------------------

    def _start_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="pasi-learner", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queued and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                self._gather()
                self._queued, self._hurry, self._busy = 0, False, True
            try:
                self.run_pending()
            except Exception:  # the worker must outlive any one failure; jobs record theirs
                log.exception("learning from conversation failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _gather(self) -> None:
        """Wait (lock held, released while waiting) for a full batch, a pause of
        ``batch_seconds`` since the last turn, or drain."""
        while self._queued < self.batch_turns and not self._hurry and not self._stopping:
            left = self._last_enqueue + self.batch_seconds - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    # -- learning ----------------------------------------------------------------------------

    def run_pending(self) -> LearnReport:
        """Learn from every pending job now, in this thread (CLI, benchmarks, the worker)."""
        model = self._require_model()
        report = LearnReport()
        with self.store.vault.write() as conn:
            jobs.requeue_stale(conn, self._now() - STALE_AFTER, self._now())
        while True:
            with self.store.vault.write() as conn:
                claimed = jobs.claim_pending(conn, self._now(), limit=64)
            if not claimed:
                return report
            for batch in self._batches(claimed):
                self._learn(model, batch, report)

    def _batches(self, claimed: list[Job]) -> list[list[Job]]:
        """Jobs of one source merged until a batch holds ``batch_turns`` turns."""
        batches: list[list[Job]] = []
        for _, group in groupby(claimed, key=lambda j: j.source_id):
            current: list[Job] = []
            for job in group:
                if current and sum(len(j.episode_ids) for j in current) >= self.batch_turns:
                    batches.append(current)
                    current = []
                current.append(job)
            batches.append(current)
        return batches

    def _learn(self, model: ChatModel, batch: list[Job], report: LearnReport) -> None:
        ids = sorted({i for job in batch for i in job.episode_ids})
        chunks = [
            self._learn_chunk(model, ids[start : start + self.batch_turns], report)
            for start in range(0, len(ids), self.batch_turns)
        ]
        failed = [c for c in chunks if c.error]
        notes = "; ".join(n for c in chunks for n in c.notes) or None
        raw = "\n--- next batch ---\n".join(c.raw for c in chunks if c.raw) or None
        with self.store.vault.write() as conn:
            job_ids = [j.id for j in batch]
            if failed:
                error = "; ".join(c.error for c in failed if c.error)
                jobs.finish(conn, job_ids, "failed", self._now(), model=model.name,
                            raw_output=raw, error=error)  # fmt: skip
                report.failed += len(batch)
                report.errors.append(error)
            else:
                jobs.finish(conn, job_ids, "done", self._now(), model=model.name,
                            raw_output=raw, error=notes)  # fmt: skip
                report.done += len(batch)

    def _learn_chunk(self, model: ChatModel, ids: list[int], report: LearnReport) -> _Chunk:
        found = ep.get_episodes(self.store.vault.read(), ids)
        turns = [found[i] for i in ids if i in found]
        if not turns:
            return _Chunk(notes=["its turns were erased"])
        with self.store.vault.write() as conn:  # sensitive turns wait for consent (pasi consent)
            turns = gate_turns(conn, turns, self._now())
        if not turns:
            return _Chunk(notes=["held until the user agrees to sensitive memories"])
        if not is_local(model):  # withheld sources and sensitive turns never reach a cloud model
            turns = turns_for_remote(self.store.vault.read(), turns)
            if not turns:
                return _Chunk(notes=["kept off the cloud model: a local model can learn them"])
        try:
            extraction = extract(model, turns)
        except (ExtractionError, ModelOutputError) as error:  # unreadable: the job fails (and
            raw = getattr(error, "raw_output", None)  # reextract retries it), but what the user
            try:  # stated plainly is kept now, made locally, as a model would have
                vetted = self._store(model, vet([], turns), turns, report)
            except Exception as storing:
                return _Chunk(f"{error}; then {type(storing).__name__}: {storing}", raw)
            kept = vetted.made_locally
            return _Chunk(f"{error}; {kept} statements kept without the model", raw)
        except Exception as error:  # a model server down, a timeout: recorded, retried later
            return _Chunk(f"{type(error).__name__}: {error}")
        try:
            vetted = self._store(model, vet(extraction.candidates, turns), turns, report)
        except Exception as error:
            return _Chunk(f"{type(error).__name__}: {error}", extraction.raw_output)
        return _Chunk(raw=extraction.raw_output, notes=extraction.notes + _vet_notes(vetted))

    def _store(
        self, model: ChatModel, vetted: Vetted, turns: list[Episode], report: LearnReport
    ) -> Vetted:
        """Consolidate the kept candidates, label them, keep the held ones for the user."""
        outcome = consolidate(self.store, vetted.kept, model=model, source_id=turns[0].source_id)
        with self.store.vault.write() as conn:
            new = outcome.added + [created for _, created in outcome.superseded]
            label_memories(conn, [(m.id, m.text) for m in mem.get_memories(conn, new).values()])
            held.add_held(conn, [_new_held(h) for h in vetted.held], model.name, self._now())
        report.added += len(outcome.added)
        report.superseded += len(outcome.superseded)
        report.unchanged += len(outcome.unchanged)
        report.held += len(vetted.held)
        return vetted

    # -- re-running ----------------------------------------------------------------------------

    def reextract(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        failed_only: bool = False,
    ) -> LearnReport:
        """Learn again from stored turns with the current model; duplicates become NOOPs."""
        self._require_model()
        with self.store.vault.write() as conn:
            if failed_only:
                self._requeue_failed(conn, since, until)
            else:
                turns = jobs.episodes_between(conn, since, until)
                for (source_id, _), group in groupby(turns, key=lambda t: (t[1], t[2])):
                    ids = [t[0] for t in group]
                    for start in range(0, len(ids), self.batch_turns):
                        jobs.add_job(conn, source_id, ids[start : start + self.batch_turns],
                                     self._now())  # fmt: skip
        return self.run_pending()

    def _requeue_failed(self, conn, since: datetime | None, until: datetime | None) -> None:
        failed = jobs.list_jobs(conn, ("failed",))
        if since is None and until is None:
            jobs.requeue(conn, ("failed",), self._now())
            return
        in_range = {t[0] for t in jobs.episodes_between(conn, since, until)}
        for job in failed:
            if in_range.intersection(job.episode_ids):
                jobs.finish(conn, [job.id], "pending", self._now(), model=job.model,
                            raw_output=job.raw_output, error=job.error)  # fmt: skip

    def pending(self) -> list[Job]:
        """Jobs not yet learned from: waiting, running, or failed with their error."""
        return jobs.list_jobs(self.store.vault.read(), ("pending", "running", "failed"))

    def held_memories(self) -> list[held.HeldMemory]:
        """Candidates extraction proposed but did not store, each with the reason."""
        return held.list_held(self.store.vault.read())

    def _open_jobs(self) -> int:
        counts = jobs.count_by_status(self.store.vault.read())
        return counts["pending"] + counts["running"]

    def _require_model(self) -> ChatModel:
        if self.model is None:
            raise ConfigError(
                "learning memories from conversation needs a chat model: set 'model' in the "
                "config file, PASI_MODEL or --model (turns are kept and queued until then)"
            )
        return self.model

    def _now(self) -> datetime:
        return self.store.clock()
