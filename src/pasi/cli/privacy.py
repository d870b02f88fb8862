"""``pasi privacy``: which sources may reach cloud models, and what the privacy gateway sends."""

from __future__ import annotations

import typer

from pasi.cli.common import state, text_argument
from pasi.cli.render import console, print_json

privacy_app = typer.Typer(
    help="What may reach cloud models: sources kept local, and a preview of what is sent.",
    no_args_is_help=True,
)
JSON_HELP = "Print the result as JSON."


@privacy_app.command("sources")
def sources(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)
) -> None:
    """Every source and whether it may reach a remote model."""
    from pasi.privacy.sources import source_policies

    found = source_policies(state(ctx).pasi().vault.read())
    if as_json:
        print_json([p.to_json() for p in found])
        return
    _table(found)


@privacy_app.command("keep-local")
def keep_local(
    ctx: typer.Context,
    targets: list[str] = typer.Argument(..., help="Source numbers, files, folders or URIs."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Never send these sources to a remote model, not even pseudonymised."""
    _mark(ctx, targets, allowed=False, as_json=as_json)


@privacy_app.command("allow-remote")
def allow_remote(
    ctx: typer.Context,
    targets: list[str] = typer.Argument(..., help="Source numbers, files, folders or URIs."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Let these sources reach remote models again, pseudonymised."""
    _mark(ctx, targets, allowed=True, as_json=as_json)


@privacy_app.command("preview")
def preview(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The text, or '-' to read it from stdin."),
) -> None:
    """Print TEXT as the privacy gateway would send it to a remote model."""
    from pasi.privacy.detect import PiiDetector
    from pasi.privacy.names import load_known_names
    from pasi.privacy.pseudonyms import Pseudonyms

    pasi = state(ctx).pasi()
    detector = PiiDetector(load_known_names(pasi.vault.read()), pasi.settings.phone_regions)
    console().print(Pseudonyms(detector).mask(text_argument(text, "TEXT")), markup=False)


@privacy_app.command("mask")
def mask(
    ctx: typer.Context,
    file: str = typer.Argument("-", help="A text file, or '-' (the default) to read stdin."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help='Each line is a JSON object {"text": ...}, not plain text.'
    ),
) -> None:
    """Print each line as the privacy gateway would send it to a remote model, as JSON lines."""
    from pasi.cli.mask import mask_lines

    mask_lines(state(ctx).pasi(), file, jsonl=jsonl)


def _mark(ctx: typer.Context, targets: list[str], *, allowed: bool, as_json: bool) -> None:
    from pasi.privacy.sources import set_remote_ok

    changed = set_remote_ok(state(ctx).pasi().vault, targets, allowed)
    if as_json:
        print_json([p.to_json() for p in changed])
        return
    _table(changed)


def _table(found: list) -> None:
    from rich.table import Table

    table = Table(title="sources and cloud models")
    for name in ("id", "kind", "uri", "cloud models", "turns", "items"):
        table.add_column(name, overflow="fold")
    for p in found:
        where = "allowed (pseudonymised)" if p.remote_ok else "kept local"
        table.add_row(str(p.id), p.kind, p.uri, where, str(p.episodes), str(p.items))
    console().print(table)
