"""The consent gate: side-effecting calls after external text wait for the user.

A :class:`ConsentGate` wraps a toolset for one turn. It tracks the turn's :class:`Taint` (what
external text the model has seen, from the context and from every tool result) and, once the
turn is tainted, keeps each side-effecting call as a pending action in the vault instead of
running it; the model reads that it is waiting for the user. Read-only calls run freely, and
in a turn that never saw external text every call runs as before. Every side-effecting call
that runs is audited.

What a tool brought in is external when it quotes external vault items (turns, memories or
items from sources others wrote), or when the tool says so (``ToolOutput.trust``). A plugin's
tool that says nothing counts as external: it may fetch anything (a web page, a mailbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pasi.clock import Clock, system_clock
from pasi.models.chat import ToolCall
from pasi.safety import actions
from pasi.safety.provenance import Provenance, fence, provenance_of
from pasi.safety.taint import Taint
from pasi.tools.registry import Tool, ToolContext, ToolResult, Toolset

PENDING_KEY = "pending_action"


def waiting_text(action_id: int, reason: str) -> str:
    return (
        f"Not run: waiting for the user's confirmation (action {action_id}). {reason}. "
        "Tell the user what you asked to do and that it waits for their approval; "
        "do not try it another way."
    )


def result_provenance(
    tool: Tool | None, result: ToolResult, context: ToolContext
) -> list[Provenance]:
    refs = [(r.kind, r.id) for r in result.found]
    refs += [("item", int(i)) for i in result.data.get("items", [])]
    found = provenance_of(context.memory.vault.read(), refs) if refs else []
    plugin = tool is not None and not tool.function.__module__.startswith("pasi.")
    if result.trust == "external" or (result.trust is None and plugin):
        found.append(Provenance("external", f"tool {result.call.name}"))
    return found


@dataclass
class ConsentGate:
    """One turn's tools, gated: see the module docstring."""

    inner: Toolset
    taint: Taint
    conversation: str
    clock: Clock = system_clock
    held: list[int] = field(default_factory=list)  # pending action ids, in order
    brought: dict[str, list[Provenance]] = field(default_factory=dict)  # by tool call id

    def tools(self) -> list[Tool]:
        return self.inner.tools()

    def _tool(self, name: str) -> Tool | None:
        return next((tool for tool in self.inner.tools() if tool.name == name), None)

    def run(self, call: ToolCall, context: ToolContext) -> ToolResult:
        tool = self._tool(call.name)
        if tool is not None and tool.side_effect and self.taint.tainted:
            return self._hold(tool, call, context)
        result = self.inner.run(call, context)
        if tool is not None and tool.side_effect:
            with context.memory.vault.write() as conn:
                actions.audit_tool_call(
                    conn, tool=tool.name, effect=tool.effect, arguments=call.arguments,
                    ok=result.ok, now=self.clock(), data=_ids(result),
                )  # fmt: skip
        self.brought[call.id] = result_provenance(tool, result, context)
        self.taint.add(self.brought[call.id])
        return result

    def fenced(self, result: ToolResult) -> str:
        """The result as the model reads it: delimited, marked with where it came from."""
        return fence(result.call.name, result.content, self.brought.get(result.call.id, []))

    def _hold(self, tool: Tool, call: ToolCall, context: ToolContext) -> ToolResult:
        reason = self.taint.reason(tool.name, tool.effect)
        with context.memory.vault.write() as conn:
            action_id = actions.hold(
                conn, tool=tool.name, effect=tool.effect, arguments=call.arguments,
                reason=reason, provenance=self.taint.to_json(), conversation=self.conversation,
                question_episode_id=context.episode_id, now=self.clock(),
            )  # fmt: skip
        self.held.append(action_id)
        data = {PENDING_KEY: action_id, "reason": reason, "provenance": self.taint.to_json()}
        return ToolResult(call, waiting_text(action_id, reason), ok=False, data=data)


def _ids(result: ToolResult) -> dict[str, object]:
    """The ids a side effect touched (memory_id, forgotten...), never the text it wrote."""
    return {k: v for k, v in result.data.items() if isinstance(v, int | list) and k != "items"}
