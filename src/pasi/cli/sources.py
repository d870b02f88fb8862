"""``pasi sources``: what is connected; ``show`` how a table was read; ``set-column`` fix it."""

from __future__ import annotations

from typing import Any

import typer

from pasi.cli.common import state
from pasi.cli.render import console, print_json

JSON_HELP = "Print JSON instead of a table."

sources_app = typer.Typer(
    help="Connected folders and files; how tables were read, and corrections.",
    invoke_without_command=True,
)


@sources_app.callback()
def sources(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)
) -> None:
    """Connected folders and files: what each holds, when it was synced, and any errors."""
    if ctx.invoked_subcommand is not None:
        return
    from pasi.vault import items as it

    conn = state(ctx).pasi().vault.read()
    rows = [dict(r) for r in it.source_summaries(conn)]
    errors = [dict(r) for r in it.sync_errors(conn)]
    if as_json:
        print_json({"sources": rows, "errors": errors})
        return
    from rich.table import Table

    table = Table(title="sources")
    for name in ("kind", "uri", "trust", "episodes", "items", "last sync"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(row["kind"], row["uri"], row["trust"], str(row["episodes"]),
                      str(row["items"]), row["synced_at"] or "")  # fmt: skip
    table.caption = f"{len(rows)} source(s), {len(errors)} file(s) with errors"
    console().print(table)
    for error in errors:
        console().print(f"error: {error['reason']} ({error['at']})", markup=False)


def _table_json(table: Any) -> dict[str, Any]:
    return {"table": table.name, "view": table.view, "uri": table.uri, "rows": table.rows,
            "currency": table.currency, "header_row": table.header_row,
            "columns": [c.to_json() for c in table.columns]}  # fmt: skip


def _print_table(table: Any) -> None:
    from rich.table import Table

    shown = Table(title=f"{table.view} ({table.rows} rows) from {table.uri}")
    for name in ("column", "header", "type", "role", "format", "corrected"):
        shown.add_column(name, overflow="fold")
    for c in table.columns:
        fmt = {"date": c.date_order, "money": f"decimal '{c.decimal}'",
               "number": f"decimal '{c.decimal}'"}.get(c.type, "")  # fmt: skip
        shown.add_row(c.name, c.header, c.type, c.role, fmt, "yes" if c.corrected else "")
    shown.caption = (
        f"currency: {table.currency or 'not stated'}; header in row {table.header_row}; "
        "derived columns: pasi_date, pasi_amount (in +, out -), pasi_currency"
    )
    console().print(shown)


@sources_app.command("show")
def show(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The table's file (path or name) or its view name."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """How a table was read: each column's type, role (date, amount, payee...) and format."""
    from pasi.ingest.table_meta import find_table

    table = find_table(state(ctx).pasi().vault.read(), file)
    if as_json:
        print_json(_table_json(table))
        return
    _print_table(table)


@sources_app.command("set-column")
def set_column(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The table's file (path or name) or its view name."),
    column: str = typer.Argument(..., help="The column's name or header."),
    role: str | None = typer.Option(None, "--role", help="date, amount, debit, credit, payee..."),
    kind: str | None = typer.Option(None, "--type", help="integer, number, money, date, text."),
    decimal: str | None = typer.Option(None, "--decimal", help="The decimal mark: '.' or ','."),
    date_order: str | None = typer.Option(
        None, "--date-order", help="dmy (31.12.2024) or mdy (12/31/2024)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Correct how a column is read; its rows are typed again from the raw text (kept)."""
    from pasi.errors import InputError
    from pasi.ingest.table_meta import find_table
    from pasi.ingest.table_meta import set_column as correct

    changes = {k: v for k, v in {"role": role, "type": kind, "decimal": decimal,
                                 "date_order": date_order}.items() if v is not None}  # fmt: skip
    if not changes:
        raise InputError("say what to change: --role, --type, --decimal or --date-order")
    vault = state(ctx).pasi().vault
    table = find_table(vault.read(), file)
    with vault.write() as conn:
        table = correct(conn, table, column, changes)
    if as_json:
        print_json(_table_json(table))
        return
    _print_table(table)
