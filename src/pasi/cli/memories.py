"""Commands on memories: remember, recall, and the ``memories`` group (list, show, edit...)."""

from __future__ import annotations

import sys

import typer

from pasi.cli.common import parse_when, state, text_argument
from pasi.cli.render import (
    console,
    evidence_table,
    memories_table,
    memory_json,
    print_json,
    recall_table,
    recalled_json,
    status,
)
from pasi.errors import InputError

memories_app = typer.Typer(help="List, show, correct and forget memories.", no_args_is_help=True)

KINDS_HELP = "fact, preference, event, plan or relationship"


def register(app: typer.Typer) -> None:
    app.command()(remember)
    app.command()(recall)


def remember(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The statement, or '-' to read it from stdin."),
    kind: str = typer.Option("fact", "--kind", help=f"Kind of memory: {KINDS_HELP}."),
    subject: str = typer.Option("user", "--subject", metavar="NAME", help="Who it is about."),
    when: str | None = typer.Option(
        None, "--when", metavar="DATE", help="When it became true (YYYY-MM-DD or ISO 8601)."
    ),
) -> None:
    """Store a statement as a memory."""
    statement = text_argument(text, "statement")
    valid_from = parse_when(when) if when else None
    memory = (
        state(ctx)
        .pasi()
        .memory.remember(statement, kind=kind, subject=subject, valid_from=valid_from)
    )
    console().print(
        f"remembered #{memory.id} ({memory.kind}, about {memory.subject}): {memory.text}",
        markup=False,
    )


