"""The user's answer to a pending action: approve runs the stored call, deny records a no.

Both are written into the conversation the action came from, so the next turn (and
``pasi why``) knows what happened. Approving runs exactly the stored call (tool name and
argument JSON as the user saw them) through the ungated toolset, once: a second decision on
the same action is refused. The calls a turn held in one round are shown together, and
:func:`approve_all` / :func:`deny_all` answer them with one decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pasi.clock import Clock, system_clock
from pasi.errors import InputError
from pasi.memory.store import MemoryStore, Turn
from pasi.models.chat import ToolCall
from pasi.safety import actions
from pasi.safety.actions import PendingAction
from pasi.tools.registry import ToolContext, ToolResult, Toolset, default_tools


@dataclass(frozen=True)
class Decision:
    action: PendingAction
    result: ToolResult | None  # None when denied


def describe_call(action: PendingAction) -> str:
    return f"{action.tool}({action.arguments})"


def approve(
    memory: MemoryStore,
    action_id: int,
    *,
    tools: Toolset | None = None,
    clock: Clock = system_clock,
) -> Decision:
    toolset = tools if tools is not None else default_tools()
    with memory.vault.write() as conn:
        action = actions.claim(conn, action_id, "approved", clock())
    call = ToolCall(f"action-{action.id}", action.tool, action.arguments)
    result = toolset.run(call, ToolContext(memory, action.question_episode_id))
    with memory.vault.write() as conn:
        actions.record_result(conn, action.id, result.content, result.ok)
        actions.audit_tool_call(
            conn, tool=action.tool, effect=action.effect, arguments=action.arguments,
            ok=result.ok, now=clock(), actor="user", action_id=action.id,
        )  # fmt: skip
        action = actions.get_action(conn, action.id)
    outcome = "done" if result.ok else "failed"
    _note(memory, action, f"The user approved action {action.id}, {describe_call(action)}: "
          f"{outcome}. Result: {result.content}", clock)  # fmt: skip
    return Decision(action, result)


def deny(memory: MemoryStore, action_id: int, *, clock: Clock = system_clock) -> Decision:
    with memory.vault.write() as conn:
        action = actions.claim(conn, action_id, "denied", clock())
    _note(memory, action, f"The user denied action {action.id}, {describe_call(action)}: "
          "it was not run.", clock)  # fmt: skip
    return Decision(action, None)


def approve_all(
    memory: MemoryStore,
    action_ids: Sequence[int],
    *,
    tools: Toolset | None = None,
    clock: Clock = system_clock,
) -> list[Decision]:
    """Approve the actions shown together (one round's held calls) with one answer, in order;
    nothing runs when one of them was already decided."""
    _all_pending(memory, action_ids)
    return [approve(memory, i, tools=tools, clock=clock) for i in dict.fromkeys(action_ids)]


def deny_all(
    memory: MemoryStore, action_ids: Sequence[int], *, clock: Clock = system_clock
) -> list[Decision]:
    """Deny the actions shown together; nothing is recorded when one was already decided."""
    _all_pending(memory, action_ids)
    return [deny(memory, i, clock=clock) for i in dict.fromkeys(action_ids)]


def _all_pending(memory: MemoryStore, action_ids: Sequence[int]) -> None:
    if not action_ids:
        raise InputError("no action given: name the actions to decide by their numbers")
    conn = memory.vault.read()
    for action_id in action_ids:
        action = actions.get_action(conn, action_id)
        if action.status != "pending":
            raise InputError(f"action {action_id} was already {action.status}; nothing was done")


def _note(memory: MemoryStore, action: PendingAction, text: str, clock: Clock) -> None:
    """The decision as a turn of the conversation the action came from, said by pasi."""
    now = clock()
    turn = Turn(text, role="assistant", session=now.date().isoformat(), occurred_at=now)
    memory.record_turns([turn], source_uri=action.conversation)
