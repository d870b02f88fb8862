"""``pasi chat`` with a model (scripted) streams answers; ``pasi why`` shows what shaped them."""

from __future__ import annotations

import json

import pytest
from cli_support import Invoke, assert_one_error_line

from pasi.app import Pasi
from pasi.models.chat import Completion, ScriptedModel, ToolCall, Usage, replies
from pasi.models.registry import Models


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> ScriptedModel:
    """The CLI's configured model, whatever the spec says, is this scripted one."""
    model = ScriptedModel(replies(
        Completion("", (ToolCall("c1", "recall", '{"query": "sister"}'),)),
        "Your sister Ana lives in Porto [m1].",
    ), name="scripted-test")  # fmt: skip
    monkeypatch.setenv("PASI_MODEL", "ollama:test")
    monkeypatch.setattr(Pasi, "models", property(lambda self: Models(None, model, "scripted")))
    return model


def test_chat_with_a_model_streams_the_answer_and_why_explains_it(
    pasi: Invoke, scripted: ScriptedModel
) -> None:
    assert pasi("remember", "My sister Ana lives in Porto").exit_code == 0
    chat = pasi("chat", input="Where does my sister live?\n")
    assert chat.exit_code == 0, chat.output
    assert "Your sister Ana lives in Porto [m1]." in chat.stdout
    assert "scripted-test" in chat.stdout and "[recall done]" in chat.stderr
    shown = pasi("why")
    assert shown.exit_code == 0, shown.output
    for fragment in (
        "scripted-test",
        "Where does my sister live?",
        "cited: m1",
        "m1",
        "profile",
        "My sister Ana lives in Porto",
        'tool recall({"query": "sister"}): ok',
    ):
        assert fragment in shown.stdout, fragment  # fmt: skip
    explained = json.loads(pasi("why", "--json").stdout)
    assert explained["model"] == "scripted-test"
    assert explained["answer"] == "Your sister Ana lives in Porto [m1]."
    assert explained["citations"] == [{"tag": "m1", "kind": "memory", "id": 1, "resolved": True}]
    assert explained["tokens"] <= explained["budget"] == 2000
    [item] = [i for i in explained["items"] if i["tag"] == "m1"]
    assert item["text"] == "My sister Ana lives in Porto" and item["section"] == "profile"
    assert explained["tool_calls"][0]["found"] == ["m1"]


def test_why_shows_forgotten_items_as_forgotten(pasi: Invoke, scripted: ScriptedModel) -> None:
    pasi("remember", "My sister Ana lives in Porto")
    pasi("chat", input="Where does my sister live?\n")
    assert pasi("memories", "forget", "1", "--yes").exit_code == 0
    explained = json.loads(pasi("why", "--json").stdout)
    assert [i["text"] for i in explained["items"] if i["tag"] == "m1"] == [None]
    assert "(forgotten)" in pasi("why").stdout


def test_why_before_any_answer_is_one_clear_error(pasi: Invoke) -> None:
    assert_one_error_line(pasi("why"), "no answer yet")


def test_why_shows_what_the_turn_cost(pasi: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    model = ScriptedModel(replies(
        Completion("", (ToolCall("c1", "recall", '{"query": "sister"}'),), usage=Usage(410, 9)),
        Completion("Ana lives in Porto [m1].", usage=Usage(450, 8)),
    ), name="scripted-test")  # fmt: skip
    monkeypatch.setenv("PASI_MODEL", "ollama:test")
    monkeypatch.setattr(Pasi, "models", property(lambda self: Models(None, model, "scripted")))
    pasi("remember", "My sister Ana lives in Porto")
    assert pasi("chat", input="Where does my sister live?\n").exit_code == 0
    metering = json.loads(pasi("why", "--json").stdout)["metering"]
    assert {k: metering[k] for k in ("model_calls", "prompt_tokens", "completion_tokens")} == {
        "model_calls": 2,
        "prompt_tokens": 860,
        "completion_tokens": 17,
    }
    assert metering["tokens_estimated"] is False
    assert 0 <= metering["model_seconds"] <= metering["turn_seconds"]
    assert "model: 2 calls, 860 prompt + 17 completion tokens" in pasi("why").stdout


def test_why_marks_estimated_tokens(pasi: Invoke, scripted: ScriptedModel) -> None:
    pasi("chat", input="Where does my sister live?\n")
    metering = json.loads(pasi("why", "--json").stdout)["metering"]
    assert metering["model_calls"] == 2 and metering["tokens_estimated"] is True
    assert metering["prompt_tokens"] > 0 and metering["completion_tokens"] > 0
    assert "(estimated)" in pasi("why").stdout
