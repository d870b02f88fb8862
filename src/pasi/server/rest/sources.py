"""Sources and ingest: what is connected, uploading files, and sync jobs with progress.

An upload is saved under the vault's ``uploads/`` folder (a file of the same name is replaced,
so uploading a new version updates that source; sealed in an encrypted vault) and then read by the same
:class:`~pasi.ingest.sync.Syncer` as ``pasi ingest``, in a background job the client polls.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from pydantic import BaseModel, Field

from pasi.errors import NotFoundError
from pasi.ingest.sealed import private_folder
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import FieldError, TooLargeError, UnsupportedFileError
from pasi.server.rest.jobs import IngestJob, JobBoard, job_board, jobs_lifespan, uploads_dir
from pasi.server.rest.schemas import ERRORS
from pasi.vault import browse
from pasi.vault import items as it

if TYPE_CHECKING:
    from pasi.ingest.registry import Connectors

router = APIRouter(
    prefix="/api", tags=["sources"], responses=ERRORS,
    lifespan=jobs_lifespan,
)  # fmt: skip
Board = Annotated[JobBoard, Depends(job_board)]

MAX_FILES = 20
CHUNK = 1024 * 1024


class SourceSummary(BaseModel):
    id: int
    kind: str = Field(description="'file' or 'folder'.")
    uri: str
    title: str | None
    trust: str
    episodes: int = Field(description="Chunks (turns) read from it.")
    items: int = Field(description="Typed records: emails, events, contacts, rows.")
    synced_at: str | None = Field(description="When it was last read (ISO 8601, UTC).")


class SyncErrorOut(BaseModel):
    path: str
    reason: str
    at: str


class FailureOut(BaseModel):
    path: str
    reason: str


class JobOut(BaseModel):
    id: str
    kind: str = Field(description="'upload' or 'sync'.")
    status: str = Field(description="queued, running, done or failed.")
    files: list[str]
    done: int = Field(description="Files finished.")
    total: int | None = Field(description="Files to read, once known.")
    current: str | None = Field(description="The file being read now.")
    counts: dict[str, int] = Field(description="added, updated, removed, skipped, failed...")
    failures: list[FailureOut]
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: IngestJob) -> JobOut:
        return cls(
            id=job.id, kind=job.kind, status=job.status, files=job.files, done=job.done,
            total=job.total, current=job.current, counts=job.counts,
            failures=[FailureOut(path=p, reason=r) for p, r in job.failures], error=job.error,
            created_at=job.created_at, finished_at=job.finished_at,
        )  # fmt: skip


class SourcesOut(BaseModel):
    sources: list[SourceSummary]
    errors: list[SyncErrorOut] = Field(description="Files that could not be read, and why.")
    totals: dict[str, int] = Field(description="memories, episodes, items, conversations.")
    jobs: list[JobOut] = Field(description="This user's recent ingest and sync jobs.")
    upload_max_bytes: int = Field(description="Largest file an upload may send.")


@router.get("/sources", response_model=SourcesOut)
def list_sources(user: CurrentUser, board: Board) -> SourcesOut:
    """Connected files and folders with what each holds, last sync, errors and running jobs."""
    conn = user.pasi.vault.read()
    return SourcesOut(
        sources=[SourceSummary(**dict(row)) for row in it.source_summaries(conn)],
        errors=[SyncErrorOut(**dict(row)) for row in it.sync_errors(conn)],
        totals=browse.totals(conn),
        jobs=[JobOut.of(job) for job in board.of_user(user.name)],
        upload_max_bytes=upload_limit(user.pasi.settings),
    )


@router.post("/ingest", response_model=JobOut, status_code=202)
def upload(
    user: CurrentUser,
    board: Board,
    files: list[UploadFile] = File(description="One or more files to add to the vault."),
) -> JobOut:
    """Upload files; they are read in a background job (poll ``GET /api/ingest/{job_id}``)."""
    if not files:
        raise FieldError(
            "no file was uploaded: send one or more parts named 'files'", param="files"
        )
    if len(files) > MAX_FILES:
        raise FieldError(
            f"{len(files)} files in one upload: send at most {MAX_FILES}", param="files"
        )
    pasi = user.pasi
    saved = _save_all(pasi, files, pasi.settings.ingest_max_bytes)
    job = board.start(
        user.name, pasi, "upload", [p.name for p in saved],
        lambda syncer, progress: syncer.ingest(saved, progress),
    )  # fmt: skip
    return JobOut.of(job)


@router.get("/ingest", response_model=list[JobOut])
def list_jobs(user: CurrentUser, board: Board) -> list[JobOut]:
    """This user's recent ingest and sync jobs, newest first."""
    return [JobOut.of(job) for job in board.of_user(user.name)]


