"""What the Matrix bridge says: one assistant turn as a message, and "yes"/"no" to a held action.

A turn that wants to run a side-effecting tool the consent policy holds back
(pasi.safety.actions) ends with a question; the owner's next message in that room, if it is a
plain yes or no, approves or refuses that action exactly as ``pasi actions approve|deny`` would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pasi.agent.events import Answer, ConfirmationNeeded, Notice, TextDelta
from pasi.server.turns import OfflineAnswer, run_turn

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.server.images import ImageMessage

TextSink = Callable[[str], None]  # gets the answer so far while the model streams

YES = {"yes", "y", "ok", "okay", "approve", "do it", "go ahead", "sure"}
NO = {"no", "n", "deny", "refuse", "don't", "do not", "stop", "cancel"}


@dataclass(frozen=True)
class Reply:
    text: str
    waiting: int | None = None  # the held action the text asks about
    spoken: str | None = None  # what to say when the answer is spoken (None: the text)


def turn_reply(
    pasi: Pasi,
    message: str,
    uri: str,
    on_text: TextSink | None = None,
    image: ImageMessage | None = None,
) -> Reply:
    """One turn of the assistant the web app runs, as the message to send back.
    ``on_text`` gets the answer so far each time the model streams more of it; ``image``: the
    message is about an image, read already (pasi.server.images)."""
    from pasi.server.images import image_turn

    parts: list[str] = []
    streamed = ""
    waiting = None
    events = (
        run_turn(pasi, message, conversation=uri)
        if image is None
        else image_turn(pasi, image, conversation=uri)
    )
    for event in events:
        if isinstance(event, TextDelta) and on_text is not None:
            streamed += event.text
            on_text(streamed)
        elif isinstance(event, Answer | OfflineAnswer):
            parts.insert(0, event.text)
        elif isinstance(event, ConfirmationNeeded):
            waiting = event.action_id
            parts.append(f"Reply yes to run action {event.action_id} ({event.tool}), or no.")
        elif isinstance(event, Notice):
            parts.append(f"Note: {event.text}")
    text = "\n\n".join(part for part in parts if part.strip())
    return Reply(text or "(no answer)", waiting)


def yes_or_no(text: str) -> bool | None:
    """True for a plain yes, False for a plain no, None for anything else (a new message)."""
    said = " ".join(text.lower().strip().rstrip(".!").split())
    if said in YES:
        return True
    if said in NO:
        return False
    return None


def decide(pasi: Pasi, action_id: int, approved: bool) -> str:
    """Run or refuse a held action, as ``pasi actions approve|deny``; the outcome in words."""
    from pasi.agent.actions import approve, deny

    if not approved:
        refused = deny(pasi.memory, action_id, clock=pasi.clock).action
        return f"Refused: {refused.tool} was not run."
    decision = approve(pasi.memory, action_id, clock=pasi.clock)
    result = decision.result
    if result is None or not result.ok:
        why = result.content if result is not None else "it was not run"
        return f"{decision.action.tool} failed: {why}"
    return f"Done: {decision.action.tool}: {result.content}"
