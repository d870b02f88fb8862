"""Consolidation: each extracted candidate is added, supersedes an older memory, or is dropped.

Duplicates never pile up: a candidate whose normalised text equals a current memory about the
same subject, or that is nearly the same (high cosine and high word overlap), is a NOOP.
A change ("I moved from Berlin to Lisbon") supersedes the memory it replaces, which keeps its
history (``valid_to``, ``superseded_by``). Cases in between are decided by the model when
there is one, with a small schema-constrained question; without one, by the heuristics in
:func:`decide`, a pure function tests can hit directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from pasi.memory.extract import Candidate
from pasi.memory.relations import replaces
from pasi.memory.remote import memories_for_remote
from pasi.memory.store import MemoryStore
from pasi.memory.text import terms, words
from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.models.locality import is_local
from pasi.vault.memories import NewMemory

Action = Literal["ADD", "SUPERSEDE", "NOOP"]

NEAR_COSINE = 0.9  # with NEAR_OVERLAP: the same statement in other words
NEAR_OVERLAP = 0.6
RELATED_COSINE = 0.75  # similar enough that one may replace the other
RELATED_OVERLAP = 0.4
NEIGHBOURS = 8  # existing memories compared with each candidate
_OWNER_TERMS = set(terms("user"))  # every memory about the user may say "the user"

_CHANGE = re.compile(
    r"\b(?:moved|moving|relocated|now|no longer|not anymore|anymore|any more|instead|changed|"
    r"switched|quit|left|stopped|started|became|new|divorced|married|broke up|sold|"
    r"graduated|retired|used to)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Neighbour:
    """A current memory about the same subject, and how close the candidate is to it."""

    id: int
    text: str
    cosine: float = 0.0


@dataclass(frozen=True)
class Decision:
    action: Action
    target: int | None = None  # the memory a SUPERSEDE or NOOP refers to
    reason: str = ""


def normalise(text: str) -> str:
    """Case, punctuation and spacing folded, and "the user"/"I" made the same words."""
    folded = " ".join(words(text))
    return re.sub(r"^(?:the user|user|i)\b\s*", "", folded)


def overlap(a: str, b: str) -> float:
    """Shared index terms over the smaller set: 1.0 when one statement's words hold the other's."""
    left, right = set(terms(a)) - _OWNER_TERMS, set(terms(b)) - _OWNER_TERMS
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def decide(text: str, neighbours: Sequence[Neighbour]) -> Decision | None:
    """What to do with a candidate, or None when only a model can tell (similar, no cue).

    Exact or near duplicates are NOOPs; a memory placing the subject elsewhere (lives in,
    works at: pasi.memory.relations) is superseded, as is a related memory plus words of change
    ("moved", "now", "no longer"); nothing related means ADD.
    """
    key = normalise(text)
    for n in neighbours:
        if normalise(n.text) == key:
            return Decision("NOOP", n.id, "same text")
    for n in neighbours:
        if n.cosine >= NEAR_COSINE and overlap(text, n.text) >= NEAR_OVERLAP:
            return Decision("NOOP", n.id, "near duplicate")
        if set(terms(text)) and set(terms(text)) <= set(terms(n.text)) and n.cosine >= 0.8:
            return Decision("NOOP", n.id, "says nothing the existing memory does not")
    for n in neighbours:
        moved = replaces(text, n.text)
        if moved:
            return Decision("SUPERSEDE", n.id, f"same relation, new value ({moved})")
    related = [n for n in neighbours if _related(text, n)]
    if not related:
        return Decision("ADD", reason="nothing similar")
    if _CHANGE.search(text):
        best = max(related, key=lambda n: (overlap(text, n.text), n.cosine))
        return Decision("SUPERSEDE", best.id, "similar memory and words of change")
    return None


def _related(text: str, n: Neighbour) -> bool:
    return n.cosine >= RELATED_COSINE or overlap(text, n.text) >= RELATED_OVERLAP


def heuristic(text: str, neighbours: Sequence[Neighbour]) -> Decision:
    """The decision without a model: ambiguous cases are added (nothing is ever lost)."""
    return decide(text, neighbours) or Decision("ADD", reason="similar but no sign of change")


# -- asking the model ------------------------------------------------------------------------

DECISION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action", "id"],
    "properties": {
        "action": {"type": "string", "enum": ["ADD", "SUPERSEDE", "NOOP"]},
        "id": {"type": ["integer", "null"]},
    },
}

DECISION_PROMPT = """You keep a person's memory consistent. A new statement was learned about
{subject}. Compare it with the existing memories below and answer with JSON:
- {{"action": "NOOP", "id": N}} if memory N already says the same thing;
- {{"action": "SUPERSEDE", "id": N}} if the new statement replaces memory N, which is no longer
  true (a move, a new job, a changed preference);
