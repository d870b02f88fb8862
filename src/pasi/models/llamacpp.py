"""In-process llama.cpp through ``xllamacpp``: a GGUF file on disk, nothing to compile.

``xllamacpp`` (prebuilt wheels, MIT, by the Xorbits team) embeds llama.cpp's own server, so
pasi gets what ``llama-server`` does for every model: the GGUF's Jinja chat template, native
tool calls parsed per model family, grammar-constrained JSON for a schema, and the prompt
cache that reuses a stable prefix between turns. Requests are handed to it as OpenAI-style
dicts (models/wire.py) in this process; the server's loopback port is locked with a random
API key nobody else learns.

``xllamacpp`` is imported when a model is first used, so configuring another backend costs
nothing, and the server is built on the first request, not when pasi starts.
"""

from __future__ import annotations

import os
import queue
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pasi.errors import ModelError, ModelNotFoundError
from pasi.models.chat import ChatRequest, Chunk, Completion
from pasi.models.structured import complete_with_schema
from pasi.models.wire import StreamAssembler, completion_from_wire, wire_messages, wire_tools

DEFAULT_CTX = 8192  # the tool loop grows the prompt: 4096 was exceeded by Qwen 0.5B
DEFAULT_MAX_TOKENS = 512  # a per-call cap: a small model can otherwise ramble for minutes
DEFAULT_TEMPERATURE = 0.2  # small models keep to the format (tool calls, JSON) when cool
CACHE_RAM_MIB = 1024  # llama.cpp keeps earlier prompts here, so a turn's prefix is reused
STOP_WAIT = 5.0  # seconds a closed stream waits for llama.cpp to stop generating


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _params(path: Path, n_ctx: int, *, embedding: bool = False) -> Any:
    """llama.cpp's server settings: quiet, loopback only, locked, never downloading."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    # Two slots sharing one KV cache: the learner's extraction runs in the other slot, so the
    # chat's cached prompt prefix survives it (llama.cpp picks the slot by prompt similarity).
    params.n_parallel = 2
    params.kv_unified = True
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = _threads()
    params.verbosity = -1  # llama.cpp's own log lines would print into `pasi chat`
    params.use_jinja = True  # the GGUF's template: native tool calls for its model family
    params.cache_prompt = True
    params.cache_ram_mib = CACHE_RAM_MIB
    params.port = 0  # a free loopback port, answered only with this key
    params.api_keys = [secrets.token_hex(16)]
    params.ui = False
    params.offline = True
    if embedding:
        params.embedding = True
        params.pooling_type = xlc.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    return params


def _start(path: Path, n_ctx: int, *, embedding: bool = False) -> Any:
    """An ``xllamacpp.Server`` for ``path``, with errors that name the file and the fix."""
    try:
        import xllamacpp as xlc
    except ImportError:
        raise ModelError(
            f"cannot load {path}: the llamacpp backend needs xllamacpp; "
            "install it with: pip install xllamacpp"
        ) from None
    if not path.is_file():
        raise ModelNotFoundError(f"no GGUF model file at {path}; `pasi models list` shows yours")
    try:
        return xlc.Server(_params(path, n_ctx, embedding=embedding))
    except (RuntimeError, ValueError) as error:
        raise ModelError(
            f"llama.cpp cannot load {path}: {error} (is it a GGUF model, and does it fit in "
            "memory with this context size?)"
        ) from None


class _LazyServer:
    """The server for one GGUF, started by whichever request comes first (under a lock)."""

    def __init__(self, path: Path, start: Callable[[], Any]) -> None:
        self.path = path
        self._start = start
        self._server: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._server is None:
                self._server = self._start()
            return self._server


def _answer(response: Any, who: str) -> dict[str, Any]:
    """The response dict, or a ModelError with llama.cpp's own reason."""
    if not isinstance(response, dict):
        raise ModelError(f"{who} answered with {type(response).__name__}, not a response")
    error = response.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        raise ModelError(f"{who} refused the request: {message}")
    return response


