"""The ``pasi`` application: global options, the command groups, and how errors reach the user.

A :class:`~pasi.errors.PasiError` becomes one line on stderr (``error: ...``) and its exit
code; only a bug shows a traceback. Commands live in their own modules and import the heavy
parts of pasi inside their functions, so starting the CLI stays fast.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from pasi.cli import actions as actions_cli
from pasi.cli import audit as audit_cli
from pasi.cli import bench, chat, io, memories, why
from pasi.cli import capture as capture_cli
from pasi.cli import charter as charter_cli
from pasi.cli import ingest as ingest_cli
from pasi.cli import life as life_cli
from pasi.cli import matrix as matrix_cli
from pasi.cli import mcp as mcp_cli
from pasi.cli import models as models_cli
from pasi.cli import privacy as privacy_cli
from pasi.cli import safety as safety_cli
from pasi.cli import serve as serve_cli
from pasi.cli import vault as vault_cli
from pasi.cli import voice as voice_cli
from pasi.cli.common import State
from pasi.cli.logs import start_logging
from pasi.errors import PasiError


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr, whatever the message holds, then the exit code."""
    line = " ".join(message.split())
    sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


class PasiGroup(TyperGroup):
    """The root group: every command runs inside its error handling."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PasiError as error:
            fail(str(error), error.exit_code)
        except sqlite3.DatabaseError as error:  # disk full, database locked, damaged file
            fail(f"the vault database failed: {error}", 1)


app = typer.Typer(
    name="pasi",
    cls=PasiGroup,
    help="pasi: a personal AI memory that runs on your machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from pasi import __version__

        typer.echo(f"pasi {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    vault: str | None = typer.Option(  # a str: the vault code, not click, explains bad paths
        None,
        "--vault",
        metavar="DIR",
        help="Vault directory (default: setting 'vault').",
        show_default=False,
    ),
    embedder: str | None = typer.Option(
        None,
        "--embedder",
        metavar="NAME",
        help="Embedder: 'wordllama' or 'none'.",
        show_default=False,
    ),
    verbose: bool = typer.Option(
        False, "--verbose", help="Also print log records (model requests, warnings) on stderr."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """pasi: a personal AI memory that runs on your machine."""
    flags = {"vault": Path(vault) if vault else None, "embedder": embedder}
    ctx.obj = State(flags, logs=start_logging(verbose=verbose))
    ctx.call_on_close(ctx.obj.close)


memories.register(app)
io.register(app)
chat.register(app)
why.register(app)
audit_cli.register(app)
ingest_cli.register(app)
vault_cli.register(app)
serve_cli.register(app)
mcp_cli.register(app)
life_cli.register(app)
charter_cli.register(app)
capture_cli.register(app)
voice_cli.register(app)
matrix_cli.register(app)
app.add_typer(memories.memories_app, name="memories")
app.add_typer(bench.bench_app, name="bench")
app.add_typer(actions_cli.actions_app, name="actions")
app.add_typer(models_cli.models_app, name="models")
app.add_typer(privacy_cli.privacy_app, name="privacy")
app.add_typer(safety_cli.safety_app, name="safety")


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # e.g. `pasi export | head`: the reader left, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
