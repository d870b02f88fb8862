"""llama.cpp's OpenAI-compatible server (xllamacpp's, in a subprocess) on the tiny GGUF,
driven through pasi's OpenAI-compatible backend and the real ``openai`` SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import xllamacpp  # noqa: F401  (installed by the test setup: fail, never skip)

from models.llamacpp_server import llamacpp_server
from models.scripted_http import closed_port
from pasi.config import load_settings
from pasi.errors import ModelTimeoutError, ModelUnreachableError
from pasi.models.chat import ChatRequest, Message
from pasi.models.openai_compat import OpenAICompatModel, OpenAIEmbedder, Provider
from pasi.models.registry import load_models

SCHEMA = {
    "type": "object",
    "properties": {"remember": {"type": "boolean"}, "kind": {"enum": ["fact", "plan"]}},
    "required": ["remember", "kind"],
    "additionalProperties": False,
}
HELLO = ChatRequest([Message("user", "hello")], max_tokens=12)


@pytest.fixture(scope="module")
def server_url(tiny_gguf: Path) -> Iterator[str]:
    with llamacpp_server(tiny_gguf, n_ctx=512, embedding=True) as url:
        yield url


@pytest.fixture(scope="module")
def model(server_url: str) -> OpenAICompatModel:
    return OpenAICompatModel("tiny", Provider(server_url, None, 30.0, 2))


def test_completion_and_streaming_through_the_sdk(model: OpenAICompatModel) -> None:
    completion = model.complete(HELLO)
    assert isinstance(completion.text, str) and completion.usage is not None
    chunks = list(model.stream(HELLO))
    final = chunks[-1].completion
    assert final is not None and "".join(c.text for c in chunks[:-1]) == final.text
    assert len(chunks) > 2  # it really streamed


def test_json_schema_output_is_constrained_by_the_server(model: OpenAICompatModel) -> None:
    request = ChatRequest([Message("user", "Should I remember this?")], json_schema=SCHEMA)
    for _ in range(2):
        jsonschema.validate(json.loads(model.complete(request).text), SCHEMA)
    assert model.schema_mode == "json_schema"  # llama.cpp's server takes OpenAI's own form
    chunks = list(model.stream(request))
    streamed = chunks[-1].completion
    assert streamed and streamed.text == "".join(c.text for c in chunks[:-1])
    jsonschema.validate(json.loads(streamed.text), SCHEMA)


def test_embeddings_from_the_server(server_url: str) -> None:
    embedder = OpenAIEmbedder("tiny", Provider(server_url, None, 30.0, 0))
    vectors = embedder.embed(["I live in Berlin", "my dog is Rex"])
    assert vectors.shape == (2, 64) and embedder.dim == 64
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_spec_string_reaches_the_same_server(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASI_MODEL", f"openai-compatible:{server_url}#tiny")
    strong = load_models(load_settings()).strong
    assert strong is not None and isinstance(strong.complete(HELLO).text, str)


def test_a_tiny_timeout_is_a_clear_error(server_url: str) -> None:
    slow = OpenAICompatModel("tiny", Provider(server_url, None, 0.001, 0))
    with pytest.raises(ModelTimeoutError, match=r"0\.001 s"):
        slow.complete(ChatRequest([Message("user", "hello")], max_tokens=200))


def test_a_stopped_server_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(ModelUnreachableError, match=f"cannot reach the model server at {url}"):
        OpenAICompatModel("tiny", Provider(url, None, 5.0, 0)).complete(HELLO)
