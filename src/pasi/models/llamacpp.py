"""In-process llama.cpp (``llama-cpp-python``): a GGUF file on disk, no server.

``llama_cpp`` is imported when a model is first used, so configuring another backend costs
nothing. JSON-schema output is grammar-constrained by llama.cpp itself
(``response_format={"type": "json_object", "schema": ...}``), so even a weak model can only
write JSON of the schema; the reply is still checked (models/structured.py).

Tools: llama-cpp-python parses tool calls only for chat formats built for them
(``chatml-function-calling``, ``functionary*``); with the GGUF's own chat template, tool calls
would come back as plain text. So a request with tools under another format is refused with
a clear error instead of silently dropping the tools.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pasi.errors import ModelError, ModelNotFoundError
from pasi.models.chat import ChatRequest, Chunk, Completion
from pasi.models.structured import complete_with_schema
from pasi.models.wire import (
    StreamAssembler,
    completion_from_wire,
    sampling,
    wire_messages,
    wire_tools,
)

TOOL_FORMATS = ("chatml-function-calling", "functionary", "functionary-v1", "functionary-v2")
DEFAULT_CTX = 4096
POOLING_MEAN = 1  # llama_cpp.LLAMA_POOLING_TYPE_MEAN, without importing llama_cpp


def _load_llama(path: Path, **options: Any) -> Any:
    """A ``llama_cpp.Llama`` for ``path``, with errors that name the file and the fix."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelError(
            f"cannot load {path}: the llamacpp backend needs llama-cpp-python; "
            "install it with: pip install 'pasi[llamacpp]'"
        ) from None
    if not path.is_file():
        raise ModelNotFoundError(f"no GGUF model file at {path}; `pasi models list` shows yours")
    threads = max(1, min(os.cpu_count() or 1, 8))
    try:
        return Llama(model_path=str(path), n_threads=threads, verbose=False, **options)
    except (ValueError, RuntimeError) as error:
        raise ModelError(f"llama.cpp cannot load {path}: {error} (is it a GGUF model?)") from None


class LlamaCppModel:
    """A :class:`~pasi.models.chat.ChatModel` running a GGUF in this process."""

    local = True  # nothing leaves the process

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = DEFAULT_CTX,
        chat_format: str | None = None,
        seed: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = f"llamacpp:{self.path}"
        self.chat_format = chat_format or None
        self._options: dict[str, Any] = {"n_ctx": n_ctx, "chat_format": self.chat_format}
        if seed is not None:
            self._options["seed"] = seed
        self._llama: Any = None
        self._lock = threading.RLock()  # a llama.cpp context serves one request at a time

    def who(self) -> str:
        return f"llamacpp model {self.path}"

    def _model(self) -> Any:
        with self._lock:
            if self._llama is None:
                self._llama = _load_llama(self.path, **self._options)
        return self._llama

    def complete(self, request: ChatRequest) -> Completion:
        if request.json_schema is None:
            return self._complete_once(request)
        return complete_with_schema(request, self._complete_once, self.who())

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """Text as it is generated; closing the generator stops generation."""
        with self._lock:
            chunks = self._create(request, stream=True)
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
        with self._lock:
            return completion_from_wire(self._create(request, stream=False))

    def _create(self, request: ChatRequest, *, stream: bool) -> Any:
        params = self._params(request)
        llama = self._model()
        try:
            return llama.create_chat_completion(stream=stream, **params)
        except ValueError as error:  # e.g. the prompt is longer than the context
            raise ModelError(f"{self.who()} refused the request: {error}") from None

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {"messages": wire_messages(request.messages), **sampling(request)}
        if request.tools:
            if self.chat_format not in TOOL_FORMATS:
                raise ModelError(
                    f"{self.who()} cannot call tools with chat format "
                    f"'{self.chat_format or 'the model template'}': set the setting "
                    "'llamacpp_chat_format' to 'chatml-function-calling', or serve the model "
                    "with a tool-calling server (Ollama, llama.cpp's server)"
                )
            params["tools"] = wire_tools(request.tools)
            params["tool_choice"] = "auto"
        if request.json_schema is not None:
            params["response_format"] = {"type": "json_object", "schema": request.json_schema}
        return params


class LlamaCppEmbedder:
    """An :class:`~pasi.models.embedder.Embedder` from a GGUF: mean-pooled, unit-length."""

    def __init__(self, path: Path, *, n_ctx: int = 512) -> None:
        self.path = Path(path)
        self.name = f"llamacpp:{self.path}"
        self._n_ctx = n_ctx
        self._llama: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._llama is None:
                self._llama = _load_llama(
                    self.path, embedding=True, n_ctx=self._n_ctx, pooling_type=POOLING_MEAN
                )
        return self._llama

    @property
    def dim(self) -> int:
        return int(self._model().n_embd())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        llama = self._model()
        with self._lock:
            vectors = np.asarray(llama.embed(list(texts), normalize=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.where(norms == 0, 1, norms))
