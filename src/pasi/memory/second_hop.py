"""Questions whose evidence is spread out: a second hop from the first results, and a ranking
drawn from several sessions. No language model.

- **Second hop** (pseudo-relevance feedback, like RM3): the rarest words of the best first
  results (a name, a place, the thing done: "Nicole", "clarinet", "Rome") are asked again as a
  second lexical query, and its matches add a small share of the best first score. A turn that
  shares the first answers' specifics, but not the question's words, can then rise.
- **Spread over sessions**: a question asking for several things ("What books has Melanie
  read?", "Which cities has Jon visited?", "both", "how many") is answered by turns from
  different sessions, while the best-scored turns often come from one (the neighbours' words
  make a whole stretch of a session match). For such a question the top of the ranking is
  drawn again greedily, each further turn from an already used session counting ``decay``
  times less (a session-level MMR).

The measurements behind both, and the ideas measured and dropped, are in docs/benchmarks.md.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pasi.vault import search

if TYPE_CHECKING:
    import sqlite3

    from pasi.memory.retrieval import RetrievalParams
    from pasi.vault.lexical import LexicalIndex

# "What books has ...", "Which cities ...", "What are ...", "both", "how many", "in common",
# and the present perfect of a life so far ("Where has Melanie camped?").
ASKS_FOR_MANY = re.compile(
    r"^\s*(?:what|which|who|where)\s+(?:\w+\s+)?(?:\w+(?<!s)s|people|children)\b"
    r"(?<!\bis)(?<!\bwas)(?<!\bdoes)(?<!\bhas)"
    r"|\bboth\b|\bhow many\b|^\s*(?:what|who) are\b|\bin common\b"
    r"|\b(?:has|have)\s+(?:\w+\s+){1,3}?\w+ed\b",
    re.IGNORECASE,
)


def asks_for_many(question: str) -> bool:
    """Does the question ask for several things, likely said in different sessions?"""
    return bool(ASKS_FOR_MANY.search(question))


def feedback_terms(
    scores: Mapping[int, float],
    unit_terms: Mapping[int, list[str]],
    frequencies: Mapping[str, int],
    units: int,
    asked: Iterable[str],
    count: int,
) -> list[str]:
    """The ``count`` terms the first results share that the question lacks: each term weighs
    its rarity (idf) times the score of every result holding it (RM3's relevance model)."""
    skip = set(asked)
    weights: Counter[str] = Counter()
    for unit_id, terms in unit_terms.items():
        for term in set(terms) - skip:
            holders = frequencies.get(term, 0)
            if holders:
                weights[term] += math.log(units / holders) * scores.get(unit_id, 0.0)
    return [term for term, weight in weights.most_common(count) if weight > 0]


def spread_over_sessions(
    ranked: list[tuple[int, float]], sessions: Mapping[int, str | None], k: int, decay: float
) -> list[tuple[int, float]]:
    """The best ``k`` of ``ranked`` (best first), each further pick from a session already
    used weighing ``decay`` times less; scores are kept as they were. Lazy greedy: a unit's
    weight only falls as its session is used, so a stale heap entry is re-pushed, not rescanned."""
    heap = [(-score, order, unit_id, 0) for order, (unit_id, score) in enumerate(ranked)]
    heapq.heapify(heap)
    own = dict(ranked)
    used: Counter[str] = Counter()
    picked: list[tuple[int, float]] = []
    while heap and len(picked) < k:
        _, order, unit_id, seen = heapq.heappop(heap)
        session = sessions.get(unit_id)
        now = used[session] if session is not None else 0
        if now != seen:
            heapq.heappush(heap, (-own[unit_id] * decay**now, order, unit_id, now))
            continue
        picked.append((unit_id, own[unit_id]))
        if session is not None:
            used[session] += 1
    return picked


def second_hop(
    lexical: LexicalIndex,
    conn: sqlite3.Connection,
    p: RetrievalParams,
    question_terms: list[str],
    about_pasi: bool,
    scores: dict[int, float],
    units: Mapping[int, search.Traits],
    kind: str | None,
) -> None:
    """Ask again with the rarest words the best first results share (RM3-like feedback): a
    candidate among the second query's best ``feedback_hits`` gains up to ``feedback_weight``
    of the best first score in ``scores``, demoted as its first score was. It only re-ranks:
    adding its matches the first signals had missed changed no LoCoMo figure."""
    first = dict(sorted(scores.items(), key=lambda item: -item[1])[: p.feedback_docs])
    best = max(first.values())
    if best <= 0:
        return
    own = search.unit_terms(conn, first)
    frequencies = lexical.document_frequencies(sorted({t for ts in own.values() for t in ts}))
    again = feedback_terms(first, own, frequencies, lexical.size, question_terms, p.feedback_terms)
    hits = lexical.search(again, p.feedback_hits, weights=(1.0, p.context_weight), kind=kind)
    if not hits:
        return
    matched = dict(hits)
    top = hits[0][1] or 1.0
    for unit_id in matched.keys() & scores.keys():
        unit = units[unit_id]
        demoted = (p.superseded_factor if unit.closed else 1.0) * (
            p.reply_factor if unit.reply and not about_pasi else 1.0
        )
        scores[unit_id] += p.feedback_weight * best * matched[unit_id] / top * demoted
