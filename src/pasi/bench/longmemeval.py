"""LongMemEval retrieval metrics (Wu et al., ICLR 2025), with no language model.

Each question brings its own haystack of chat sessions. As the paper does for retrieval, only
the user's turns are indexed: they go into a fresh vault through the product's own import path,
and the question is asked at its ``question_date``. The metrics follow the official evaluation
code (``src/retrieval/eval_utils.py`` and ``run_retrieval.py``):

- turn level: the evidence is the user turns marked ``has_answer`` in the answer sessions;
  recall_all@k is 1 when every one of them is in the top k, NDCG@k is binary-relevance NDCG
  whose ideal ranking puts all evidence turns first.
- session level, from the same turn ranking: each ranked turn stands for its session, and the
  cut-off grows until the top turns cover k distinct sessions. As in the official code, only an
  evidence turn stands for an evidence session (the other turns of that session are relabelled
  and count as a separate, irrelevant one), and NDCG is taken over the turns up to the cut-off,
  repeats included.
- questions whose id contains ``_abs`` (abstention) and questions with no user-side evidence
  turn are left out of the averages, as the official scripts do; the report counts them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pasi.bench.common import scratch_store
from pasi.errors import ImportFormatError
from pasi.ingest.conversations import (
    _parse_time,  # the same reader as the haystack dates
    is_longmemeval,
    read_json,
    read_longmemeval_item,
)
from pasi.memory.retrieval import RetrievalParams
from pasi.models.embedder import Embedder

# -- the metrics ------------------------------------------------------------------------------


def recall_all(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    """1.0 when every relevant item is in the top k (vacuously 1.0 when there are none)."""
    top = set(ranked[:k])
    return float(all(item in top for item in relevant))


def recall_any(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    top = set(ranked[:k])
    return float(any(item in top for item in relevant))


def dcg(relevances: Sequence[float]) -> float:
    return sum(rel / math.log2(rank + 2) for rank, rel in enumerate(relevances))


def ndcg(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int, total: int) -> float:
    """Binary NDCG@k; ``total`` is how many items of the whole corpus are relevant."""
    ideal = dcg([1.0] * min(total, k))
    if ideal == 0:
        return 0.0
    return dcg([1.0 if item in relevant else 0.0 for item in ranked[:k]]) / ideal


def session_cutoff(sessions: Sequence[Hashable], k: int) -> int:
    """The shortest prefix of a turn ranking (at least k long) that covers k distinct sessions."""
    seen: set[Hashable] = set()
    for position, session in enumerate(sessions, start=1):
        seen.add(session)
        if len(seen) >= k and position >= k:
            return position
    return len(sessions) + 1


# -- one question -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A question with its corpus of user turns, named by the external ids pasi stores."""

    id: str
    type: str
    text: str
    turns: list[str]  # external ids of the user turns, in haystack order
    session_of: dict[str, str]
    evidence: set[str]  # external ids of the evidence turns

    def session_label(self, turn: str) -> tuple[str, bool]:
        """A turn's session as the official evaluation sees it (see the module docstring)."""
        session = self.session_of[turn]
        relabelled = turn not in self.evidence and session in self.evidence_sessions
        return (session, relabelled)

    @property
    def evidence_sessions(self) -> set[str]:
        return {self.session_of[t] for t in self.evidence}


def turn_metrics(question: Question, ranked: Sequence[str], k: int) -> dict[str, float]:
    total = len(question.evidence)
    return {
        f"recall_any@{k}": recall_any(ranked, question.evidence, k),
        f"recall_all@{k}": recall_all(ranked, question.evidence, k),
        f"ndcg@{k}": ndcg(ranked, question.evidence, k, total),
    }


def session_metrics(question: Question, ranked: Sequence[str], k: int) -> dict[str, float]:
    labels = [question.session_label(t) for t in ranked]
    relevant = {(s, False) for s in question.evidence_sessions}
    cutoff = session_cutoff(labels, k)
    total = sum(question.session_label(t) in relevant for t in question.turns)
    return {
        f"recall_any@{k}": recall_any(labels, relevant, cutoff),
        f"recall_all@{k}": recall_all(labels, relevant, cutoff),
        f"ndcg@{k}": ndcg(labels, relevant, cutoff, total),
    }


# -- the harness ------------------------------------------------------------------------------


