"""One adapter for every server that speaks the OpenAI chat API: Ollama, vLLM, llama.cpp's
server, LM Studio, OpenAI itself, or anything else at a ``base_url``.

The adapter (wire format) is separate from the provider (URL, key, timeouts, client), as in
pydantic-ai. The ``openai`` SDK is imported on first use only: it costs about a second of
start-up that ``pasi chat`` without a remote model should not pay. The SDK itself never retries
(``max_retries=0``): :meth:`Provider.call` decides (pasi.models.retry), so an answer that says
what the server cannot do is never asked again.

Servers differ in JSON-schema and tool support (pasi.models.capabilities). When a schema
request is refused (400/422, or a 5xx naming ``response_format``) or its reply does not
validate (the server ignored it), the adapter steps down at once: ``json_schema`` →
``json_object`` with the schema (what llama.cpp's server constrains decoding to) →
instructions in the prompt. A server refusing ``tools`` gets a
:class:`~pasi.errors.ModelCapabilityError` (``feature="tools"``), at once for every later
request with tools. Streams ask for their token usage (``stream_options``, for
pasi.models.metered) unless the server refuses it. What worked is remembered per URL and
model for the whole process. Every reply is checked against the schema
(models/structured.py): repaired, retried, or reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from pasi.errors import (
    ModelAuthError,
    ModelCapabilityError,
    ModelError,
    ModelNotFoundError,
    ModelTimeoutError,
    ModelUnreachableError,
)
from pasi.models.capabilities import BOOK, error_text, refused_feature
from pasi.models.chat import ChatRequest, Chunk, Completion, Message
from pasi.models.locality import url_is_local
from pasi.models.retry import retry_delay
from pasi.models.structured import complete_with_schema, schema_instructions
from pasi.models.wire import (
    StreamAssembler,
    completion_from_wire,
    sampling,
    wire_messages,
    wire_tools,
)

EMBED_BATCH = 256
T = TypeVar("T")


def _no_refusal(_: Any) -> str | None:
    return None


@dataclass
class Provider:
    """Where a model server is and how to talk to it: URL, key, timeout, retries.

    ``max_retries`` is how often :meth:`call` asks again; the SDK's own retries are off.
    """

    base_url: str
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 2
    _client: Any = field(default=None, repr=False)

    def client(self) -> Any:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                api_key=self.api_key or "not-needed",  # local servers ignore it; the SDK wants one
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=0,  # pasi decides: see call()
            )
        return self._client

    def call(
        self,
        make: Callable[[], T],
        model: str,
        refused: Callable[[Any], str | None] = _no_refusal,
    ) -> T:
        """``make()`` (one SDK request), retried per pasi.models.retry; SDK errors translated.

        ``refused(status_error)`` names the feature a capability answer refuses: that is
        raised at once as a :class:`ModelCapabilityError`, never retried.
        """
        import openai

        attempt = 0
        while True:
            try:
                return make()
            except openai.OpenAIError as error:
                feature = refused(error) if isinstance(error, openai.APIStatusError) else None
                if feature is not None:
                    raise self.refusal(error, model, feature) from None
                delay = retry_delay(error, attempt, self.max_retries)
                if delay is None:
                    raise self.translate(error, model) from None
            time.sleep(delay)
            attempt += 1

    def refusal(self, error: Any, model: str, feature: str) -> ModelCapabilityError:
        return ModelCapabilityError(
            f"the model server at {self.base_url} does not support '{feature}' for model "
            f"'{model}' (HTTP {error.status_code}: {_detail(error)})",
            feature,
        )

    def translate(self, error: Exception, model: str) -> Exception:
        """The SDK's exception as a one-line pasi error naming the URL and model."""
        import openai

        where = f"the model server at {self.base_url}"
        if isinstance(error, openai.APITimeoutError):
            return ModelTimeoutError(
                f"{where} did not answer within {self.timeout:g} s (model '{model}'); it may be "
                "busy or still loading the model: raise the setting 'model_timeout'"
            )
        if isinstance(error, openai.APIConnectionError):
            return ModelUnreachableError(
                f"cannot reach the model server at {self.base_url}: {_reason(error)}; "
                "check the URL and that the server is running"
            )
        if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            return ModelAuthError(
                f"{where} refused the API key (HTTP {error.status_code}: {_detail(error)}); "
                "set OPENAI_API_KEY or the setting 'openai_api_key'"
            )
        if isinstance(error, openai.NotFoundError):
            return ModelNotFoundError(
                f"{where} has no model '{model}' (HTTP 404: {_detail(error)}); check the name "
                "(`pasi models list`) and that the URL ends in /v1"
            )
        if isinstance(error, openai.APIStatusError):
            return ModelError(
                f"{where} answered HTTP {error.status_code} for model '{model}': {_detail(error)}"
            )
        return ModelError(f"{where} sent a reply pasi cannot read (model '{model}'): {error}")


