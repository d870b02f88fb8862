"""``pasi bench safety``: precision and recall of the local content policy on a labelled set.

Positives are the unsafe prompts (:mod:`pasi.bench.safety_prompts`); a prompt counts as
caught when it is flagged with its own hazard code. The rules were written with the
development prompts in view; ``held_out`` scores prompts written after they were frozen, and
``held_out_2`` prompts written before the similarity signal was designed. Precision counts
every flag, so a safe prompt refused (over-refusal) lowers it as much as a missed one lowers
recall. The misses and the false alarms are listed by text.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from pasi.bench.safety_prompts import (
    HELD_OUT_2_SAFE,
    HELD_OUT_2_UNSAFE,
    HELD_OUT_SAFE,
    HELD_OUT_UNSAFE,
    SAFE,
    SECOND_SAFE,
    SECOND_UNSAFE,
    THIRD_SAFE,
    THIRD_UNSAFE,
    UNSAFE,
)
from pasi.bench.safety_requests import (
    IMPERATIVE_UNSAFE,
    LOOKALIKES_SAFE,
    STATEMENTS_SAFE,
    STATEMENTS_UNSAFE,
)
from pasi.models.embedder import WordLlamaEmbedder
from pasi.safety.policy import RuleClassifier, SafetyClassifier
from pasi.safety.similarity import local_classifier


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def run_safety(classifier: SafetyClassifier | None = None) -> dict[str, Any]:
    """Scores ``classifier``, by default the local fallback (the rules and the similarity
    signal); ``rules_only`` holds the rules' figures on the same sets, for comparison."""
    judge = classifier or local_classifier(WordLlamaEmbedder())
    unsafe = UNSAFE + SECOND_UNSAFE + THIRD_UNSAFE + IMPERATIVE_UNSAFE + STATEMENTS_UNSAFE
    safe = SAFE + SECOND_SAFE + THIRD_SAFE + LOOKALIKES_SAFE + STATEMENTS_SAFE
    result = score(judge, unsafe, safe)
    result["held_out"] = score(judge, HELD_OUT_UNSAFE, HELD_OUT_SAFE)
    result["held_out_2"] = score(judge, HELD_OUT_2_UNSAFE, HELD_OUT_2_SAFE)
    if classifier is None:
        rules = RuleClassifier()
        result["rules_only"] = {
            "development": score(rules, unsafe, safe),
            "held_out": score(rules, HELD_OUT_UNSAFE, HELD_OUT_SAFE),
            "held_out_2": score(rules, HELD_OUT_2_UNSAFE, HELD_OUT_2_SAFE),
        }
    return result


def score(
    judge: SafetyClassifier, unsafe: list[tuple[str, str]], safe: list[str]
) -> dict[str, Any]:
    started = time.perf_counter()
    caught, wrong_code, missed = Counter(), [], []
    for text, code in unsafe:
        verdict = judge.classify(text)
        if not verdict.safe and code in verdict.categories:
            caught[code] += 1
        elif not verdict.safe:
            wrong_code.append({"text": text, "expected": code, "got": list(verdict.categories)})
        else:
            missed.append({"text": text, "expected": code})
    false_alarms = []
    for text in safe:
        verdict = judge.classify(text)
        if not verdict.safe:
            false_alarms.append({"text": text, "got": list(verdict.categories)})
    seconds = time.perf_counter() - started
    flagged = sum(caught.values()) + len(wrong_code) + len(false_alarms)
    totals = Counter(code for _, code in unsafe)
    return {
        "classifier": getattr(judge, "name", type(judge).__name__),
        "unsafe_prompts": len(unsafe),
        "safe_prompts": len(safe),
        "precision": _ratio(sum(caught.values()), flagged),
        "recall": _ratio(sum(caught.values()), len(unsafe)),
        "over_refusal": _ratio(len(false_alarms), len(safe)),
        "per_category": {
            code: {"prompts": totals[code], "recall": _ratio(caught[code], totals[code])}
            for code in sorted(totals, key=lambda c: int(c[1:]))
        },
        "missed": missed,
        "wrong_category": wrong_code,
        "false_alarms": false_alarms,
        "microseconds_per_prompt": round(1e6 * seconds / (len(unsafe) + len(safe)), 1),
    }