def recall(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="What to look for, or '-' to read it from stdin."),
    k: int | None = typer.Option(
        None, "-k", "--k", min=1, max=200, help="Number of results (default: setting recall_k)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """Search memories and conversation turns, best first, with where each came from."""
    text = text_argument(query, "question")
    cli = state(ctx)
    results = cli.pasi().memory.recall(text, k or cli.settings().recall_k)
    if as_json:
        print_json([recalled_json(r) for r in results])
    elif not results:
        console().print("nothing found", markup=False)
    else:
        console().print(recall_table(results))


@memories_app.command("list")
def list_memories(
    ctx: typer.Context,
    include_all: bool = typer.Option(False, "--all", help="Include superseded memories."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """List current memories, newest first."""
    found = state(ctx).pasi().memory.list(include_superseded=include_all)
    if as_json:
        print_json([memory_json(m) for m in found])
    elif not found:
        console().print("no memories yet: add one with 'pasi remember TEXT'", markup=False)
    else:
        console().print(memories_table(found))


@memories_app.command()
def show(
    ctx: typer.Context,
    memory_id: int = typer.Argument(..., metavar="ID", help="The memory's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show one memory with its evidence turns, their sources, and its history."""
    from pasi.vault import episodes as ep

    memory_store = state(ctx).pasi().memory
    memory = memory_store.get(memory_id)
    conn = memory_store.vault.read()
    found = ep.get_episodes(conn, memory.evidence)
    evidence = [found[i] for i in memory.evidence if i in found]
    history = memory_store.history(memory_id)
    if as_json:
        print_json(
            memory_json(memory)
            | {"evidence_turns": [_episode_json(e) for e in evidence]}
            | {"history": [memory_json(m) for m in history]}
        )
        return
    out = console()
    out.print(f"memory #{memory.id} ({memory.kind}, about {memory.subject}, {status(memory)})")
    out.print(memory.text, markup=False)
    if memory.note:
        out.print(f"note: {memory.note}", markup=False)
    if evidence:
        sources = {s.id: s for s in ep.list_sources(conn)}
        out.print(evidence_table(evidence, sources))
    if len(history) > 1:
        out.print(memories_table(history, title="history"))


def _episode_json(e) -> dict:
    return {
        "id": e.id, "source_id": e.source_id, "session": e.session, "speaker": e.speaker,
        "role": e.role, "text": e.text, "occurred_at": e.occurred_at and e.occurred_at.isoformat(),
        "external_id": e.external_id,
    }  # fmt: skip


@memories_app.command()
def edit(
    ctx: typer.Context,
    memory_id: int = typer.Argument(..., metavar="ID", help="The memory to correct."),
    text: str = typer.Argument(..., help="The corrected statement, or '-' for stdin."),
) -> None:
    """Correct a memory: the old version is kept in its history, never overwritten."""
    statement = text_argument(text, "statement")
    new = state(ctx).pasi().memory.correct(memory_id, statement)
    console().print(f"memory #{memory_id} is superseded by #{new.id}: {new.text}", markup=False)


@memories_app.command()
def forget(
    ctx: typer.Context,
    memory_id: int = typer.Argument(..., metavar="ID", help="The memory to erase."),
    with_evidence: bool = typer.Option(
        False, "--with-evidence", help="Also erase the conversation turns it came from."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase a memory and the versions it replaced (this one really deletes)."""
    memory_store = state(ctx).pasi().memory
    memory = memory_store.get(memory_id)
    if not yes:
        _confirm_forget(memory_id, memory.text, with_evidence)
    report = memory_store.forget(memory_id, with_evidence=with_evidence)
    console().print(
        f"forgot {report.memories} memory version(s) and {report.episodes} turn(s)", markup=False
    )


def _confirm_forget(memory_id: int, text: str, with_evidence: bool) -> None:
    """Ask on a terminal; without one there is nobody to ask, so refuse instead of hanging."""
    if not sys.stdin.isatty():
        raise InputError(
            f"not erasing memory {memory_id} without confirmation: pass --yes "
            "(stdin is not a terminal, so pasi cannot ask)"
        )
    what = " and the turns it came from" if with_evidence else ""
    if not typer.confirm(f'Erase memory #{memory_id} "{text}"{what}? This cannot be undone'):
        raise typer.Exit(1)


@memories_app.command()
def history(
    ctx: typer.Context,
    memory_id: int = typer.Argument(..., metavar="ID", help="Any version of the memory."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """Every version of a memory, oldest first."""
    versions = state(ctx).pasi().memory.history(memory_id)
    if as_json:
        print_json([memory_json(m) for m in versions])
    else:
        console().print(memories_table(versions, title=f"history of memory #{memory_id}"))


@memories_app.command()
def pending(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of tables."),
) -> None:
    """Turns not yet learned from, and memories held back from storing, each with the reason."""
    learner = state(ctx).pasi().learner
    waiting, held = learner.pending(), learner.held_memories()
    if as_json:
        print_json([_job_json(j) for j in waiting] + [_held_json(h) for h in held])
        return
    if not waiting and not held:
        console().print("nothing pending: every queued turn has been learned from", markup=False)
    if waiting:
        console().print(_jobs_table(waiting))
    if held:
        console().print(_held_table(held))


def _job_json(job) -> dict:
    return {
        "type": "job", "id": job.id, "status": job.status, "attempts": job.attempts,
        "model": job.model, "episode_ids": list(job.episode_ids), "error": job.error,
        "raw_output": job.raw_output, "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
    }  # fmt: skip


def _held_json(item) -> dict:
    return {
        "type": "held", "id": item.id, "status": "held", "text": item.text, "kind": item.kind,
        "subject": item.subject, "confidence": item.confidence, "reason": item.reason,
        "episode_ids": list(item.evidence), "model": item.model,
        "created_at": item.created_at.isoformat(),
    }  # fmt: skip


def _jobs_table(waiting: list):
    from rich.table import Table

    table = Table(title="extraction jobs not yet learned from")
    for column in ("job", "status", "tries", "turns", "error", "raw output"):
        table.add_column(column, overflow="fold")
    for job in waiting:
        raw = (job.raw_output or "").replace("\n", " ")
        table.add_row(
            str(job.id), job.status, str(job.attempts), ",".join(map(str, job.episode_ids)),
            job.error or "", raw[:200] + ("…" if len(raw) > 200 else ""),
        )  # fmt: skip
    return table


def _held_table(held: list):
    from rich.table import Table

    table = Table(title="memories held back: not stored, for you to check")
    for column in ("held", "about", "memory", "turns", "why"):
        table.add_column(column, overflow="fold")
    for item in held:
        table.add_row(
            str(item.id), item.subject, item.text, ",".join(map(str, item.evidence)), item.reason
        )
    return table


def _date_option(value: str | None, option: str):
    if value is None:
        return None
    try:
        return parse_when(value)
    except InputError:
        raise InputError(
            f"cannot read the date '{value}' given to {option}: use YYYY-MM-DD"
        ) from None


@memories_app.command()
def reextract(
    ctx: typer.Context,
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Only turns said on or after DATE."
    ),
    until: str | None = typer.Option(
        None, "--until", metavar="DATE", help="Only turns said before DATE."
    ),
    failed_only: bool = typer.Option(
        False, "--failed-only", help="Only re-run the extractions that failed."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Learn memories again from stored turns with the current model (duplicates are skipped)."""
    start, end = _date_option(since, "--since"), _date_option(until, "--until")
    report = state(ctx).pasi().learner.reextract(since=start, until=end, failed_only=failed_only)
    if as_json:
        print_json(vars(report))
        return
    console().print(
        f"{report.done} extraction(s) done, {report.failed} failed: {report.added} memories "
        f"added, {report.superseded} superseded, {report.unchanged} already known",
        markup=False,
    )
    if report.failed:
        console().print("see 'pasi memories pending' for the errors", markup=False)
        raise typer.Exit(1)
