"""Data in and out: ``pasi import``, ``pasi export`` and ``pasi stats``.

Import reads and checks every file before writing anything, so a malformed file changes
nothing. Conversation turns are then written in batches of ``BATCH`` (one transaction each):
a crash loses at most the batch in flight, and importing again adds only what is missing.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pasi.cli.common import existing_file, state
from pasi.cli.render import console, err_console, print_json
from pasi.errors import InputError

if TYPE_CHECKING:
    from pasi.config import Settings
    from pasi.ingest.conversations import Conversation
    from pasi.ingest.export_jsonl import ExportData
    from pasi.memory.store import MemoryStore


PLURALS = {"source": "sources", "episode": "episodes", "memory": "memories", "entity": "entities",
           "row": "rows"}  # fmt: skip


def counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind if n == 1 else PLURALS[kind]}" for kind, n in counts.items())


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    app.command("export")(export)
    app.command()(stats)


@dataclass
class Planned:
    """One input file, read and checked: either conversations or a pasi export."""

    path: Path
    conversations: list[Conversation] | None = None
    export: ExportData | None = None

    @property
    def size(self) -> int:
        if self.export is not None:
            return sum(len(v) for v in self.export.records.values())
        return sum(len(c.turns) for c in self.conversations or [])


def _plan(path: Path, settings: Settings) -> Planned:
    from pasi.ingest.conversations import read_conversations
    from pasi.ingest.export_jsonl import is_export, read_export
    from pasi.memory.text import check_statement
    from pasi.privacy.sealed import is_sealed

    existing_file(path)
    if is_sealed(path):
        return Planned(path, export=read_export(path, _unsealed(path, settings)))
    if is_export(path):
        return Planned(path, export=read_export(path))
    conversations = list(read_conversations(path))
    for conversation in conversations:
        for index, turn in enumerate(conversation.turns):
            try:
                check_statement(turn.text, what="turn")
            except InputError as error:
                raise InputError(f"{path}: {conversation.uri} turn {index + 1}: {error}") from None
    return Planned(path, conversations=conversations)


def import_files(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ..., metavar="FILE...", help="Conversation files (pasi, LoCoMo, LongMemEval) or exports."
    ),
) -> None:
    """Import conversation files or a pasi export; importing twice adds nothing twice."""
    plans = [_plan(path, state(ctx).settings()) for path in files]
    memory = state(ctx).pasi().memory
    rows = _write_all(memory, plans)
    table = _summary_table(rows)
    console().print(table)


def _write_all(memory: MemoryStore, plans: list[Planned]) -> list[dict[str, Any]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress_console = err_console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    rows = []
    with Progress(
        *columns, console=progress_console, disable=not progress_console.is_terminal
    ) as progress:
        for plan in plans:
            task = progress.add_task(plan.path.name, total=plan.size)
            advance = lambda n, task=task: progress.advance(task, n)  # noqa: E731
            if plan.export is not None:
                rows.append(_restore(memory, plan, advance))
            else:
                rows.extend(_record(memory, plan, advance))
    return rows


def _record(memory: MemoryStore, plan: Planned, advance) -> list[dict[str, Any]]:
    from pasi.memory.store import BATCH

    rows = []
    for conversation in plan.conversations or []:
        added = 0
        turns = conversation.turns
        for start in range(0, len(turns), BATCH):
            ids = memory.record_turns(
                turns[start : start + BATCH],
                source_uri=conversation.uri,
                source_kind="conversation",
                title=conversation.title,
                trust=conversation.trust,
            )
            added += sum(i is not None for i in ids)
            advance(len(ids))
        rows.append({"file": plan.path.name, "what": conversation.uri, "turns": len(turns),
                     "added": added, "skipped": len(turns) - added})  # fmt: skip
    return rows


def _restore(memory: MemoryStore, plan: Planned, advance) -> dict[str, Any]:
    from pasi.ingest.restore import restore

    report = restore(memory, plan.export, advance)  # type: ignore[arg-type]
    added = sum(report.added.values())
    skipped = sum(report.skipped.values())
    detail = counted(report.added)
    return {"file": plan.path.name, "what": f"pasi export ({detail})", "turns": added + skipped,
            "added": added, "skipped": skipped}  # fmt: skip


def _summary_table(rows: list[dict[str, Any]]):
    from rich.table import Table

    table = Table(title="import")
    for name, justify in (("file", "left"), ("conversation", "left"), ("records", "right"),
                          ("added", "right"), ("already present", "right")):  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(row["file"], row["what"], str(row["turns"]), str(row["added"]),
                      str(row["skipped"]))  # fmt: skip
    total_added = sum(r["added"] for r in rows)
    total_skipped = sum(r["skipped"] for r in rows)
    table.caption = (
        f"{len(rows)} conversation(s): {total_added} added, {total_skipped} already present"
    )
    return table


def _unsealed(path: Path, settings: Settings) -> io.BytesIO:
    """An encrypted export decrypted in memory (never as a plaintext file on disk)."""
    from pasi.cli.unlock import current_passphrase
    from pasi.privacy.sealed import unseal_chunks

    passphrase = current_passphrase(settings, f"of the encrypted export {path}")
    if passphrase is None:
        raise InputError(
            f"{path} is encrypted: give its passphrase (PASI_PASSPHRASE or a terminal)"
        )
    return io.BytesIO(b"".join(unseal_chunks(path, passphrase)))


def _decrypt_export(sealed: Path, file: str, settings: Settings) -> None:
    from pasi.cli.unlock import current_passphrase
    from pasi.privacy.export import write_unsealed

    existing_file(sealed)
    passphrase = current_passphrase(settings, f"of the encrypted export {sealed}")
    if passphrase is None:
        raise InputError(
            f"{sealed} is encrypted: give its passphrase (PASI_PASSPHRASE or a terminal)"
        )
    write_unsealed(sealed, passphrase, None if file == "-" else Path(file), sys.stdout.buffer)


def export(
    ctx: typer.Context,
    file: str = typer.Argument("-", metavar="[FILE|-]", help="Where to write; '-' is stdout."),
    plaintext: bool = typer.Option(
        False, "--plaintext", help="Export an encrypted vault without encrypting the file."
    ),
    decrypt: Path | None = typer.Option(
        None, "--decrypt", metavar="SEALED", help="Decrypt an encrypted export into FILE instead."
    ),
) -> None:
    """Write the whole vault as JSON Lines (format in docs/formats.md); encrypted if the vault is."""
    from pasi.privacy.export import (
        export_to_path,
        sealed_export_to_path,
        write_export,
        write_sealed_export,
    )

    if decrypt is not None:
        _decrypt_export(decrypt, file, state(ctx).settings())
        return
    vault = state(ctx).pasi().vault
    if vault.encrypted and not plaintext:
        if file == "-":
            if sys.stdout.isatty():
                raise InputError(
                    "the export of an encrypted vault is encrypted binary data: give a FILE, "
                    "pipe it, or add --plaintext"
                )
            write_sealed_export(vault, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        counts = sealed_export_to_path(vault, Path(file))
        err_console().print(f"exported {counted(counts)} to {file} (encrypted)", markup=False)
        return
    if file == "-":
        write_export(vault, sys.stdout)
        sys.stdout.flush()
        return
    counts = export_to_path(vault, Path(file))
    err_console().print(f"exported {counted(counts)} to {file}", markup=False)


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Counts of what the vault holds, where it is and how big it is."""
    figures = vault_stats(state(ctx).pasi().memory)
    if as_json:
        print_json(figures)
        return
    from rich.table import Table

    table = Table(title="pasi vault", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    for key, value in figures.items():
        shown = _size(value) if key == "size_bytes" else str(value)
        table.add_row(key.replace("_bytes", "").replace("_", " "), shown)
    console().print(table)


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def vault_stats(memory: MemoryStore) -> dict[str, Any]:
    from pasi.vault import memories as mem
    from pasi.vault import search
    from pasi.vault.migrations import SCHEMA_VERSION

    vault = memory.vault
    conn = vault.read()
    current, superseded = mem.count_memories(conn)
    count = lambda table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
    return {
        "vault": str(vault.directory),
        "size_bytes": vault.size_bytes(),
        "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "schema_version_supported": SCHEMA_VERSION,
        "sources": count("sources"),
        "episodes": count("episodes"),
        "memories_current": current,
        "memories_superseded": superseded,
        "entities": count("entities"),
        "index_units": search.count_units(conn),
    }
