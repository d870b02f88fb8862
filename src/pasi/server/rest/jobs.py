"""Ingest jobs: an upload or a sync runs in the background while the client polls progress.

One worker thread per server runs the jobs in order: the vault has a single writer anyway,
and two syncs of the same folder at once would only race each other. Jobs live in memory;
what they stored is in the vault, so a restart loses only the progress report.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request

from pasi.clock import system_clock

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.ingest.sync import Syncer, SyncReport

KEEP = 200  # finished jobs remembered per server, oldest dropped first


@dataclass
class IngestJob:
    id: str
    user: str
    kind: str  # "upload" or "sync"
    files: list[str]
    created_at: datetime
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int | None = None
    current: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    finished_at: datetime | None = None

    def progress(self, name: str, total: int | None) -> None:
        """The syncer's callback, called before each file it reads: the one before is done."""
        if self.current is not None:
            self.done += 1
        self.current, self.total = name, total


class JobBoard:
    """The jobs of one server: started here, run one at a time, looked up by id and user."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pasi-ingest")

    def start(
        self, user: str, pasi: Pasi, kind: str, files: list[str],
        run: Callable[[Syncer, Callable[[str, int | None], None]], SyncReport],
    ) -> IngestJob:  # fmt: skip
        job = IngestJob(uuid.uuid4().hex, user, kind, files, system_clock())
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        self._worker.submit(self._run, job, pasi, run)
        return job

    def get(self, user: str, job_id: str) -> IngestJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.user == user else None

    def of_user(self, user: str, limit: int = 20) -> list[IngestJob]:
        with self._lock:
            jobs = [j for j in reversed(self._jobs.values()) if j.user == user]
        return jobs[:limit]

    def close(self) -> None:
        """Wait for the job in progress (queued ones are dropped): the vault closes after."""
        self._worker.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _run(job: IngestJob, pasi: Pasi, run: Callable) -> None:
        from pasi.ingest.sync import Syncer

        job.status = "running"
        job.done = 0
        try:
            connectors = pasi.connectors()  # a remote vision model only through the gateway
            syncer = Syncer(
                pasi.memory, max_bytes=pasi.settings.ingest_max_bytes, connectors=connectors
            )
            report = run(syncer, job.progress)
        except Exception as error:  # a job must end with a reason, whatever went wrong
            job.error = f"{type(error).__name__}: {error}"
            job.status = "failed"
        else:
            job.counts = report.counts()
            job.failures = list(report.failed)
            job.done = job.total if job.total is not None else job.done
            job.status = "failed" if report.failed and not _stored(report) else "done"
            job.error = "; ".join(reason for _, reason in report.failed) or None
        finally:
            job.current = None
            job.finished_at = system_clock()


def _stored(report: SyncReport) -> bool:
    return bool(report.added or report.updated or report.skipped or report.removed)


_board_lock = threading.Lock()


def job_board(request: Request) -> JobBoard:
    """The app's board, made on first use (a FastAPI dependency)."""
    state = request.app.state
    with _board_lock:
        board = getattr(state, "ingest_jobs", None)
        if board is None:
            board = state.ingest_jobs = JobBoard()
    return board


@asynccontextmanager
async def jobs_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Let a running ingest finish before the server closes the users' vaults."""
    try:
        yield
    finally:
        board = getattr(app.state, "ingest_jobs", None)
        if board is not None:
            await asyncio.to_thread(board.close)


def uploads_dir(pasi: Pasi) -> Path:
    """Uploaded files are kept in the vault, so `pasi sync` re-reads them like any other file."""
    return Path(pasi.vault.directory) / "uploads"
