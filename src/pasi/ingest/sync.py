"""Keep the vault in step with the user's files: ``pasi ingest``, ``pasi sync``.

Incremental by content hash: a file whose bytes are unchanged is skipped without parsing;
a changed file is replaced (its chunks are diffed, so unchanged chunks keep their episodes and
the memories that cite them); a deleted file goes with everything derived from it. Each file
is read completely before anything is written and then written in one transaction, so a
broken or hostile file is reported by name and skipped, and a crash loses at most the file in
flight. Folders given to ``pasi ingest`` are remembered as roots that ``pasi sync`` re-scans.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pasi.errors import PasiError
from pasi.ingest.document import Document, IngestError, file_uri, sha256_file
from pasi.ingest.people import People
from pasi.ingest.registry import Connectors, default_connectors
from pasi.ingest.sealed import plaintext_copy, relocate, sealed_name
from pasi.ingest.writer import write_documents
from pasi.memory.store import MemoryStore
from pasi.vault import episodes as ep
from pasi.vault import items as it

ROOT_PREFIX = "folder:"
Progress = Callable[[str, int | None], None]  # (file name, total files when known)


@dataclass
class SyncReport:
    """What one run did, file by file; ``failed`` holds (path, reason)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in
                ("added", "updated", "removed", "skipped", "failed", "ignored")}  # fmt: skip


@dataclass(frozen=True)
class _Known:
    source_id: int
    content_hash: str | None


def walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in a stable order, skipping hidden files and folders (.git,
    .obsidian, .trash) and never following symbolic links out of the tree."""
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not name.startswith(".") and not path.is_symlink():
                yield path


class Syncer:
    def __init__(
        self,
        store: MemoryStore,
        *,
        max_bytes: int,
        connectors: Connectors | None = None,
    ) -> None:
        self.store = store
        self.vault = store.vault
        self.clock = store.clock
        self.max_bytes = max_bytes
        self.connectors = connectors or default_connectors(max_bytes=max_bytes, clock=self.clock)
        self.people = People()

    # -- entry points --------------------------------------------------------------------------

    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> SyncReport:
        """Add files and folders (recursively); folders are remembered for ``sync``."""
        report = SyncReport()
        roots: list[Path] = []
        for given in paths:
            path = Path(given).expanduser()
            if not path.exists():
                report.failed.append((str(given), f"no such file or folder: {given}"))
                continue
            roots.append(path.resolve())
        self._remember_roots([r for r in roots if r.is_dir()])
        self._run(roots, report, progress, explicit={r for r in roots if r.is_file()})
        return report

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Re-scan every folder root and every file ingested on its own."""
        report = SyncReport()
        conn = self.vault.read()
        roots = [Path(s.uri.removeprefix(ROOT_PREFIX)) for s in ep.list_sources(conn)
                 if s.kind == "folder"]  # fmt: skip
        singles = [p for p in self._known_files() if not any(p.is_relative_to(r) for r in roots)]
        for root in roots:
            if not root.is_dir():
                report.failed.append((str(root), f"the folder {root} is gone or not a folder"))
        present = [r for r in roots if r.is_dir()]
        for path in singles:
            if not path.exists():
                self._remove(path, report)
        self._run([*present, *(p for p in singles if p.exists())], report, progress,
                  explicit=set(singles))  # fmt: skip
        self._touch_roots(present)
        return report

    # -- the run -------------------------------------------------------------------------------

    def _run(
        self, roots: list[Path], report: SyncReport, progress: Progress | None, explicit: set[Path]
    ) -> None:
        known = self._known()
        files = list(dict.fromkeys(f.resolve() for root in roots for f in walk(root)))
        for path in files:
            if progress:
                progress(path.name, len(files))
            self._sync_file(path, known.get(file_uri(path)), report, explicit=path in explicit)
        for root in (r for r in roots if r.is_dir()):
            seen = set(files)
            for path in self._known_files():
                if path.is_relative_to(root) and path not in seen:
                    self._remove(path, report)
        self._touch_roots([r for r in roots if r.is_dir()])

    def _sync_file(
        self, path: Path, known: _Known | None, report: SyncReport, *, explicit: bool
    ) -> None:
        name = str(path)
        try:
            digest, documents = self._read(path, known)
        except _Unsupported:
            if explicit:
                self._fail(path, f"{path}: no connector reads this kind of file", report)
            else:
                report.ignored.append(name)
            return
        except IngestError as error:
            self._fail(path, str(error), report)
            return
        except Exception as error:  # a hostile file can make any parser raise anything
            self._fail(path, f"{path}: {type(error).__name__}: {error}", report)
            return
        if documents is None:
            report.skipped.append(name)
            return
        try:
            write_documents(self.store, self.people, path, digest, documents)
        except (PasiError, sqlite3.Error, ValueError) as error:
            self.people.forget_cache()  # the transaction rolled back: cached ids may be gone
            self._fail(path, f"{path}: could not be stored: {error}", report)
            return
        (report.updated if known else report.added).append(name)

    def _read(self, path: Path, known: _Known | None) -> tuple[str, list[Document] | None]:
        files = getattr(self.vault, "files", None)
        name = sealed_name(files, path)
        if name is None:
            return self._read_plain(path, known)
        with plaintext_copy(files, name) as copy:  # an upload sealed in an encrypted vault
            try:
                digest, documents = self._read_plain(copy, known)
            except IngestError as error:
                raise IngestError(str(error).replace(str(copy), str(path))) from None
            return digest, None if documents is None else relocate(documents, copy, path)

    def _read_plain(self, path: Path, known: _Known | None) -> tuple[str, list[Document] | None]:
        connector = self.connectors.for_path(path)
        if connector is None:
            raise _Unsupported
        size = path.stat().st_size
        if size > self.max_bytes:
            raise IngestError(
                f"{path}: {size:,} bytes is larger than the limit of {self.max_bytes:,} "
                "(setting ingest_max_bytes)"
            )
        digest = sha256_file(path)
        if known is not None and known.content_hash == digest:
            return digest, None
        return digest, list(connector.read(path))

    def _fail(self, path: Path, reason: str, report: SyncReport) -> None:
        report.failed.append((str(path), reason))
        with self.vault.write() as conn:
            it.record_error(conn, str(path), None, reason, self.clock())

    def _remove(self, path: Path, report: SyncReport) -> None:
        from pasi.ingest.writer import remove_source

        remove_source(self.store, file_uri(path), str(path))
        self.people.forget_cache()  # entities nobody names any more were dropped
        report.removed.append(str(path))

    # -- sources -------------------------------------------------------------------------------

    def _known(self) -> dict[str, _Known]:
        rows = self.vault.read().execute(
            "SELECT id, uri, content_hash FROM sources WHERE kind = 'file'"
        )
        return {r["uri"]: _Known(r["id"], r["content_hash"]) for r in rows}

    def _known_files(self) -> list[Path]:
        return [Path(uri.removeprefix("file:")) for uri in self._known()]

    def _remember_roots(self, roots: list[Path]) -> None:
        now = self.clock()
        with self.vault.write() as conn:
            for root in roots:
                ep.ensure_source(conn, kind="folder", uri=f"{ROOT_PREFIX}{root}", now=now,
                                 title=root.name)  # fmt: skip

    def _touch_roots(self, roots: list[Path]) -> None:
        from pasi.clock import to_iso

        with self.vault.write() as conn:
            conn.executemany(
                "UPDATE sources SET synced_at = ? WHERE uri = ?",
                [(to_iso(self.clock()), f"{ROOT_PREFIX}{r}") for r in roots],
            )


class _Unsupported(Exception):
    """No connector reads this file: ignored in a folder, an error when named explicitly."""