def _reason(error: Exception) -> str:
    cause = error.__cause__ or error.__context__
    return str(cause or error) or type(cause or error).__name__


def _detail(error: Any) -> str:
    text = " ".join(str(getattr(error, "message", "") or error).split())
    return text[:200]


class OpenAICompatModel:
    """A :class:`~pasi.models.chat.ChatModel` served over the OpenAI chat-completions API."""

    def __init__(
        self,
        model: str,
        provider: Provider,
        *,
        label: str = "openai-compatible",
        remote_hosts: tuple[str, ...] = (),
    ) -> None:
        self.model = model
        self.provider = provider
        self.name = f"{label}:{model}"
        self.remote_hosts = remote_hosts
        self._local: bool | None = None

    @property
    def local(self) -> bool:
        """Is the server on this machine? Resolved once, on first question (it may ask DNS)."""
        if self._local is None:
            self._local = url_is_local(self.provider.base_url, self.remote_hosts)
        return self._local

    @property
    def endpoint(self) -> str:
        return self.provider.base_url

    @property
    def schema_mode(self) -> str:
        """How JSON is asked of this server (shared by every model object for it)."""
        return BOOK.get(self.provider.base_url, self.model).schema_mode

    @property
    def supports_tools(self) -> bool:
        """False once the server has said it cannot take ``tools`` (for this model)."""
        return BOOK.get(self.provider.base_url, self.model).tools

    def who(self) -> str:
        return f"model '{self.model}' at {self.provider.base_url}"

    def complete(self, request: ChatRequest) -> Completion:
        if request.json_schema is None:
            return self._complete_once(request)
        return complete_with_schema(
            request, self._complete_once, self.who(), on_invalid=self._step_down
        )

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Text deltas as they come, then the Completion; closing this closes the HTTP stream."""
        response = self._create(request, stream=True)
        try:
            chunks = (chunk.model_dump() for chunk in self._guarded(response))
            for chunk in StreamAssembler().feed(chunks):
                if chunk.completion is not None and request.json_schema is not None:
                    chunk = Chunk(completion=self._checked(request, chunk.completion))
                yield chunk
        finally:
            response.close()

    def _checked(self, request: ChatRequest, streamed: Completion) -> Completion:
        return complete_with_schema(
            request, self._complete_once, self.who(), first=streamed, on_invalid=self._step_down
        )

    def _complete_once(self, request: ChatRequest) -> Completion:
        return completion_from_wire(self._create(request, stream=False).model_dump())

    def _guarded(self, response: Any) -> Iterator[Any]:
        """Iterate a stream, translating errors that happen mid-stream (e.g. a read timeout)."""
        import openai

        try:
            yield from response
        except openai.OpenAIError as error:
            raise self.provider.translate(error, self.model) from None

    def _create(self, request: ChatRequest, *, stream: bool) -> Any:
        url = self.provider.base_url
        if request.tools and not self.supports_tools:
            raise ModelCapabilityError(
                f"the model server at {url} does not support 'tools' for model "
                f"'{self.model}' (it said so earlier)",
                "tools",
            )
        while True:
            mode = self.schema_mode
            try:
                return self._send(self._params(request, stream, mode))
            except ModelCapabilityError as error:
                if error.feature == "tools":
                    BOOK.without_tools(url, self.model)
                    raise
                if error.feature == "stream_options":  # an older server: no usage in streams
                    BOOK.without_stream_usage(url, self.model)
                    continue
                if BOOK.step_down(url, self.model, mode) is None:
                    raise

    def _send(self, params: dict[str, Any]) -> Any:
        """One request, retried by the provider unless the answer is a capability answer."""
        client = self.provider.client()

        def refused(error: Any) -> str | None:
            return refused_feature(error.status_code, error_text(error), params)

        return self.provider.call(
            lambda: client.chat.completions.create(**params), self.model, refused
        )

    def _step_down(self) -> bool:
        """Use the next weaker way to ask for JSON; False when there is none left."""
        return BOOK.step_down(self.provider.base_url, self.model, self.schema_mode) is not None

    def _params(self, request: ChatRequest, stream: bool, mode: str) -> dict[str, Any]:
        messages = list(request.messages)
        params: dict[str, Any] = {"model": self.model, "stream": stream, **sampling(request)}
        if stream and BOOK.get(self.provider.base_url, self.model).stream_usage:
            # the usage then arrives in the stream's last event
            params["stream_options"] = {"include_usage": True}
        if request.tools:
            params["tools"] = wire_tools(request.tools)
        schema = request.json_schema
        if schema is not None:
            if mode != "json_schema":
                messages.insert(0, Message("system", schema_instructions(schema)))
            if mode == "json_schema":
                params["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": schema},
                }
            elif mode == "json_object":  # llama.cpp's server constrains to "schema"
                params["response_format"] = {"type": "json_object", "schema": schema}
        params["messages"] = wire_messages(messages)
        return params


def _pooled(embedding: Any) -> list[float]:
    """One vector per text: a server running a model without pooling (llama.cpp's server
    does this) returns one vector per token, which is mean-pooled here."""
    if embedding and isinstance(embedding[0], list):
        return np.asarray(embedding, dtype=np.float32).mean(axis=0).tolist()
    return embedding


class OpenAIEmbedder:
    """An :class:`~pasi.models.embedder.Embedder` over ``/v1/embeddings``.

    Vectors are normalised to unit length (servers differ); ``dim`` is the configured one, or
    learnt from the first reply (asking the server once if it is read before any embedding).
    """

    def __init__(
        self,
        model: str,
        provider: Provider,
        *,
        dim: int | None = None,
        label: str = "openai-compatible",
    ) -> None:
        self.model = model
        self.provider = provider
        self.name = f"{label}:{model}"
        self._dim = dim

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.embed(["dimension probe"])
        assert self._dim is not None
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            rows.extend(self._batch(list(texts[start : start + EMBED_BATCH])))
        vectors = np.asarray(rows, dtype=np.float32)
        self._check_dim(vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.where(norms == 0, 1, norms))

    def _batch(self, texts: list[str]) -> list[list[float]]:
        client = self.provider.client()
        response = self.provider.call(
            lambda: client.embeddings.create(model=self.model, input=texts), self.model
        )
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(texts):
            raise ModelError(
                f"the model server at {self.provider.base_url} returned {len(data)} embeddings "
                f"for {len(texts)} texts (model '{self.model}')"
            )
        return [_pooled(item.embedding) for item in data]

    def _check_dim(self, dim: int) -> None:
        if self._dim is None:
            self._dim = dim
        elif dim != self._dim:
            raise ModelError(
                f"embedding model '{self.model}' at {self.provider.base_url} returned "
                f"{dim}-dimensional vectors, but {self._dim} were expected"
            )
