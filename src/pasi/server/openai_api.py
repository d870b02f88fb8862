"""The OpenAI-compatible API: ``/v1/models``, ``/v1/chat/completions``, ``/v1/embeddings``.

A client that talks to OpenAI talks to pasi as a model that knows its user. The last user
message is the new turn; the messages before it are the conversation the client keeps, shown
to the upstream model as they are (they were remembered when they were new). The answer comes
from the user's assistant: their memory and data as context, the configured model upstream (or
the offline mode), the new turn and its reply recorded and queued for learning, in a
conversation of their own (named by the first user message, as the web app lists it).
"""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from pasi.agent.events import Answer, TextDelta
from pasi.agent.tokens import estimate_tokens
from pasi.errors import ConfigError, NotFoundError
from pasi.models.chat import Message
from pasi.server.auth import CurrentUser
from pasi.server.errors import FieldError, describe, error_body
from pasi.server.images import GivenImage, check_count, image_turn, read_images
from pasi.server.sse import SSE_RESPONSE, event_stream, sse_line
from pasi.server.threads import TurnThreads
from pasi.server.turns import OfflineAnswer, TurnEvent, citations_json, run_turn
from pasi.server.users import UserSession

MODEL_ID = "pasi"
OPENAI_CONVERSATION = "conversation:openai:"
MAX_MESSAGES = 1000
MAX_TEXT_CHARS = 400_000
MAX_EMBED_INPUTS = 2048
HISTORY_ROLES = {  # as the upstream model sees them; tool traffic is the client's own
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}

router = APIRouter(prefix="/v1", tags=["openai"])


class ImageURLIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    url: str = Field(description="A data URL (data:image/png;base64,...); web URLs are refused.")
    detail: str | None = None


class TextPart(BaseModel):
    """A content part: ``text`` is read, and ``image_url`` (a data URL) on the last message."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None
    image_url: ImageURLIn | str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # other parts (audio, files) are not read
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""

    def images(self, index: int) -> list[GivenImage]:
        """The ``image_url`` parts, each named as ``messages.I.content.J.image_url``."""
        if not isinstance(self.content, list):
            return []
        found = []
        for j, part in enumerate(self.content):
            url = part.image_url
            if part.type == "image_url" and url is not None:
                url = url if isinstance(url, str) else url.url
                found.append(GivenImage(url, f"messages.{index}.content.{j}.image_url"))
        return found


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatCompletionIn(BaseModel):
    """What pasi reads of an OpenAI chat request; sampling options are accepted and left to
    the configured model, and client-side tools are not offered (pasi brings its own)."""

    model_config = ConfigDict(extra="allow")

    model: str = MODEL_ID
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    max_tokens: int | None = Field(default=None, ge=1, description="Caps each model reply.")
    max_completion_tokens: int | None = Field(default=None, ge=1, description="As max_tokens.")
    stream_options: StreamOptions | None = None


class EmbeddingsIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    input: str | list[str] = Field(description="A text or a list of texts (not token arrays).")
    model: str = MODEL_ID
    encoding_format: Literal["float", "base64"] = "float"


@router.get("/models")
async def list_models(user: CurrentUser) -> dict[str, Any]:
    """One model, ``pasi``: the user's assistant (whatever model answers upstream)."""
    return {"object": "list", "data": [_model_card()]}


@router.get("/models/{model_id}")
async def get_model(model_id: str, user: CurrentUser) -> dict[str, Any]:
    if model_id != MODEL_ID:
        raise NotFoundError(f"there is no model '{model_id}': pasi serves one model, '{MODEL_ID}'")
    return _model_card()


def _model_card() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "pasi"}


@router.post("/chat/completions", responses=SSE_RESPONSE)
async def chat_completions(body: ChatCompletionIn, user: CurrentUser, request: Request) -> Any:
    """A chat completion from the user's assistant; ``stream: true`` sends OpenAI chunks."""
    message, history = split_messages(body.messages)
    uri = conversation_uri(body.messages)
    threads: TurnThreads = request.app.state.threads
    images = body.messages[-1].images(len(body.messages) - 1)
    limit = body.max_completion_tokens or body.max_tokens
    if images:  # read before the response starts: a bad image is a 422 naming its part
        check_count(images, f"messages.{len(body.messages) - 1}.content")
        read = await threads.call(lambda: read_images(user.pasi, message, images))
        events = threads.iterate(lambda: image_turn(user.pasi, read, history, limit, uri))
        reply = _Reply(body.model, read.text, history, read.notice)
    else:
        events = threads.iterate(lambda: run_turn(user.pasi, message, history, limit, uri))
        reply = _Reply(body.model, message, history)
    if body.stream:
        usage = body.stream_options is not None and body.stream_options.include_usage
        return event_stream(reply.chunks(events, include_usage=usage))
    return await reply.whole(events)


def conversation_uri(messages: list[ChatMessageIn]) -> str:
    """The conversation an OpenAI client's request belongs to. The client keeps the history
    and sends it whole each time, so its first user message names the conversation: every
    request of one chat starts with it. (Two chats opened with the same words share one.)"""
    first = next((m for m in messages if m.role == "user"), messages[-1])
    key = hashlib.sha256(" ".join(first.text().split()).encode("utf-8")).hexdigest()[:16]
    return f"{OPENAI_CONVERSATION}{key}"


