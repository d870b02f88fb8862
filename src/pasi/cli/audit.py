"""``pasi audit``: what left the machine. Every call to a remote model, as it was sent."""

from __future__ import annotations

import typer

from pasi.cli.common import parse_when, state
from pasi.cli.render import console, print_json


def register(app: typer.Typer) -> None:
    app.command()(audit)


def audit(
    ctx: typer.Context,
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Only entries at or after DATE ('yesterday')."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many, newest first."),
    full: bool = typer.Option(False, "--full", help="Print each request's pseudonymised text."),
    as_json: bool = typer.Option(False, "--json", help="Print the entries as JSON."),
    delete_before: str | None = typer.Option(
        None, "--delete-before", metavar="DATE", help="Delete the entries older than DATE."
    ),
) -> None:
    """List remote model calls: when, endpoint, model, digest and the pseudonymised request."""
    from pasi.privacy.audit import AuditLog

    pasi = state(ctx).pasi()
    if delete_before is not None:
        deleted = AuditLog(pasi.vault).delete_remote_calls(parse_when(delete_before))
        console().print(f"deleted {deleted} audit entr{'y' if deleted == 1 else 'ies'}")
        return
    entries = AuditLog(pasi.vault).entries(since=parse_when(since) if since else None, limit=limit)
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    out = console()
    if not entries:
        out.print("nothing has been sent to a remote model", markup=False)
        return
    for entry in entries:
        head = f"#{entry.id} {entry.at:%Y-%m-%d %H:%M:%S} {entry.actor} {entry.action}"
        out.print(f"{head} {entry.model or ''} at {entry.endpoint or '?'}", markup=False)
        out.print(f"  sha256 {entry.digest}", markup=False)
        if full and entry.payload:
            for message in entry.to_json()["payload"].get("messages", []):
                out.print(f"  {message['role']}: {message['content']}", markup=False)
