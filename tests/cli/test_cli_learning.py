"""pasi memories pending / reextract through the real CLI, with a scripted fast model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import Invoke, assert_one_error_line, write_conversation

from pasi.app import Pasi
from pasi.models.chat import ChatRequest, ScriptedModel


def facts_from_turns(request: ChatRequest) -> str:
    """Each turn becomes a memory about its speaker."""
    prompt = request.messages[-1].content
    memories = [
        {"text": f"{who} said: {text}", "kind": "fact", "subject": who, "when": None,
         "confidence": 0.9, "evidence": [int(turn_id)]}
        for turn_id, who, text in re.findall(r"^\[(\d+)\] \S+ \S+ \(\w+\) (\w+): (.*)$",
                                             prompt, re.MULTILINE)
    ]  # fmt: skip
    return json.dumps({"memories": memories})


@pytest.fixture
def model_replies(monkeypatch: pytest.MonkeyPatch) -> list:
    """The fast model the CLI gets: set ``model_replies[0]`` to a handler."""
    handlers: list = [lambda request: "not json at all"]
    monkeypatch.setattr(
        Pasi, "fast_model", lambda self: ScriptedModel(lambda r: handlers[0](r), name="test")
    )
    return handlers


def test_pending_is_empty_on_a_new_vault(pasi: Invoke, model_replies: list) -> None:
    result = pasi("memories", "pending")
    assert result.exit_code == 0 and "nothing pending" in result.stdout
    assert json.loads(pasi("memories", "pending", "--json").stdout) == []


def test_failed_extraction_shows_in_pending_then_reextract_succeeds(
    pasi: Invoke, model_replies: list, tmp_path: Path
) -> None:
    chat = write_conversation(tmp_path / "chat.json", [["I keep bees.", "I speak Greek."]])
    assert pasi("import", str(chat)).exit_code == 0
    failed = pasi("memories", "reextract")
    assert failed.exit_code == 1 and "1 failed" in failed.stdout
    [job] = json.loads(pasi("memories", "pending", "--json").stdout)
    assert job["status"] == "failed" and "not json at all" in job["raw_output"]
    assert "not the JSON" in job["error"] and len(job["episode_ids"]) == 2
    assert "not json at all" in pasi("memories", "pending").stdout

    model_replies[0] = facts_from_turns
    fixed = pasi("memories", "reextract", "--failed-only", "--json")
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout)["added"] == 2
    assert json.loads(pasi("memories", "pending", "--json").stdout) == []
    listed = json.loads(pasi("memories", "list", "--json").stdout)
    assert sorted((m["subject"], m["text"]) for m in listed) == [
        ("Ana", "Ana said: I keep bees."), ("Ben", "Ben said: I speak Greek.")
    ]  # fmt: skip


def test_reextract_limits_to_a_period_and_adds_nothing_twice(
    pasi: Invoke, model_replies: list, tmp_path: Path
) -> None:
    model_replies[0] = facts_from_turns
    chat = write_conversation(tmp_path / "chat.json", [["Day one."], ["Day two."]])
    pasi("import", str(chat))  # sessions on 2024-01-01 and 2024-01-02
    only_second = pasi("memories", "reextract", "--since", "2024-01-02", "--json")
    assert json.loads(only_second.stdout)["added"] == 1
    everything = json.loads(pasi("memories", "reextract", "--until", "2024-02-01", "--json").stdout)
    assert (everything["added"], everything["unchanged"]) == (1, 1)


def test_reextract_rejects_an_unreadable_date(pasi: Invoke, model_replies: list) -> None:
    assert_one_error_line(pasi("memories", "reextract", "--since", "when pigs fly"), "--since")


def test_bench_locomo_reference_facts_and_extract_options(
    pasi: Invoke, model_replies: list, tmp_path: Path
) -> None:
    from test_cli_bench import _locomo

    data = _locomo(tmp_path / "tiny.json")
    result = pasi("bench", "locomo", str(data), "--k", "1", "--reference-facts", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["facts"] == "reference"
    model_replies[0] = lambda request: '{"memories": []}'
    extracted = pasi("bench", "locomo", str(data), "--k", "1", "--extract", "--json")
    assert extracted.exit_code == 0, extracted.output
    assert json.loads(extracted.stdout)["facts"] == "model"


def test_a_held_memory_shows_in_pending_with_its_reason(
    pasi: Invoke, model_replies: list, tmp_path: Path
) -> None:
    def invents_a_place(request: ChatRequest) -> str:
        turn_id = re.findall(r"^\[(\d+)\]", request.messages[-1].content, re.MULTILINE)[0]
        return json.dumps({"memories": [
            {"text": "Ana lives in Oslo", "kind": "fact", "subject": "Ana", "when": None,
             "confidence": 0.9, "evidence": [int(turn_id)]}
        ]})  # fmt: skip

    model_replies[0] = invents_a_place
    chat = write_conversation(tmp_path / "chat.json", [["Ana keeps bees."]])
    assert pasi("import", str(chat)).exit_code == 0
    assert pasi("memories", "reextract").exit_code == 0
    [held] = json.loads(pasi("memories", "pending", "--json").stdout)
    assert held["type"] == "held" and held["text"] == "Ana lives in Oslo"
    assert held["reason"] == f"'Oslo' is not in turn {held['episode_ids'][0]}"
    table = pasi("memories", "pending").stdout
    assert "held back" in table and "'Oslo' is not in turn" in table
