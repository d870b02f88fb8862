"""``pasi vault migrate SRC DST``: copy a vault between SQLite and PostgreSQL, verified."""

from __future__ import annotations

import typer

from pasi.cli.render import err_console, print_json
from pasi.errors import InputError


def migrate(
    source: str = typer.Argument(
        ..., help="The vault to copy: a directory or a postgresql:// URL."
    ),
    target: str = typer.Argument(..., help="The new, empty vault: a directory or a URL."),
    as_json: bool = typer.Option(False, "--json", help="Print each table's rows and SHA-256."),
) -> None:
    """Copy every table of a vault to another backend, ids kept; then compare row counts and
    a SHA-256 of every table on both sides. A copy stopped half-way leaves the target empty."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pasi.vault.location import open_location
    from pasi.vault.transfer import copy_files, copy_vault

    if source == target:
        raise InputError("the source and the target are the same vault")
    with open_location(source) as src, open_location(target) as dst:
        if src.encrypted or dst.encrypted:
            raise InputError("decrypt the vault first (`pasi vault decrypt`): its files are sealed")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err_console(), transient=True) as bar:
            tasks: dict[str, object] = {}

            def progress(table: str, done: int, total: int) -> None:
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=total or 1)
                bar.update(tasks[table], completed=done if total else 1)  # type: ignore[arg-type]

            checks = copy_vault(src, dst, progress)
        files = copy_files(src.directory, dst.directory)
    if as_json:
        print_json({"tables": [c.__dict__ for c in checks], "files": files})
        return
    rows = sum(c.rows for c in checks)
    err_console().print(
        f"copied {rows:,} rows in {len(checks)} tables and {files} files; every table's row "
        "count and SHA-256 match the original",
        markup=False,
    )
