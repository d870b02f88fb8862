"""``POST /api/chat``: the web app's chat, as server-sent events (contract in docs/server.md).

Events: ``delta`` (text as the model writes it), ``tool`` (started/finished), ``answer`` (the
whole text, its ``answer_id`` for "why", and the citations), ``titling`` (a model answered a
web conversation: it may get a title soon, pasi.server.titles), and ``error``. Events from other
layers (a confirmation request, a notice) are sent as they describe themselves, through their
``sse()`` method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from pasi.agent.events import Answer, TextDelta, ToolFinished, ToolStarted
from pasi.server.auth import CurrentUser
from pasi.server.errors import FieldError, describe
from pasi.server.images import MAX_IMAGES, GivenImage, image_turn, read_images
from pasi.server.rest.conversations import WEB_PREFIX, conversation_source
from pasi.server.sse import SSE_RESPONSE, event_stream, sse_line
from pasi.server.threads import TurnThreads
from pasi.server.titles import Titler
from pasi.server.turns import OfflineAnswer, TurnEvent, citations_json, run_turn

MAX_MESSAGE_CHARS = 100_000  # as for a statement on the CLI

router = APIRouter(tags=["chat"])


class ChatIn(BaseModel):
    message: str = Field(default="", max_length=MAX_MESSAGE_CHARS)
    images: list[str] = Field(
        default_factory=list,
        max_length=MAX_IMAGES,
        description="Images attached to the message, as data URLs (data:image/png;base64,...).",
    )
    conversation_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1,
        description="The conversation the turn joins (GET /api/conversations); default: "
        "the default conversation.",
    )  # fmt: skip


@router.post("/api/chat", response_class=StreamingResponse, responses=SSE_RESPONSE)
async def chat(body: ChatIn, user: CurrentUser, request: Request) -> StreamingResponse:
    """One turn with the user's assistant, streamed as server-sent events."""
    if not body.message.strip() and not body.images:
        raise FieldError("write a message or attach an image", "message")
    threads: TurnThreads = request.app.state.threads
    message = body.message.strip()
    uri, answered = None, None
    if body.conversation_id is not None:
        uri = (await threads.call(lambda: conversation_source(user, body.conversation_id))).uri
        answered = _title_after(request, user, body.conversation_id, uri)
    if not body.images:
        turn = lambda: run_turn(user.pasi, message, conversation=uri)  # noqa: E731
        return event_stream(_lines(threads.iterate(turn), answered=answered))
    given = [GivenImage(url, f"images.{i}") for i, url in enumerate(body.images)]
    read = await threads.call(lambda: read_images(user.pasi, message, given))  # before the stream
    events = threads.iterate(lambda: image_turn(user.pasi, read, conversation=uri))
    return event_stream(_lines(events, read.notice, answered))


def _title_after(
    request: Request, user: CurrentUser, conversation_id: int, uri: str
) -> Callable[[], None] | None:
    """What to do once a web conversation's turn is answered: queue a title from the model
    (pasi.server.titles), which looks whether it is the first exchange, off the event loop."""
    titles: Titler | None = getattr(request.app.state, "titles", None)
    if titles is None or not uri.startswith(WEB_PREFIX):
        return None
    return lambda: titles.after_first_answer(user.pasi, conversation_id)


async def _lines(
    events: AsyncIterator[TurnEvent],
    notice: str | None = None,
    answered: Callable[[], None] | None = None,
) -> AsyncIterator[str]:
    if notice:
        yield sse_line({"type": "notice", "text": notice})
    by_model = False
    try:
        async for event in events:
            by_model = by_model or isinstance(event, Answer)
            data = event_json(event)
            if data is not None:
                yield sse_line(data)
    except Exception as error:  # the stream has started: the error becomes its last event
        message, _ = describe(error)
        yield sse_line({"type": "error", "message": message})
        return
    if answered is not None and by_model:  # offline there is no model to title it
        answered()
        yield sse_line({"type": "titling"})  # the app looks for the title a little later


def event_json(event: object) -> dict[str, Any] | None:
    if isinstance(event, TextDelta):
        return {"type": "delta", "text": event.text}
    if isinstance(event, ToolStarted | ToolFinished):
        status = "started" if isinstance(event, ToolStarted) else "finished"
        return {"type": "tool", "name": event.call.name, "status": status}
    if isinstance(event, Answer | OfflineAnswer):
        answer_id = event.answer_id if isinstance(event, Answer) else None
        citations = citations_json(event)
        return {
            "type": "answer",
            "text": event.text,
            "answer_id": answer_id,
            "citations": citations,
        }
    describe_itself = getattr(event, "sse", None)
    return describe_itself() if callable(describe_itself) else None