def run_longmemeval(
    path: Path,
    ks: Sequence[int] = (5, 10),
    *,
    embedder: Embedder | None,
    params: RetrievalParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    data = read_json(path)
    if not is_longmemeval(data):
        raise ImportFormatError(
            f"{path}: not a LongMemEval file (expected a list of questions with "
            "'haystack_sessions', as in longmemeval_s.json, _m or _oracle)"
        )
    per_question: list[tuple[str, dict[str, dict[str, float]]]] = []
    skipped = {"abstention": 0, "no_user_evidence": 0}
    for index, item in enumerate(data):
        where = f"{path}: [{index}]"
        question_id = str(_field(item, "question_id", where))
        if "_abs" in question_id:
            skipped["abstention"] += 1
            continue
        question = read_question(item, where)
        if not question.evidence:
            skipped["no_user_evidence"] += 1
            continue
        if progress:
            progress(f"{question.id}: {len(question.turns)} user turns")
        ranked = _rank(item, question, where, embedder, params)
        per_question.append((question.type, _metrics(question, ranked, ks)))
    return _report(path, per_question, skipped, ks)


def read_question(item: dict[str, Any], where: str) -> Question:
    """The user turns of a question's haystack and which of them hold the answer."""
    answer_sessions = {str(s) for s in _field(item, "answer_session_ids", where)}
    sessions = _field(item, "haystack_sessions", where)
    session_ids = item.get("haystack_session_ids") or [str(i) for i in range(len(sessions))]
    turns, session_of, evidence = [], {}, set()
    for session_id, session in zip(session_ids, sessions, strict=False):
        for t_index, turn in enumerate(session if isinstance(session, list) else []):
            if not isinstance(turn, dict) or turn.get("role") != "user":
                continue
            if not str(turn.get("content", "")).strip():
                continue  # the importer skips empty turns, so they cannot be ranked
            external_id = f"{session_id}:{t_index}"  # as read_longmemeval_item names turns
            turns.append(external_id)
            session_of[external_id] = str(session_id)
            if turn.get("has_answer") is True and str(session_id) in answer_sessions:
                evidence.add(external_id)
    question_type = str(item.get("question_type", "unknown"))
    text = str(_field(item, "question", where))
    return Question(str(item["question_id"]), question_type, text, turns, session_of, evidence)


def _field(item: Any, key: str, where: str) -> Any:
    if not isinstance(item, dict) or key not in item:
        raise ImportFormatError(f"{where}: missing field '{key}' (not a LongMemEval question)")
    return item[key]


def _rank(
    item: dict[str, Any],
    question: Question,
    where: str,
    embedder: Embedder | None,
    params: RetrievalParams | None,
) -> list[str]:
    """Every user turn, best first: pasi's ranking, then the turns it did not return."""
    conversation = read_longmemeval_item(item, where)
    user_turns = [t for t in conversation.turns if t.role == "user"]
    latest = max((t.occurred_at for t in user_turns if t.occurred_at), default=None)
    asked_at = _parse_time(item.get("question_date"), f"{where}.question_date")
    if asked_at is None and latest is not None:
        asked_at = latest + timedelta(days=1)
    with scratch_store(embedder) as store:
        if params is not None:
            store.retriever.params = params
        store.record_turns(user_turns, source_uri=conversation.uri, source_kind="import")
        results = store.recall(question.text, len(question.turns), at=asked_at, kind="episode")
    ranked = [r.external_id for r in results if r.external_id in question.session_of]
    returned = set(ranked)
    return ranked + [t for t in question.turns if t not in returned]


def _metrics(question: Question, ranked: list[str], ks: Sequence[int]) -> dict[str, dict]:
    session: dict[str, float] = {}
    turn: dict[str, float] = {}
    for k in ks:
        session.update(session_metrics(question, ranked, k))
        turn.update(turn_metrics(question, ranked, k))
    return {"session": session, "turn": turn}


def _mean(rows: list[dict[str, dict[str, float]]], level: str) -> dict[str, float]:
    if not rows:
        return {}
    names = rows[0][level]
    return {name: round(sum(r[level][name] for r in rows) / len(rows), 4) for name in names}


def _report(
    path: Path,
    per_question: list[tuple[str, dict[str, dict[str, float]]]],
    skipped: dict[str, int],
    ks: Sequence[int],
) -> dict[str, Any]:
    rows = [m for _, m in per_question]
    by_type: dict[str, list[dict[str, dict[str, float]]]] = defaultdict(list)
    for question_type, metrics in per_question:
        by_type[question_type].append(metrics)
    return {
        "benchmark": "longmemeval",
        "file": str(path),
        "metric": "recall_all@k and NDCG@k over user turns, as the official evaluation",
        "ks": list(ks),
        "questions": len(rows),
        "skipped": skipped,
        "session": _mean(rows, "session"),
        "turn": _mean(rows, "turn"),
        "per_type": {name: _summary(group) for name, group in sorted(by_type.items())},
    }


def _summary(rows: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    return {"questions": len(rows), "session": _mean(rows, "session"), "turn": _mean(rows, "turn")}
