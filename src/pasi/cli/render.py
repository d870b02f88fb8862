"""Tables and JSON objects for memories and recall results, shared by several commands."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from pasi.cli.common import iso, show_time

if TYPE_CHECKING:
    from pasi.memory.retrieval import Recalled
    from pasi.vault.records import Episode, Memory, Source


def console() -> Console:
    # Built per call so tests that swap sys.stdout see the output.
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def recalled_json(result: Recalled) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "id": result.id,
        "text": result.text,
        "score": result.score,
        "at": iso(result.at),
        "speaker": result.speaker,
        "source": result.source,
        "session": result.session,
        "current": result.current,
        "evidence": list(result.evidence),
        "external_id": result.external_id,
    }


def provenance(result: Recalled) -> str:
    """Where a result came from, short enough for a table cell."""
    if result.kind == "memory":
        parts = [f"memory #{result.id}"]
        if not result.current:
            parts.append("superseded")
        if result.evidence:
            parts.append("from turns " + ", ".join(f"#{e}" for e in result.evidence))
        return "; ".join(parts)
    parts = [result.source or "?"]
    if result.session:
        parts.append(f"session {result.session}")
    parts.append(f"turn #{result.id}" + (f" ({result.external_id})" if result.external_id else ""))
    return " · ".join(parts)


def recall_table(results: list[Recalled]) -> Table:
    table = Table(show_lines=False)
    for name in ("#", "score", "kind", "text", "when", "speaker", "source"):
        table.add_column(name, overflow="fold")
    for rank, r in enumerate(results, start=1):
        table.add_row(
            str(rank), f"{r.score:.3f}", r.kind, r.text, show_time(r.at), r.speaker or "",
            provenance(r),
        )  # fmt: skip
    return table


def memory_json(memory: Memory) -> dict[str, Any]:
    return {
        "id": memory.id,
        "text": memory.text,
        "kind": memory.kind,
        "subject": memory.subject,
        "valid_from": iso(memory.valid_from),
        "valid_to": iso(memory.valid_to),
        "recorded_at": iso(memory.recorded_at),
        "confidence": memory.confidence,
        "superseded_by": memory.superseded_by,
        "sensitivity": memory.sensitivity,
        "source_id": memory.source_id,
        "note": memory.note,
        "evidence": list(memory.evidence),
        "current": memory.is_current,
    }


def status(memory: Memory) -> str:
    if memory.superseded_by is not None:
        return f"superseded by #{memory.superseded_by}"
    return "current" if memory.is_current else f"ended {show_time(memory.valid_to)}"


def memories_table(memories: list[Memory], title: str | None = None) -> Table:
    table = Table(title=title)
    for name in ("id", "kind", "subject", "text", "valid from", "recorded", "status"):
        table.add_column(name, overflow="fold")
    for m in memories:
        table.add_row(
            str(m.id), m.kind, m.subject, m.text, show_time(m.valid_from),
            show_time(m.recorded_at), status(m),
        )  # fmt: skip
    return table


def evidence_table(episodes: list[Episode], sources: dict[int, Source]) -> Table:
    table = Table(title="evidence")
    for name in ("turn", "when", "speaker", "text", "source"):
        table.add_column(name, overflow="fold")
    for e in episodes:
        source = sources.get(e.source_id)
        where = source.uri if source else "?"
        if e.session:
            where += f" · session {e.session}"
        table.add_row(f"#{e.id}", show_time(e.occurred_at), e.speaker or e.role, e.text, where)
    return table
