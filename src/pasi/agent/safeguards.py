"""The safety steps of a turn, kept out of the tool loop: taint, consent requests, screening.

- :func:`taint_of`: the turn starts tainted when its context quotes external text.
- :func:`ledger_of`: who wrote what the turn starts with: the user's words, the quoted items.
- :func:`confirmations`: the calls the consent gate held in a round, as events for the user.
- :func:`screen_message` / :func:`screen_reply`: the content policy before and after the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pasi.agent.context import Context
from pasi.agent.events import ConfirmationNeeded
from pasi.models.chat import Message
from pasi.safety.dataflow import Ledger, Passage
from pasi.safety.policy import SafetyClassifier, Verdict, reply_for, screen
from pasi.safety.taint import Taint
from pasi.tools.consent import PENDING_KEY
from pasi.tools.registry import ToolResult


def taint_of(context: Context) -> Taint:
    taint = Taint()
    taint.add(item.provenance for item in context.items)
    return taint


def ledger_of(context: Context, message: str, history: Sequence[Message] = ()) -> Ledger:
    """The user's words (this message, and the earlier ones a client sends along) and every
    quoted context item, by who wrote it, for the consent gate to follow argument values."""
    ledger = Ledger()
    ledger.hear(message)
    for earlier in history:
        if earlier.role == "user":
            ledger.hear(earlier.content, "your earlier message")
    for item in context.items:  # pasi's own turns (a note of a denied call quotes its
        # arguments) never make others' copy of a value the user's
        ledger.read([Passage(item.line, item.provenance)], made=item.by_pasi)
    # an item's id, by which a tool names it (forget memory 12), is as trusted as the item
    ledger.read(Passage(f"'{item.id}'", item.provenance) for item in context.items)
    return ledger


def confirmations(results: list[ToolResult]) -> list[ConfirmationNeeded]:
    found = []
    for result in results:
        action_id = result.data.get(PENDING_KEY)
        if action_id is None:
            continue
        try:
            arguments = result.call.parsed_arguments()
        except ValueError:
            arguments = {"raw": result.call.arguments}
        found.append(
            ConfirmationNeeded(
                action_id, result.call.name, arguments, result.data.get("reason", ""),
                tuple(result.data.get("provenance", ())),
            )
        )  # fmt: skip
    return found


def waiting_notice(events: list[ConfirmationNeeded]) -> str:
    """What the reply says when the turn ends waiting for the user."""
    lines = []
    for event in events:
        lines.append(
            f"Action {event.action_id} waits for your confirmation: {event.tool} with "
            f"{event.arguments}. Why: {event.reason}. Approve or deny it with "
            f"`pasi actions approve {event.action_id}` / `pasi actions deny {event.action_id}`."
        )
    if len(events) > 1:
        ids = " ".join(str(event.action_id) for event in events)
        lines.append(
            f"Answer them all at once with `pasi actions approve {ids}` / `pasi actions deny {ids}`."
        )
    return "\n".join(lines)


@dataclass
class Screening:
    """The verdicts of one turn, for ``answers`` (pasi why)."""

    verdicts: list[dict[str, object]] = field(default_factory=list)

    def note(self, stage: str, verdict: Verdict) -> Verdict:
        if not verdict.safe:
            self.verdicts.append(
                {"stage": stage, "categories": list(verdict.categories), "by": verdict.by}
            )
        return verdict


def screen_message(
    classifier: SafetyClassifier | None, message: str, screening: Screening
) -> str | None:
    """pasi's reply instead of the model's when the message is unsafe; None when it is safe."""
    verdict = screening.note("input", screen(classifier, message))
    return None if verdict.safe else reply_for(verdict, stage="input")


def screen_reply(
    classifier: SafetyClassifier | None, message: str, reply: str, screening: Screening
) -> str | None:
    """A replacement for the model's reply when it is unsafe; None when it may stand."""
    if not reply.strip():
        return None
    verdict = screening.note("output", screen(classifier, message, reply))
    return None if verdict.safe else reply_for(verdict, stage="output")
