"""``pasi charter``, ``pasi consent`` and ``pasi brief``: what pasi works for, on the user's terms."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

import typer

from pasi.cli.common import state
from pasi.cli.render import console, print_json
from pasi.errors import InputError

charter_app = typer.Typer(
    help="Your charter: goals, values, quiet hours, chat budget, what pasi must never do.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(charter_app, name="charter")
    app.command("consent")(consent)
    app.command("brief")(brief)


def _after_change(ctx: typer.Context) -> None:
    """The morning brief job follows the charter's ``morning_brief`` time."""
    from pasi.life.brief import sync_morning_brief

    pasi = state(ctx).pasi()
    sync_morning_brief(pasi.vault, pasi.clock())


@charter_app.callback()
def show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the charter's fields as JSON."),
) -> None:
    """Show the charter (written with defaults on first use)."""
    if ctx.invoked_subcommand is not None:
        return
    from pasi.life.charter import charter_text, load_charter

    directory = state(ctx).pasi().vault.directory
    charter = load_charter(directory)
    if as_json:
        print_json(charter.to_json())
        return
    console().print(f"[bold]{charter.path}[/bold]\n")
    console().print(charter_text(directory), markup=False, highlight=False, soft_wrap=True)


@charter_app.command("edit")
def edit(ctx: typer.Context) -> None:
    """Open the charter in $EDITOR (or $VISUAL, else vi); it is checked when you close it."""
    from pasi.life.charter import charter_path, load_charter, write_default_charter

    pasi = state(ctx).pasi()
    directory = pasi.vault.directory
    path = charter_path(directory)
    write_default_charter(directory)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    if pasi.vault.encrypted:
        _edit_sealed(directory, editor)
    else:
        _run_editor(editor, path)
    load_charter(directory)  # a mistake is reported now, naming the field; the file is kept
    _after_change(ctx)
    console().print(f"Charter saved: {path}")


def _run_editor(editor: str, path: Path) -> None:
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise InputError(f"could not run the editor '{editor}': {error}") from None


def _edit_sealed(directory: Path, editor: str) -> None:
    """An encrypted vault's charter is edited as a plaintext copy in a private temporary
    directory (in memory when /dev/shm exists), sealed back and the copy deleted."""
    from pasi.life.charter import CHARTER_FILE, charter_text, write_charter_text

    shm = Path("/dev/shm")
    place = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="pasi-charter-", dir=place) as scratch:
        copy = Path(scratch) / CHARTER_FILE  # mkdtemp makes the directory private (0700)
        copy.write_text(charter_text(directory), encoding="utf-8")
        _run_editor(editor, copy)
        write_charter_text(directory, copy.read_text(encoding="utf-8"))


@charter_app.command("set")
def set_field(
    ctx: typer.Context,
    field: str = typer.Argument(..., help="A field, e.g. quiet_start or daily_budget_minutes."),
    value: str = typer.Argument(..., help="Its value; lists (never, people) separated by ';'."),
) -> None:
    """Change one field, keeping the file's comments."""
    from pasi.life.charter import set_charter_field

    set_charter_field(state(ctx).pasi().vault.directory, field, value)
    _after_change(ctx)
    console().print(f"{field} = {value}")


def consent(
    ctx: typer.Context,
    kind: str = typer.Argument(None, help="health, finances, religion, sexuality or politics."),
    answer: str = typer.Argument(None, help="yes or no."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Consent for sensitive memories: list your answers, or answer one (`health yes`)."""
    from pasi.memory.sensitive import answer_consent
    from pasi.vault.consent import all_consent, held_episodes

    pasi = state(ctx).pasi()
    if kind is None:
        conn = pasi.vault.read()
        rows = {k: {"answer": v, "held_turns": len(held_episodes(conn, k))}
                for k, v in all_consent(conn).items()}  # fmt: skip
        if as_json:
            print_json(rows)
            return
        for name, row in rows.items():
            shown = {"yes": "yes", "no": "no", "asked": "asked, no answer yet"}.get(
                row["answer"] or "", "not asked"
            )
            console().print(f"{name:<10} {shown:<22} {row['held_turns']} turn(s) held")
        return
    if answer not in ("yes", "no"):
        raise InputError(f"answer 'yes' or 'no' for {kind}, not '{answer}'")
    with pasi.vault.write() as conn:
        queued = answer_consent(conn, kind, answer == "yes", pasi.clock())
    if as_json:
        print_json({"kind": kind, "answer": answer, "queued_turns": queued})
        return
    if answer == "yes":
        console().print(
            f"pasi will keep {kind} memories, marked sensitive (they never reach a remote "
            f"model). {len(queued)} held turn(s) queued for learning."
        )
    else:
        console().print(f"pasi will not keep {kind} memories. Your conversation is kept as is.")


def brief(
    ctx: typer.Context,
    no_model: bool = typer.Option(False, "--no-model", help="The composed brief, no model."),
    as_json: bool = typer.Option(False, "--json", help="Print the brief and its lines as JSON."),
) -> None:
    """Today's brief: calendar, reminders, goal check-ins, birthdays, people; each line cited."""
    from pasi.life.brief import write_brief

    pasi = state(ctx).pasi()
    model = None if no_model else pasi.chat_model
    result = write_brief(pasi.vault, pasi.clock(), model=model)
    if as_json:
        print_json(result.to_json())
        return
    console().print(result.text, markup=False, highlight=False, soft_wrap=True)