- {{"action": "ADD", "id": null}} if it is new information that can hold alongside them.

Existing memories:
{existing}

New statement: {text}"""


def ask_model(model: ChatModel, candidate: Candidate, neighbours: Sequence[Neighbour]) -> Decision:
    """The model's decision; an unreadable or impossible answer falls back to the heuristics."""
    existing = "\n".join(f"[{n.id}] {n.text}" for n in neighbours)
    prompt = DECISION_PROMPT.format(
        subject=candidate.subject, existing=existing, text=candidate.text
    )
    request = ChatRequest(
        messages=[Message("user", prompt)], json_schema=DECISION_SCHEMA, temperature=0.0
    )
    try:
        reply = model.complete(request).text
        value = json.loads(_object(reply))
        action = str(value.get("action", "")).upper()
        target = value.get("id")
    except (ValueError, AttributeError) as error:
        fallback = heuristic(candidate.text, neighbours)
        return Decision(fallback.action, fallback.target, f"model answer unreadable ({error})")
    ids = {n.id for n in neighbours}
    if action == "ADD":
        return Decision("ADD", reason="model: new information")
    if action in ("SUPERSEDE", "NOOP") and isinstance(target, int) and target in ids:
        return Decision(action, target, f"model: {action.lower()} {target}")  # type: ignore[arg-type]
    fallback = heuristic(candidate.text, neighbours)
    return Decision(fallback.action, fallback.target, f"model answer {value!r} not usable")


def _object(reply: str) -> str:
    start, end = reply.find("{"), reply.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object")
    return reply[start : end + 1]


def cosines(query: np.ndarray | None, vectors: Sequence[np.ndarray | None]) -> list[float]:
    if query is None:
        return [0.0] * len(vectors)
    q = query / (np.linalg.norm(query) or 1.0)
    return [0.0 if v is None else float(np.dot(q, v / (np.linalg.norm(v) or 1.0))) for v in vectors]


# -- applying decisions to the store ---------------------------------------------------------


@dataclass
class Outcome:
    """What consolidation did with one batch of candidates."""

    added: list[int]
    superseded: list[tuple[int, int]]  # (old id, new id)
    unchanged: list[int]  # existing memories a candidate duplicated

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.superseded)} superseded, "
            f"{len(self.unchanged)} already known"
        )


def neighbours_of(store: MemoryStore, candidate: Candidate) -> list[Neighbour]:
    """Current memories about the candidate's subject that resemble it, with cosines."""
    found = store.recall(candidate.text, NEIGHBOURS * 3, kind="memory")
    same = [r for r in found if r.current and r.speaker == candidate.subject][:NEIGHBOURS]
    embedder = store.indexer.embedder
    if embedder is None or not same:
        return [Neighbour(r.id, r.text) for r in same]
    vectors = embedder.embed([candidate.text, *(r.text for r in same)])
    sims = cosines(vectors[0], list(vectors[1:]))
    return [Neighbour(r.id, r.text, s) for r, s in zip(same, sims, strict=True)]


def consolidate(
    store: MemoryStore,
    candidates: Sequence[Candidate],
    *,
    model: ChatModel | None = None,
    source_id: int | None = None,
) -> Outcome:
    """Store each candidate as decided; one at a time, so a batch cannot duplicate itself."""
    outcome = Outcome([], [], [])
    for candidate in candidates:
        neighbours = neighbours_of(store, candidate)
        decision = decide(candidate.text, neighbours)
        if decision is None:
            decision = (
                ask_model(model, candidate, neighbours)
                if model and _may_see(store, model, neighbours)
                else heuristic(candidate.text, neighbours)
            )
        new = NewMemory(
            candidate.text, candidate.kind, candidate.subject, candidate.valid_from, None,
            candidate.confidence, source_id=source_id, evidence=candidate.evidence,
            note=_note(candidate, decision),
        )  # fmt: skip
        if decision.action == "NOOP" and decision.target is not None:
            outcome.unchanged.append(decision.target)
        elif decision.action == "SUPERSEDE" and decision.target is not None:
            created = store.replace(decision.target, new)
            outcome.superseded.append((decision.target, created.id))
        else:
            outcome.added.append(store.remember_many([new])[0].id)
    return outcome


def _may_see(store: MemoryStore, model: ChatModel, neighbours: Sequence[Neighbour]) -> bool:
    """A remote model is not shown withheld memories: with one among them, decide here."""
    if is_local(model):
        return True
    ids = [n.id for n in neighbours]
    return memories_for_remote(store.vault.read(), ids) == set(ids)


def _note(candidate: Candidate, decision: Decision) -> str:
    parts = ["learned from conversation", candidate.note, decision.reason]
    return "; ".join(p for p in parts if p)
