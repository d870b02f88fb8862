"""The in-process llama.cpp backend (xllamacpp) on a tiny random-weight GGUF: the real runtime,
no download. tests/models/test_real_llamacpp.py runs it on real weights."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import xllamacpp  # noqa: F401  (the test setup installs it; a missing runtime must fail, not skip)

from pasi.errors import ModelError, ModelNotFoundError
from pasi.models.chat import ChatRequest, Message, ToolSpec
from pasi.models.llamacpp import LlamaCppEmbedder, LlamaCppModel

# Booleans and enums keep grammar-constrained output short even from random weights.
SCHEMA = {
    "type": "object",
    "properties": {
        "remember": {"type": "boolean"},
        "kind": {"enum": ["fact", "preference", "plan"]},
    },
    "required": ["remember", "kind"],
    "additionalProperties": False,
}
HELLO = ChatRequest([Message("system", "Be brief."), Message("user", "hello")], max_tokens=12)


@pytest.fixture(scope="module")
def model(tiny_gguf: Path) -> LlamaCppModel:
    return LlamaCppModel(tiny_gguf, n_ctx=512, seed=7)


def test_completion_returns_text_and_token_counts(model: LlamaCppModel) -> None:
    completion = model.complete(HELLO)
    assert isinstance(completion.text, str) and completion.finish_reason in ("stop", "length")
    assert completion.usage is not None and completion.usage.prompt_tokens > 5
    assert "<s>" not in completion.text  # token types kept: control tokens never become text
    assert model.name == f"llamacpp:{model.path}"


def test_streaming_yields_the_text_then_the_same_completion(model: LlamaCppModel) -> None:
    chunks = list(model.stream(HELLO))
    final = chunks[-1].completion
    assert final is not None and all(c.completion is None for c in chunks[:-1])
    assert "".join(c.text for c in chunks[:-1]) == final.text


def test_closing_a_stream_stops_generation_and_frees_the_model(model: LlamaCppModel) -> None:
    stream = model.stream(ChatRequest([Message("user", "count")], max_tokens=2000))
    next(stream)
    stream.close()  # llama.cpp stops at its next token: the worker thread ends at once
    assert not [t for t in threading.enumerate() if t.name == "pasi-llamacpp-stream"]
    assert model.complete(HELLO).usage is not None  # the slot is free for the next request


def test_json_schema_output_is_valid_json_of_the_schema(model: LlamaCppModel) -> None:
    request = ChatRequest([Message("user", "Should I remember this?")], json_schema=SCHEMA)
    for _ in range(3):
        value = json.loads(model.complete(request).text)
        jsonschema.validate(value, SCHEMA)
    chunks = list(model.stream(request))
    streamed = chunks[-1].completion
    assert streamed and streamed.text == "".join(c.text for c in chunks[:-1])
    jsonschema.validate(json.loads(streamed.text), SCHEMA)


def test_tools_go_to_llamacpp_and_calls_that_come_back_are_valid(model: LlamaCppModel) -> None:
    """The GGUF's own template drives tool calls (llama.cpp's parsers); random weights may
    answer in text instead, so only the calls that do come back are checked."""
    parameters = {
        "type": "object",
        "properties": {"query": {"enum": ["dog", "tea"]}},
        "required": ["query"],
        "additionalProperties": False,
    }
    tool = ToolSpec("recall", "search memory", parameters)
    request = ChatRequest([Message("user", "what is my dog called?")], tools=[tool], max_tokens=24)
    body = model.body(request)
    assert body["tools"][0]["function"]["name"] == "recall" and body["tool_choice"] == "auto"
    completion = model.complete(request)
    assert completion.finish_reason in ("stop", "length", "tool_calls")
    for call in completion.tool_calls:
        assert call.name == "recall"
        jsonschema.validate(call.parsed_arguments(), parameters)


def test_a_request_without_a_cap_gets_the_models_default_cap(tiny_gguf: Path) -> None:
    model = LlamaCppModel(tiny_gguf, n_ctx=512, max_tokens=5, temperature=0.0)
    body = model.body(ChatRequest([Message("user", "hello")]))
    assert body["max_tokens"] == 5 and body["temperature"] == 0.0 and body["cache_prompt"]
    completion = model.complete(ChatRequest([Message("user", "hello")]))
    assert completion.usage is not None and completion.usage.completion_tokens <= 5


def test_a_prompt_longer_than_the_context_is_refused_naming_the_model(
    model: LlamaCppModel,
) -> None:
    request = ChatRequest([Message("user", "hello " * 600)], max_tokens=4)
    with pytest.raises(ModelError, match="exceeds the available context size") as caught:
        model.complete(request)
    assert str(model.path) in str(caught.value)
    with pytest.raises(ModelError, match="exceeds the available context size"):
        list(model.stream(request))


def test_embeddings_are_unit_vectors_one_per_text(tiny_gguf: Path) -> None:
    embedder = LlamaCppEmbedder(tiny_gguf)
    vectors = embedder.embed(["I live in Berlin", "my dog is Rex", "I live in Berlin"])
    assert vectors.shape == (3, embedder.dim) == (3, 64) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
    assert embedder.embed([]).shape == (0, 64)


def test_a_missing_or_broken_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no GGUF model file at"):
        LlamaCppModel(tmp_path / "absent.gguf").complete(HELLO)
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match=r"broken\.gguf"):
        LlamaCppModel(broken).complete(HELLO)


def test_a_stable_prefix_is_evaluated_once(model: LlamaCppModel) -> None:
    """cache_prompt: the second turn reuses the first one's evaluated instructions."""
    instructions = Message("system", "You are pasi. " + "Be brief. " * 12)
    server = model._server.get()
    usages = []
    for question in ("hello", "what is my dog called?"):
        request = ChatRequest([instructions, Message("user", question)], max_tokens=2)
        usages.append(server.handle_chat_completions(model.body(request))["usage"])
    first, second = usages
    assert second["prompt_tokens_details"]["cached_tokens"] > first["prompt_tokens"] * 0.6


def test_two_requests_at_once_both_get_their_answers(model: LlamaCppModel) -> None:
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(model.complete(HELLO))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2 and all(getattr(r, "usage", None) for r in results)
