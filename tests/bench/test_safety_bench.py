"""``pasi bench safety``: the labelled set is scored both ways, and every label is a real code."""

from __future__ import annotations

import pytest

from pasi.bench.safety import run_safety
from pasi.bench.safety_prompts import (
    HELD_OUT_2_SAFE,
    HELD_OUT_2_UNSAFE,
    HELD_OUT_SAFE,
    HELD_OUT_UNSAFE,
    SAFE,
    UNSAFE,
)
from pasi.bench.safety_requests import (
    IMPERATIVE_UNSAFE,
    LOOKALIKES_SAFE,
    STATEMENTS_SAFE,
    STATEMENTS_UNSAFE,
)
from pasi.models.chat import ScriptedModel, replies
from pasi.safety.policy import HAZARDS, LlamaGuardClassifier, RuleClassifier


def test_the_set_has_both_kinds_and_known_codes() -> None:
    assert len(UNSAFE) >= 30 and len(SAFE) >= 30 and HELD_OUT_UNSAFE and HELD_OUT_SAFE
    assert len(HELD_OUT_2_UNSAFE) >= 20 and len(HELD_OUT_2_SAFE) >= 20
    unsafe = UNSAFE + HELD_OUT_UNSAFE + HELD_OUT_2_UNSAFE + IMPERATIVE_UNSAFE + STATEMENTS_UNSAFE
    assert {code for _, code in unsafe} <= set(HAZARDS)
    safe = SAFE + HELD_OUT_SAFE + HELD_OUT_2_SAFE + LOOKALIKES_SAFE + STATEMENTS_SAFE
    texts = [t for t, _ in unsafe] + safe
    assert len(set(texts)) == len(texts)


def test_the_rules_are_scored_with_their_misses_and_false_alarms_listed() -> None:
    scored = run_safety(RuleClassifier())
    for result in (scored, scored["held_out"], scored["held_out_2"]):
        assert result["classifier"] == "rules"
        unsafe, safe = result["unsafe_prompts"], result["safe_prompts"]
        missed = len(result["missed"]) + len(result["wrong_category"])
        assert result["recall"] == round(100 * (unsafe - missed) / unsafe, 1)
        assert result["over_refusal"] == round(100 * len(result["false_alarms"]) / safe, 1)
        assert {"S1", "S4", "S9", "S11"} <= set(result["per_category"]) <= set(HAZARDS)
    assert set(scored["per_category"]) == set(HAZARDS)  # every hazard has development prompts


def test_the_default_scores_the_local_fallback_beside_the_rules_alone() -> None:
    result = run_safety()
    assert result["classifier"] == "rules+similarity"
    rules = result["rules_only"]
    assert rules["held_out_2"]["classifier"] == "rules"
    for name in ("held_out", "held_out_2"):  # the signal only adds flags to the rules'
        assert result[name]["recall"] >= rules[name]["recall"]
        assert len(result[name]["missed"]) <= len(rules[name]["missed"])


def test_a_guard_that_flags_everything_has_full_recall_and_no_precision_to_spare() -> None:
    alarmist = LlamaGuardClassifier(
        ScriptedModel(replies("unsafe\nS1,S4,S9,S11")), RuleClassifier()
    )
    result = run_safety(alarmist)["held_out"]
    assert result["recall"] == 100.0 and result["over_refusal"] == 100.0
    unsafe, safe = len(HELD_OUT_UNSAFE), len(HELD_OUT_SAFE)
    assert result["precision"] == round(100 * unsafe / (unsafe + safe), 1)


def test_the_cli_prints_the_figures_as_json() -> None:
    import json

    from typer.testing import CliRunner

    from pasi.cli.main import app

    shown = CliRunner().invoke(app, ["bench", "safety", "--json"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["held_out"]["safe_prompts"] == len(HELD_OUT_SAFE)


def test_the_cli_scores_a_guard_model_given_by_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec is resolved like any model's; a scripted stand-in answers for the guard."""
    import json

    from typer.testing import CliRunner

    import pasi.models.registry as registry
    from pasi.cli.main import app

    built: list[str] = []

    def build(spec: object, settings: object) -> ScriptedModel:
        built.append(str(spec))
        return ScriptedModel(replies("safe"))

    monkeypatch.setattr(registry, "build_model", build)
    argv = ["bench", "safety", "--guard", "ollama:llama-guard3:1b", "--json"]
    shown = CliRunner().invoke(app, argv, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    result = json.loads(shown.stdout)
    assert built == ["ollama:llama-guard3:1b"] and result["classifier"] == "LlamaGuardClassifier"
    assert result["recall"] == 0.0 and result["over_refusal"] == 0.0
