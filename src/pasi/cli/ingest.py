"""The user's files: ``pasi ingest``, ``pasi sync``, ``pasi sources``, ``pasi people``, ``pasi ask``.

A file that cannot be read is listed with its reason and skipped; the run goes on and the
command still succeeds, because the other files were stored. The summary says what happened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pasi.cli.common import check_utf8, show_time, state
from pasi.cli.render import console, err_console, print_json

if TYPE_CHECKING:
    from pasi.ingest.sync import Syncer, SyncReport

JSON_HELP = "Print JSON instead of a table."


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("sync")(sync)
    from pasi.cli.sources import sources_app

    app.add_typer(sources_app, name="sources")
    app.command("people")(people)
    app.command("ask")(ask)


def _syncer(ctx: typer.Context) -> Syncer:
    from pasi.ingest.sync import Syncer

    pasi = state(ctx).pasi()
    connectors = pasi.connectors()  # a remote vision model only through the privacy gateway
    return Syncer(pasi.memory, max_bytes=pasi.settings.ingest_max_bytes, connectors=connectors)


def _with_progress(run: Any, syncer: Syncer) -> SyncReport:
    """Run ``run(progress)`` under a Rich progress bar (shown only on a terminal); a long
    recording shows how far its transcript has come."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pasi.ingest.audio import clock_text

    stderr = err_console()
    columns = (TextColumn("{task.description}", justify="left"), BarColumn(),
               MofNCompleteColumn())  # fmt: skip
    with Progress(*columns, console=stderr, disable=not stderr.is_terminal) as bar:
        task = bar.add_task("scanning", total=None)

        def progress(name: str, total: int | None) -> None:
            bar.update(task, description=name[:40].ljust(40), total=total, advance=1)

        def heard(name: str, done: float, total: float) -> None:
            text = f"{name[:24]} {clock_text(done)}/{clock_text(total)}"
            bar.update(task, description=text.ljust(40))

        for connector in syncer.connectors.items:
            if connector.name == "audio":
                connector.progress = heard  # type: ignore[attr-defined]
        return run(progress)


def _report(report: SyncReport, as_json: bool) -> None:
    counts = report.counts()
    if as_json:
        print_json({**counts, "failures": [{"path": p, "reason": r} for p, r in report.failed]})
        return
    for _path, reason in report.failed:
        err_console().print(f"failed: {reason}", markup=False)
    shown = ", ".join(f"{n} {name}" for name, n in counts.items() if name != "ignored")
    ignored = f" ({counts['ignored']} files of other kinds ignored)" if counts["ignored"] else ""
    console().print(shown + ignored, markup=False)


def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Files or folders."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add files and folders (recursively) to the vault; folders are re-scanned by `sync`."""
    syncer = _syncer(ctx)
    _report(_with_progress(lambda progress: syncer.ingest(paths, progress), syncer), as_json)


def sync(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Re-scan every ingested folder and file: add new, replace changed, remove deleted."""
    syncer = _syncer(ctx)
    _report(_with_progress(syncer.sync, syncer), as_json)


def people(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1, help="How many people to list."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """People from contacts, email, calendars and chats, merged; last contact and how often."""
    from pasi.vault import items as it

    pasi = state(ctx).pasi()
    rows = it.people_summary(pasi.vault.read(), pasi.clock(), limit)
    found = [{"id": r["id"], "name": r["name"], "aliases": json.loads(r["aliases"]),
              "emails": json.loads(r["attributes"]).get("emails", []), "times": r["times"],
              "last": r["last"], "sources": r["sources"]} for r in rows]  # fmt: skip
    if as_json:
        print_json(found)
        return
    from rich.table import Table

    table = Table(title="people")
    for name in ("id", "name", "emails", "times", "last contact", "sources"):
        table.add_column(name, overflow="fold")
    for p in found:
        table.add_row(str(p["id"]), p["name"], ", ".join(p["emails"]), str(p["times"]),
                      (p["last"] or "")[:16].replace("T", " "), str(p["sources"]))  # fmt: skip
    console().print(table)


def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="A question about your emails, calendar, contacts..."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="Most rows to show."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Answer from your files without a model: filters from the question, rows cited."""
    from pasi.ingest.ask import ask as run_ask

    answer = run_ask(state(ctx).pasi().memory, check_utf8(question, "question"), limit=limit)
    recalled = [{"id": r.id, "kind": r.kind, "text": r.text, "at": r.at and r.at.isoformat(),
                 "source": r.source, "pointer": r.external_id} for r in answer.recalled]  # fmt: skip
    if as_json:
        print_json({"summary": answer.summary, "total": answer.total, "rows": answer.rows,
                    "passages": recalled, "value": answer.value, "unit": answer.unit,
                    "sql": answer.sql, "notes": answer.notes})  # fmt: skip
        return
    console().print(answer.summary, markup=False)
    for note in answer.notes:
        console().print(f"  {note}", markup=False)
    if answer.sql:
        console().print(f"  query (read-only): {answer.sql}", markup=False)
    for row in answer.rows:
        when = (row["at"] or "")[:16].replace("T", " ")
        console().print(f"  [{row['kind']} #{row['id']}] {when} {row['title'] or ''}"
                        f"{' — ' + str(row['detail']) if row['detail'] else ''}"
                        f"  ({row['source']})", markup=False)  # fmt: skip
    for r in answer.recalled:
        console().print(f"  [{r.kind} #{r.id}] {show_time(r.at)} {r.text[:160]!r} "
                        f"({r.source} {r.external_id or ''})", markup=False)  # fmt: skip
