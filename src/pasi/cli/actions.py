"""``pasi actions``: side-effecting tool calls that wait for the user's consent.

A call waits when the turn that asked for it had read text written by others (an email, a web
page, a shared document): that text may have asked for it. ``approve`` runs exactly the stored
call, ``deny`` records the refusal; both are noted in the conversation. Several numbers answer
the actions one turn showed together at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pasi.cli.common import state
from pasi.cli.render import console, print_json

if TYPE_CHECKING:
    from pasi.agent.actions import Decision
    from pasi.safety.actions import PendingAction

actions_app = typer.Typer(
    help="Side-effecting actions waiting for your consent: list, approve, deny.",
    invoke_without_command=True,
)


@actions_app.callback()
def actions(ctx: typer.Context) -> None:
    """Without a command: the pending actions, as `pasi actions list` shows them."""
    if ctx.invoked_subcommand is None:
        list_actions(ctx, status="pending", as_json=False)


@actions_app.command("list")
def list_actions(
    ctx: typer.Context,
    status: str = typer.Option(
        "pending", "--status", help="pending, approved, denied or all.", metavar="STATUS"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the actions as JSON."),
) -> None:
    """List actions waiting for consent (or, with --status, decided ones)."""
    from pasi.safety import actions as store

    conn = state(ctx).pasi().vault.read()
    found = store.list_actions(conn, None if status == "all" else status)
    if as_json:
        print_json([action.to_json() for action in found])
        return
    out = console()
    if not found:
        out.print(f"no {'' if status == 'all' else status + ' '}actions", markup=False)
    for action in found:
        out.print(describe(action), markup=False)


def describe(action: PendingAction) -> str:
    sources = ", ".join(sorted({p["source"] for p in action.provenance})) or "none"
    return (
        f"#{action.id} [{action.status}] {action.tool} ({action.effect}) {action.arguments}\n"
        f"    why it waits: {action.reason}\n    external sources read: {sources}"
    )


@actions_app.command()
def approve(
    ctx: typer.Context,
    action_ids: list[int] = typer.Argument(
        ..., metavar="ID...", help="The actions' numbers: several are answered together."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Run waiting actions exactly as they were shown (several: all, or none when one of them
    was already decided)."""
    from pasi.agent.actions import approve_all

    pasi = state(ctx).pasi()
    _show(approve_all(pasi.memory, action_ids, clock=pasi.clock), as_json)


@actions_app.command()
def deny(
    ctx: typer.Context,
    action_ids: list[int] = typer.Argument(
        ..., metavar="ID...", help="The actions' numbers: several are answered together."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Refuse waiting actions: none is run, and each refusal is recorded."""
    from pasi.agent.actions import deny_all

    pasi = state(ctx).pasi()
    _show(deny_all(pasi.memory, action_ids, clock=pasi.clock), as_json)


def _show(decisions: list[Decision], as_json: bool) -> None:
    """One action's outcome (as a JSON object), or several (a JSON list)."""
    if as_json:
        found = [decision.action.to_json() for decision in decisions]
        print_json(found[0] if len(found) == 1 else found)
        return
    for decision in decisions:
        action = decision.action
        if decision.result is None:
            console().print(f"denied #{action.id}: {action.tool} was not run", markup=False)
            continue
        outcome = "done" if decision.result.ok else "failed"
        console().print(f"approved #{action.id}: {action.tool} {outcome}: "
                        f"{decision.result.content}", markup=False)  # fmt: skip