def split_messages(messages: list[ChatMessageIn]) -> tuple[str, list[Message]]:
    """The new turn (the last message, which must be the user's) and the history before it."""
    last, text = messages[-1], messages[-1].text()
    if last.role != "user" or not (text.strip() or last.images(0)):
        raise FieldError(
            "the last message must be the user's, with text or an image: it is the new turn",
            "messages",
        )
    history = []
    for given in messages[:-1]:
        role, content = HISTORY_ROLES.get(given.role), given.text()
        if role is not None and content.strip():  # tool traffic is the client's own
            history.append(Message(role, content))  # type: ignore[arg-type]
    if sum(len(m.content) for m in history) + len(text) > MAX_TEXT_CHARS:
        raise FieldError(f"the messages hold more than {MAX_TEXT_CHARS:,} characters", "messages")
    return text.strip(), history


class _Reply:
    """One completion's identity (id, time, model) and its two shapes: whole or chunked."""

    def __init__(
        self, model: str, message: str, history: list[Message], notice: str | None = None
    ) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.notice = notice  # e.g. that the images were read without a vision model
        self.created = int(time.time())
        self.model = model
        self.prompt_tokens = estimate_tokens(message) + sum(
            estimate_tokens(m.content) for m in history
        )

    async def whole(self, events: AsyncIterator[TurnEvent]) -> dict[str, Any]:
        answer = None
        async for event in events:
            if isinstance(event, Answer | OfflineAnswer):
                answer = event
        assert answer is not None, "a turn always ends with an answer"
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.text},
                    "finish_reason": "stop",
                }
            ],
            "usage": self._usage(answer.text),
            "pasi": _extension(answer, self.notice),
        }

    async def chunks(
        self, events: AsyncIterator[TurnEvent], *, include_usage: bool
    ) -> AsyncIterator[str]:
        yield sse_line(self._chunk({"role": "assistant", "content": ""}))
        written: list[str] = []
        try:
            async for event in events:
                if isinstance(event, TextDelta) and event.text:
                    written.append(event.text)
                    yield sse_line(self._chunk({"content": event.text}))
                elif isinstance(event, Answer | OfflineAnswer):
                    yield sse_line(
                        self._chunk({}, finish="stop", pasi=_extension(event, self.notice))
                    )
        except Exception as error:  # the stream has started: the error is its last chunk
            message, status = describe(error)
            yield sse_line(error_body(message, status))
            return
        if include_usage:
            yield sse_line(self._chunk(None, usage=self._usage("".join(written))))
        yield sse_line("[DONE]")

    def _chunk(
        self,
        delta: dict[str, Any] | None,
        *,
        finish: str | None = None,
        usage: dict[str, int] | None = None,
        pasi: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
        chunk: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }
        if usage is not None:
            chunk["usage"] = usage
        if pasi is not None:
            chunk["pasi"] = pasi
        return chunk

    def _usage(self, text: str) -> dict[str, int]:
        completion = estimate_tokens(text)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }


def _extension(answer: Answer | OfflineAnswer, notice: str | None = None) -> dict[str, Any]:
    """pasi's own fields next to OpenAI's: where the answer came from (clients ignore them)."""
    answer_id = answer.answer_id if isinstance(answer, Answer) else None
    found = {"answer_id": answer_id, "model": answer.model, "citations": citations_json(answer)}
    return found | ({"notice": notice} if notice else {})


@router.post("/embeddings")
async def embeddings(body: EmbeddingsIn, user: CurrentUser, request: Request) -> dict[str, Any]:
    """Vectors from the user's embedder (the one their vault's search uses)."""
    texts = [body.input] if isinstance(body.input, str) else body.input
    _check_texts(texts)
    threads: TurnThreads = request.app.state.threads
    vectors = await threads.call(lambda: _embed(user, texts))
    data = [
        {"object": "embedding", "index": i, "embedding": _encode(v, body.encoding_format)}
        for i, v in enumerate(vectors)
    ]
    tokens = sum(estimate_tokens(t) for t in texts)
    return {
        "object": "list",
        "data": data,
        "model": user.pasi.embedder.name if user.pasi.embedder else MODEL_ID,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _check_texts(texts: list[str]) -> None:
    if not texts or len(texts) > MAX_EMBED_INPUTS:
        raise FieldError(f"give between 1 and {MAX_EMBED_INPUTS} texts to embed", "input")
    if sum(len(t) for t in texts) > MAX_TEXT_CHARS:
        raise FieldError(f"the texts hold more than {MAX_TEXT_CHARS:,} characters", "input")


def _embed(user: UserSession, texts: list[str]) -> Any:
    embedder = user.pasi.embedder
    if embedder is None:
        raise ConfigError(
            "this server has no embedder (setting 'embedder' is 'none'); set it to 'wordllama' "
            "or a model spec (docs/configuration.md)"
        )
    return embedder.embed(texts)


def _encode(vector: Any, encoding: str) -> list[float] | str:
    if encoding == "base64":
        return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
    return [float(x) for x in vector]
