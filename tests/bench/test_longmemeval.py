"""LongMemEval metrics on rankings and on a small file whose answers are worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pasi.bench.longmemeval import (
    ndcg,
    recall_all,
    recall_any,
    run_longmemeval,
    session_cutoff,
)
from pasi.errors import ImportFormatError
from pasi.models.embedder import WordLlamaEmbedder

DATE = "2023/05/20 (Sat) 02:21"
G = 1 / math.log2(3)  # the gain of a hit at rank 2
F = 1 / math.log2(5)  # the gain of a hit at rank 4


def test_recall_all_needs_every_relevant_item_in_the_top_k() -> None:
    ranked = ["a", "b", "c", "d"]
    assert recall_all(ranked, {"a", "c"}, 2) == 0.0
    assert recall_all(ranked, {"a", "c"}, 3) == 1.0
    assert recall_any(ranked, {"c", "z"}, 2) == 0.0
    assert recall_any(ranked, {"c", "z"}, 3) == 1.0


def test_ndcg_is_one_for_an_ideal_ranking_and_discounts_late_hits() -> None:
    assert ndcg(["a", "b", "c"], {"a", "b"}, 3, total=2) == 1.0
    assert ndcg(["x", "a", "c"], {"a"}, 3, total=1) == pytest.approx(G)
    assert ndcg(["x", "a", "y", "b"], {"a", "b"}, 4, total=2) == pytest.approx((G + F) / (1 + G))
    assert ndcg(["x", "y"], {"a"}, 2, total=1) == 0.0


def test_ndcg_ideal_counts_relevant_items_the_ranking_never_reached() -> None:
    # two relevant items exist, only one is ranked: the ideal still holds both
    assert ndcg(["a", "x"], {"a", "b"}, 2, total=2) == pytest.approx(1 / (1 + G))


def test_session_cutoff_grows_until_k_distinct_sessions() -> None:
    assert session_cutoff(["s1", "s1", "s2", "s3"], 2) == 3
    assert session_cutoff(["s1", "s2"], 2) == 2
    assert session_cutoff(["s1", "s1"], 2) == 3  # never reached: the whole ranking


def _turn(content: str, answer: bool = False, role: str = "user") -> dict:
    return {"role": role, "content": content, "has_answer": answer}


def _question(qid: str, qtype: str, question: str, sessions: dict[str, list]) -> dict:
    return {
        "question_id": qid,
        "question_type": qtype,
        "question": question,
        "answer": "-",
        "question_date": "2023/06/01 (Thu) 10:00",
        "haystack_session_ids": list(sessions),
        "haystack_dates": [DATE] * len(sessions),
        "haystack_sessions": list(sessions.values()),
        "answer_session_ids": [s for s in sessions if s.startswith("answer")],
    }


def _write_file(path: Path) -> Path:
    dog = _question("q1", "single-session-user", "What breed is my dog Biscuit?", {
        "answer_a1": [_turn("My dog Biscuit is a beagle breed", True),
                      _turn("Beagles are lovely.", role="assistant")],
        "s_x": [_turn("I baked bread today")],
        "s_y": [_turn("The weather was rainy")],
        "s_z": [_turn("My dog loves the park")],
    })  # fmt: skip
    # Ranked by BM25: s_c:0 (guitar, buy), answer_b2:0 (guitar); the rest match nothing and
    # follow in haystack order: answer_b1:0 (no answer), answer_b1:2 (the answer), s_d:0.
    guitars = _question("q2", "multi-session", "Which guitars did I buy?", {
        "s_c": [_turn("I want to buy a guitar case")],
        "answer_b1": [_turn("The strap is blue"), _turn("Cool.", role="assistant"),
                      _turn("Picked up an acoustic Martin", True)],
        "answer_b2": [_turn("Ordered a Fender Stratocaster guitar", True)],
        "s_d": [_turn("Dinner was pasta")],
    })  # fmt: skip
    abstention = _question(
        "q3_abs",
        "single-session-user",
        "What is my cat called?",
        {
            "answer_e1": [_turn("I have no pets")],
        },
    )
    assistant_only = _question(
        "q4",
        "single-session-assistant",
        "What did you suggest?",
        {
            "answer_f1": [_turn("Any tips?"), _turn("Try yoga", True, role="assistant")],
        },
    )
    path.write_text(json.dumps([dog, guitars, abstention, assistant_only]))
    return path


def test_metrics_on_a_hand_worked_file(tmp_path: Path) -> None:
    report = run_longmemeval(_write_file(tmp_path / "lme.json"), ks=(1, 2, 3, 4), embedder=None)
    assert report["questions"] == 2
    assert report["skipped"] == {"abstention": 1, "no_user_evidence": 1}
    q2_at_2 = G / (1 + G)  # q2: the hit at rank 2, two relevant turns in the ideal
    q2_at_4 = (G + F) / (1 + G)
    turn, session = report["turn"], report["session"]
    assert turn["recall_all@1"] == 0.5 and turn["ndcg@1"] == 0.5
    assert turn["recall_all@2"] == 0.5
    assert turn["ndcg@2"] == round((1 + q2_at_2) / 2, 4)
    assert turn["recall_all@3"] == 0.5
    assert turn["recall_all@4"] == 1.0
    assert turn["ndcg@4"] == round((1 + q2_at_4) / 2, 4)
    assert session["recall_all@2"] == 0.5
    # answer_b1's first turn holds no answer: like the official code, it counts as another
    # session, so three distinct sessions are reached before answer_b1 itself is.
    assert session["recall_all@3"] == 0.5
    assert session["ndcg@3"] == round((1 + q2_at_2) / 2, 4)
    assert session["recall_all@4"] == 1.0
    assert session["ndcg@4"] == round((1 + q2_at_4) / 2, 4)
    assert report["per_type"]["single-session-user"]["turn"]["ndcg@4"] == 1.0
    assert report["per_type"]["multi-session"]["questions"] == 1
    assert report["per_type"]["multi-session"]["turn"]["recall_any@2"] == 1.0


def test_runs_with_the_real_embedder(tmp_path: Path, embedder: WordLlamaEmbedder) -> None:
    report = run_longmemeval(_write_file(tmp_path / "lme.json"), ks=(1, 5), embedder=embedder)
    assert report["per_type"]["single-session-user"]["turn"]["recall_all@1"] == 1.0
    assert report["turn"]["recall_all@5"] == 1.0  # q2's five user turns are all in the top 5


def test_a_file_that_is_not_longmemeval_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"conversation": {}, "qa": []}]))
    with pytest.raises(ImportFormatError, match="not a LongMemEval file"):
        run_longmemeval(other, embedder=None)


def test_a_question_without_its_fields_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"question_id": "x", "haystack_sessions": []}]))
    with pytest.raises(ImportFormatError, match="answer_session_ids"):
        run_longmemeval(broken, embedder=None)
