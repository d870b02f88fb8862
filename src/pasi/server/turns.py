"""One chat turn for a server client: the assistant with a model, or the offline mode without.

Both the OpenAI-compatible API and the web app's chat stream run turns through here, so they
remember the same way the CLI chat does: the user's message and the reply become turns of the
default conversation, queued for the learner to extract memories from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pasi.agent.events import Answer, Citation, Event, TextDelta
from pasi.memory.store import DEFAULT_CONVERSATION
from pasi.models.chat import Message

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.memory.retrieval import Recalled

OFFLINE_MODEL = "pasi-offline"


@dataclass(frozen=True)
class OfflineAnswer:
    """The end of a turn answered without a model: nothing is recorded in ``answers``."""

    text: str
    found: list[Recalled] = field(default_factory=list)
    model: str = OFFLINE_MODEL


TurnEvent = Event | OfflineAnswer


def model_name(pasi: Pasi) -> str:
    model = pasi.chat_model
    return model.name if model is not None else OFFLINE_MODEL


def run_turn(
    pasi: Pasi,
    message: str,
    history: Sequence[Message] = (),
    max_tokens: int | None = None,
    conversation: str | None = None,
) -> Iterator[TurnEvent]:
    """The events of one turn; synchronous, so the server runs it on a worker thread.
    ``conversation``: the uri of the conversation the turn joins (default: the default one)."""
    uri = conversation or DEFAULT_CONVERSATION
    if pasi.chat_model is None:
        yield from _offline_turn(pasi, message, uri)
        return
    assistant = pasi.assistant(learner=pasi.learner, source_uri=uri)
    yield from assistant.turn(message, history=history, max_tokens=max_tokens)


def _offline_turn(pasi: Pasi, message: str, uri: str) -> Iterator[TurnEvent]:
    from pasi.agent.offline import OfflineAgent

    reply = OfflineAgent(pasi.memory, source_uri=uri, safety=pasi.safety).respond(message)
    yield TextDelta(reply.text)
    yield OfflineAnswer(reply.text, reply.found)


def citations_json(answer: Answer | OfflineAnswer) -> list[dict[str, Any]]:
    """The sources of an answer as the web app shows them: ``{tag, kind, id, text, source}``."""
    if isinstance(answer, Answer):
        return [_citation(c) for c in answer.citations]
    return [_recalled(r) for r in answer.found]


def _citation(citation: Citation) -> dict[str, Any]:
    return {
        "tag": citation.tag,
        "kind": citation.kind,
        "id": citation.id,
        "text": citation.text,
        "source": citation.source,
    }


def _recalled(result: Recalled) -> dict[str, Any]:
    from pasi.tools.quote import tag

    return {
        "tag": tag(result.kind, result.id),
        "kind": result.kind,
        "id": result.id,
        "text": result.text,
        "source": result.source,
    }