class LlamaCppModel:
    """A :class:`~pasi.models.chat.ChatModel` running a GGUF in this process.

    ``max_tokens`` caps a request that sets no cap; ``temperature`` and ``seed`` apply when
    the request sets none (``seed=None``: a new one each call).
    """

    local = True  # nothing leaves the process

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = DEFAULT_CTX,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = DEFAULT_TEMPERATURE,
        seed: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = f"llamacpp:{self.path}"
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self._server = _LazyServer(self.path, lambda: _start(self.path, n_ctx))

    def who(self) -> str:
        return f"llamacpp model {self.path}"

    def complete(self, request: ChatRequest) -> Completion:
        if request.json_schema is None:
            return self._complete_once(request)
        return complete_with_schema(request, self._complete_once, self.who())

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Text as it is generated; closing the generator stops generation."""
        chunks = self._chunks(request)
        try:
            for chunk in StreamAssembler().feed(chunks):
                if chunk.completion is not None and request.json_schema is not None:
                    chunk = Chunk(completion=self._checked(request, chunk.completion))
                yield chunk
        finally:
            chunks.close()

    def _checked(self, request: ChatRequest, streamed: Completion) -> Completion:
        return complete_with_schema(request, self._complete_once, self.who(), first=streamed)

    def _complete_once(self, request: ChatRequest) -> Completion:
        server = self._server.get()
        try:
            response = server.handle_chat_completions(self.body(request))
        except (RuntimeError, ValueError) as error:
            raise ModelError(f"{self.who()} failed: {error}") from None
        return completion_from_wire(_answer(response, self.who()))

    def _chunks(self, request: ChatRequest) -> Iterator[dict[str, Any]]:
        """llama.cpp's stream callbacks as an iterator, fed by a worker thread.

        When the consumer stops early (the generator is closed), the next callback returns
        True, which tells llama.cpp to stop generating and free its slot.
        """
        server = self._server.get()
        body = {**self.body(request), "stream": True, "stream_options": {"include_usage": True}}
        pending: queue.SimpleQueue[Any] = queue.SimpleQueue()
        stop = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            pending.put(chunk)
            return stop.is_set()

        def run() -> None:
            try:
                server.handle_chat_completions(body, on_chunk)
            except BaseException as error:  # handed to the consumer's thread
                pending.put(error)
            finally:
                pending.put(None)

        worker = threading.Thread(target=run, name="pasi-llamacpp-stream", daemon=True)
        worker.start()
        try:
            while (item := pending.get()) is not None:
                if isinstance(item, BaseException):
                    raise ModelError(f"{self.who()} failed: {item}") from None
                yield _answer(item, self.who())
        finally:
            stop.set()
            worker.join(STOP_WAIT)

    def body(self, request: ChatRequest) -> dict[str, Any]:
        """The OpenAI-style request llama.cpp's server is given for ``request``."""
        body: dict[str, Any] = {
            "messages": wire_messages(request.messages),
            "max_tokens": request.max_tokens or self.max_tokens,
            "temperature": (
                self.temperature if request.temperature is None else request.temperature
            ),
            "cache_prompt": True,
        }
        if self.seed is not None:
            body["seed"] = self.seed
        if request.tools:
            body["tools"] = wire_tools(request.tools)
            body["tool_choice"] = "auto"
        if request.json_schema is not None:
            body["response_format"] = {"type": "json_object", "schema": request.json_schema}
        return body


class LlamaCppEmbedder:
    """An :class:`~pasi.models.embedder.Embedder` from a GGUF: mean-pooled, unit-length."""

    def __init__(self, path: Path, *, n_ctx: int = 512) -> None:
        self.path = Path(path)
        self.name = f"llamacpp:{self.path}"
        self._server = _LazyServer(self.path, lambda: _start(self.path, n_ctx, embedding=True))
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._vectors(["dimension"]).shape[1])
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._vectors(list(texts))
        self._dim = vectors.shape[1]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.where(norms == 0, 1, norms))

    def _vectors(self, texts: list[str]) -> np.ndarray:
        who = f"llamacpp embedder {self.path}"
        try:
            response = self._server.get().handle_embeddings({"input": texts})
        except (RuntimeError, ValueError) as error:
            raise ModelError(f"{who} failed: {error}") from None
        rows = sorted(_answer(response, who).get("data") or [], key=lambda r: r.get("index", 0))
        if len(rows) != len(texts):
            raise ModelError(f"{who} returned {len(rows)} vectors for {len(texts)} texts")
        return np.asarray([row["embedding"] for row in rows], dtype=np.float32)