@router.get("/ingest/{job_id}", response_model=JobOut)
def show_job(user: CurrentUser, board: Board, job_id: str) -> JobOut:
    """A job's progress: files done of total, the file being read, and at the end what came of it."""
    job = board.get(user.name, job_id)
    if job is None:
        raise NotFoundError(f"no ingest job with id '{job_id}' (jobs are kept until a restart)")
    return JobOut.of(job)


@router.post("/sync", response_model=JobOut, status_code=202)
def sync(user: CurrentUser, board: Board) -> JobOut:
    """Re-read every ingested folder and file (as `pasi sync`), in a background job."""
    return JobOut.of(board.start(user.name, user.pasi, "sync", [], lambda s, p: s.sync(p)))


def upload_limit(settings) -> int:
    """The smaller of the ingest limit and the server's request limit."""
    server_limit = getattr(settings, "server_max_request_bytes", settings.ingest_max_bytes)
    return min(settings.ingest_max_bytes, server_limit)


def safe_name(name: str | None) -> str:
    """The file's own name without folders or odd characters; its suffix (the format) is kept."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .")
    stem, suffix = os.path.splitext(cleaned)
    return (stem[:100] or "upload") + suffix[:20]


def _save_all(pasi, uploads: list[UploadFile], limit: int) -> list[Path]:
    """Every upload received and checked first, then all stored: one refused file (too large,
    unreadable) leaves the uploads folder as it was. They are received in a private folder
    (in RAM where possible) and stored through the vault's files, so an encrypted vault keeps
    them sealed and the plaintext never lands beside it."""
    from pasi.ingest.registry import default_connectors

    folder = uploads_dir(pasi)
    folder.mkdir(parents=True, exist_ok=True)
    inbox = private_folder(upload_limit(pasi.settings))  # a request holds at most this much
    try:
        received: dict[str, Path] = {}
        connectors = default_connectors(max_bytes=limit)
        for upload in uploads:
            name = safe_name(upload.filename)
            # the same name twice: last wins
            received[name] = _receive(inbox, name, upload, limit, connectors)
        files = pasi.vault.files
        prefix = folder.relative_to(Path(pasi.vault.directory)).as_posix()
        return [files.write_bytes(f"{prefix}/{name}", temp.read_bytes())
                for name, temp in received.items()]  # fmt: skip
    finally:
        shutil.rmtree(inbox, ignore_errors=True)


def _receive(
    inbox: Path, name: str, upload: UploadFile, limit: int, connectors: Connectors
) -> Path:
    """The upload in the private inbox under its own name, checked."""
    path = inbox / name
    with path.open("wb") as out:
        _copy_limited(upload, out, limit)
    if connectors.for_path(path) is None:
        raise UnsupportedFileError(
            f"pasi cannot read '{upload.filename}': no connector reads this kind of file "
            "(docs/sources.md lists the formats)"
        )
    return path


def _copy_limited(upload: UploadFile, out, limit: int) -> None:
    written = 0
    while chunk := upload.file.read(CHUNK):
        written += len(chunk)
        if written > limit:
            raise TooLargeError(
                f"'{upload.filename}' is larger than the limit of {limit:,} bytes "
                "(setting ingest_max_bytes)"
            )
        out.write(chunk)
