"""The consent gate: side-effecting calls after external text run, wait or are refused.

A :class:`ConsentGate` wraps a toolset for one turn. It tracks the turn's :class:`Taint` (what
external text the model has seen, from the context and from every tool result) and a
:class:`~pasi.safety.dataflow.Ledger` of who wrote each piece of it. Once the turn is tainted,
each side-effecting call is judged by :func:`pasi.safety.consent_rule.judge`: a call the user
asked for whose targets are all the user's runs; one the user did not ask for aimed at someone
or something the user never named is refused without a question; any other is kept as a
pending action in the vault, and the model reads that it waits for the user. Read-only calls
run freely, and in a turn that never saw external text every call runs as before. Every
side-effecting call that runs is audited.

What a tool brought in is external when it quotes external vault items (turns, memories or
items from sources others wrote), or when the tool says so (``ToolOutput.trust``). A plugin's
tool that says nothing counts as external: it may fetch anything (a web page, a mailbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pasi.clock import Clock, system_clock
from pasi.models.chat import ToolCall
from pasi.safety import actions
from pasi.safety.consent_rule import Verdict, asked_tools, judge
from pasi.safety.dataflow import Ledger, Passage, fixed_fields
from pasi.safety.provenance import Provenance, fence, provenance_of
from pasi.safety.taint import Taint
from pasi.tools.registry import Tool, ToolContext, ToolResult, Toolset

PENDING_KEY = "pending_action"
REFUSED_KEY = "refused_action"


def waiting_text(action_id: int, reason: str) -> str:
    return (
        f"Not run: waiting for the user's confirmation (action {action_id}). {reason}. "
        "Tell the user what you asked to do and that it waits for their approval; "
        "do not try it another way."
    )


def refused_text(reason: str) -> str:
    return (
        f"Not run: {reason}. Tell the user what was asked of you and by whom; do not try it "
        "another way. The user can ask for it in their own words."
    )


def result_passages(result: ToolResult, provenance: list[Provenance]) -> list[Passage]:
    """Who wrote which part of a result: as the tool said, else all of it as its sources."""
    if result.passages:
        return list(result.passages)
    external = [p for p in provenance if p.trust == "external"]
    if external:
        return [Passage(result.content, Provenance("external", external[0].source))]
    return [Passage(result.content, Provenance("user", f"tool {result.call.name}"))]


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
    ledger: Ledger = field(default_factory=Ledger)  # who wrote what the turn has read
    held: list[int] = field(default_factory=list)  # pending action ids, in order
    refused: list[int] = field(default_factory=list)  # refused without a question
    brought: dict[str, list[Provenance]] = field(default_factory=dict)  # by tool call id
    # the side-effecting tools the user's words ask for; None: read from the ledger's words
    asked_for: frozenset[str] | None = None

    def tools(self) -> list[Tool]:
        return self.inner.tools()

    def _tool(self, name: str) -> Tool | None:
        return next((tool for tool in self.inner.tools() if tool.name == name), None)

    def run(self, call: ToolCall, context: ToolContext) -> ToolResult:
        tool = self._tool(call.name)
        if tool is not None and tool.side_effect and self.taint.tainted:
            verdict = self.judge(tool, call)
            if verdict.action == "ask":
                return self._hold(tool, call, context, verdict)
            if verdict.action == "refuse":
                return self._refuse(tool, call, context, verdict)
        result = self.inner.run(call, context)
        if tool is not None and tool.side_effect:
            with context.memory.vault.write() as conn:
                actions.audit_tool_call(
                    conn, tool=tool.name, effect=tool.effect, arguments=call.arguments,
                    ok=result.ok, now=self.clock(), data=_ids(result),
                )  # fmt: skip
        self.note(result, context)
        return result

    def note(self, result: ToolResult, context: ToolContext) -> None:
        """What a result brought into the turn: its taint and who wrote each part of it (also
        for a held call the user approved, whose result the model reads next)."""
        tool = self._tool(result.call.name)
        self.brought[result.call.id] = result_provenance(tool, result, context)
        self.taint.add(self.brought[result.call.id])
        made = tool is not None and tool.side_effect
        self.ledger.read(result_passages(result, self.brought[result.call.id]), made=made)

    def asked(self) -> frozenset[str]:
        """The side-effecting tools the user's words of this turn ask for."""
        if self.asked_for is None:
            names = [tool.name for tool in self.inner.tools() if tool.side_effect]
            self.asked_for = asked_tools(self.ledger.said(), names)
        return self.asked_for

    def judge(self, tool: Tool, call: ToolCall) -> Verdict:
        try:
            arguments = call.parsed_arguments()
        except ValueError:
            arguments = {"arguments": call.arguments}
        fixed = fixed_fields(tool.arguments.model_json_schema())
        origins = self.ledger.origins(arguments, fixed)
        keeps = tool.function.__module__.startswith("pasi.tools.")  # pasi's own vault tools
        return judge(tool.name, tool.effect, tool.name in self.asked(), origins, keeps=keeps)

    def fenced(self, result: ToolResult) -> str:
        """The result as the model reads it: delimited, marked with where it came from."""
        return fence(result.call.name, result.content, self.brought.get(result.call.id, []))

    def _reason(self, tool: Tool, verdict: Verdict) -> str:
        if verdict.action == "refuse":
            return verdict.reason
        return f"{self.taint.reason(tool.name, tool.effect)}. {verdict.reason}"

    def _keep(self, tool: Tool, call: ToolCall, context: ToolContext, verdict: Verdict) -> int:
        reason = self._reason(tool, verdict)
        with context.memory.vault.write() as conn:
            return actions.hold(
                conn, tool=tool.name, effect=tool.effect, arguments=call.arguments,
                reason=reason, provenance=self.taint.to_json(), conversation=self.conversation,
                question_episode_id=context.episode_id, now=self.clock(),
            )  # fmt: skip

    def _hold(
        self, tool: Tool, call: ToolCall, context: ToolContext, verdict: Verdict
    ) -> ToolResult:
        action_id = self._keep(tool, call, context, verdict)
        self.held.append(action_id)
        reason = self._reason(tool, verdict)
        data = {
            PENDING_KEY: action_id, "reason": reason, "provenance": self.taint.to_json(),
            "origins": [o.to_json() for o in verdict.origins],
        }  # fmt: skip
        told = f"{self.taint.reason(tool.name, tool.effect)}. {verdict.summary}"
        return ToolResult(call, waiting_text(action_id, told), ok=False, data=data)

    def _refuse(
        self, tool: Tool, call: ToolCall, context: ToolContext, verdict: Verdict
    ) -> ToolResult:
        """Kept as a denied action, so ``pasi actions list --status denied`` shows it."""
        action_id = self._keep(tool, call, context, verdict)
        with context.memory.vault.write() as conn:
            actions.claim(conn, action_id, "denied", self.clock())
        self.refused.append(action_id)
        data = {REFUSED_KEY: action_id, "reason": verdict.reason}
        return ToolResult(call, refused_text(verdict.summary), ok=False, data=data)


def _ids(result: ToolResult) -> dict[str, object]:
    """The ids a side effect touched (memory_id, forgotten...), never the text it wrote."""
    return {k: v for k, v in result.data.items() if isinstance(v, int | list) and k != "items"}
