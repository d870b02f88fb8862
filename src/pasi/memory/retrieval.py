"""Hybrid retrieval: BM25 (FTS5's formula, scored in memory) over a turn and its neighbours, boosts for the one person and the
period a question names, and a dense term. Everything runs with no language model.

score = (BM25 / best BM25 x (1 + speaker boost) x (1 + time boost) + dense weight x cosine)
        x superseded factor (a closed memory) x reply factor (an assistant's reply, unless the
        question asks what pasi said)
        + second hop (a share of the best score for the candidates that match the rarest words
          of the best first results; memory/second_hop.py)

A question naming a kind of source ("yesterday's call", "my screen", "the terminal":
memory/cues.py) adds the source boost to units of that kind, and with a period those units
count as at least a ``source_floor`` word match (they may share no word with the question).

A question asking for several things ("What books has ... read?") has its first results drawn
from several sessions.

Why each part is here, with the measurement behind it, is in docs/benchmarks.md. In short: BM25
on stemmed words is the strongest single signal on conversational memory; WordLlama alone is
weak, so it is added to the normalised lexical score instead of voting as an equal (RRF).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np

from pasi.memory import cues
from pasi.memory.dayparts import PHRASE_JOIN
from pasi.memory.second_hop import asks_for_many, second_hop, spread_over_sessions
from pasi.memory.text import STOPWORDS, terms, words
from pasi.memory.timeref import TimeRange, find_time_range
from pasi.models.embedder import Embedder
from pasi.vault import episodes as ep
from pasi.vault import index_files, search
from pasi.vault import memories as mem
from pasi.vault.lexical import LexicalIndex
from pasi.vault.search import VectorIndex
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.vectors import unit_watermark

# "What did you say about...", "you told me", "your advice", "did pasi recommend": the
# question is about the assistant's own replies.
ASKS_WHAT_PASI_SAID = re.compile(
    r"\b(?:you|pasi)\s+(?:\w+\s+){0,2}?(?:say|said|tell|told|suggest(?:ed)?|recommend(?:ed)?"
    r"|advised?|answer(?:ed)?|repl(?:y|ied)|mention(?:ed)?|wr(?:ite|ote)|propos(?:e|ed)"
    r"|explain(?:ed)?)\b|\byour\s+(?:answer|advice|suggestion|recommendation|reply|response"
    r"|explanation|idea)s?\b",
    re.IGNORECASE,
)
SOURCE_CANDIDATES = 500  # the newest units of a named period joining a source-kind question
PERIOD_WIDENING = 5  # how much deeper the lexical list goes when a question names a period
# Units added or rewritten before a long-running process saves its indexes again: a new process
# reads at most this many from the vault (~35 µs each) before its first answer.
SAVE_EVERY = 5_000
BULK_SAVE_EVERY = 50_000  # during an import; the rest is saved when the vault closes
SPEAKERS = "speakers"


@dataclass(frozen=True)
class RetrievalParams:
    candidates: int = 100
    context_weight: float = 0.5  # BM25 weight of the neighbours' words relative to the turn's
    dense_weight: float = 1.0
    speaker_boost: float = 1.0  # the question names exactly one person: their words count double
    time_boost: float = 2.0  # the unit is about the period the question names
    source_boost: float = 1.0  # from the kind of source the question names (a call, the screen)
    source_floor: float = 0.6  # least word match of a unit of that kind from the named time
    superseded_factor: float = 0.6  # history is findable but ranks below what is true now
    # An assistant's reply is evidence of what pasi said, not of what the user said: it ranks
    # below the user's own words, unless the question asks what pasi said (then it counts as
    # the named speaker's words do).
    reply_factor: float = 0.5
    # Second hop (memory/second_hop.py): the rarest words of the best ``feedback_docs`` results,
    # ``feedback_terms`` of them, are asked again; their matches add this share of the best score.
    feedback_weight: float = 0.2
    feedback_docs: int = 5
    feedback_terms: int = 8
    feedback_hits: int = 30  # the second query's best matches that gain
    # A question asking for several things: each further turn from a session already in the
    # first ``spread_depth`` results counts this much less (1.0: no spreading).
    spread_decay: float = 0.8
    spread_depth: int = 10


@dataclass(frozen=True)
class Recalled:
    """One result, with enough provenance for the user to check it."""

    kind: str  # "memory" or "episode"
    id: int
    text: str
    score: float
    at: datetime | None
    speaker: str | None
    source: str | None
    session: str | None
    current: bool = True
    evidence: tuple[int, ...] = field(default=())
    external_id: str | None = None


@dataclass
class Query:
    text: str
    terms: list[str]
    time: TimeRange | None
    speakers: set[str]
    about_pasi: bool = False  # asks what pasi (the assistant) said
    prefers: str | None = None  # cues.RECORDING or cues.CAPTURE
    apps: tuple[str, ...] = ()  # parts of app names the question's "terminal", "browser" covers
    many: bool = False  # asks for several things, likely said in different sessions


class Retriever:
    def __init__(
        self, vault: SQLiteVault, embedder: Embedder | None, params: RetrievalParams | None = None
    ) -> None:
        self.vault = vault
        self.embedder = embedder
        self.params = params or RetrievalParams()
        self.vectors = VectorIndex()
        self.lexical = LexicalIndex()
        # A plain vault's indexes are saved beside it; an encrypted one's stay in memory.
        self.folder = None if vault.encrypted else vault.directory / index_files.INDEX_DIR
        self._opened = False
        self._importing = False  # this process made a bulk write: it keeps the dense graph
        self._speakers: tuple[object, set[str]] = (None, set())
        self._speakers_seen = (0, -1)  # (highest unit id read, deletions) for _known_speakers
        self._lock = threading.Lock()

    def _known_speakers(self, version: object) -> set[str]:
        """Speakers of all units; after a write, only the new units are read (a chat turn
        writes every time, and the full DISTINCT scan took 5-20 ms at 100k units)."""
        if self._speakers[0] == version:
            return self._speakers[1]
        conn = self.vault.read()
        if not self._opened:  # the saved speakers come with the saved indexes
            self._open(conn)
        max_unit, deletions = unit_watermark(conn)
        after, known = self._speakers_seen[0], self._speakers[1]
        if deletions != self._speakers_seen[1]:
            after, known = 0, set()
        rows = conn.execute(
            "SELECT DISTINCT speaker FROM search_units"
            + (" WHERE id > ? AND id <= ? AND +speaker IS NOT NULL" if after else
               " WHERE speaker IS NOT NULL AND id <= ?"),
            (after, max_unit) if after else (max_unit,),
        )  # fmt: skip
        known = known | {r[0] for r in rows}
        self._speakers = (version, known)
        self._speakers_seen = (max_unit, deletions)
        return known

    def analyse(self, text: str, asked_at: datetime, version: object) -> Query:
        query_words = [w for w in words(text) if w not in STOPWORDS]
        speakers = {s for s in self._known_speakers(version) if _names(s, query_words)}
        period = find_time_range(text, asked_at, within_day=True)
        # The period is matched by time; its words ("last", "August") would match every
        # memory that mentions some other August, and cost the most to score.
        words_left = text.lower()
        for phrase in period.phrase.split(PHRASE_JOIN) if period else ():
            words_left = words_left.replace(phrase, " ")
        about_pasi = bool(ASKS_WHAT_PASI_SAID.search(text))
        query = Query(text, terms(words_left) or terms(text), period, speakers, about_pasi)
        query.prefers, query.apps = cues.preferred_kind(text), cues.app_words(text)
        query.many = asks_for_many(text)
        return query

    def recall(
        self, text: str, k: int, *, asked_at: datetime, kind: str | None = None
    ) -> list[Recalled]:
        with self._lock:
            version = self.vault.data_version()
            query = self.analyse(text, asked_at, version)
            scored = self.score(query, version, kind)
        ranked = sorted(scored.items(), key=lambda item: -item[1])
        if query.many and self.params.spread_decay < 1:
            return self.hydrate(self._spread(ranked, k))
        return self.hydrate(ranked[:k])

    def _spread(self, ranked: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
        """The first ``spread_depth`` results drawn from several sessions, then the rest."""
        depth = min(k, self.params.spread_depth)
        head = ranked[: 10 * depth]
        units = search.get_units(self.vault.read(), [unit_id for unit_id, _ in head])
        sessions = {unit_id: unit.session for unit_id, unit in units.items()}
        first = spread_over_sessions(head, sessions, depth, self.params.spread_decay)
        taken = {unit_id for unit_id, _ in first}
        return first + [hit for hit in ranked if hit[0] not in taken][: k - depth]

    def score(self, query: Query, version: object, kind: str | None) -> dict[int, float]:
        conn = self.vault.read()
        p = self.params
        weights = (1.0, p.context_weight)
        in_period: set[int] = set()
        limit = p.candidates
        if query.time is not None:
            in_period = set(search.units_about(conn, query.time.start, query.time.end))
            limit *= PERIOD_WIDENING if in_period else 1
        self._refresh(conn, version)
        ranked = self.lexical.search(query.terms, limit, weights=weights, kind=kind)
        lexical = dict(ranked[: p.candidates])
        # The period's best matches from a wider list join the candidates, so a weaker match
        # said then can still rise above stronger ones from other times.
        lexical.update([hit for hit in ranked if hit[0] in in_period][: p.candidates])
        dense = self._dense(conn, query, version, list(lexical))
        # A question naming a time and a kind of source ("what did I see at 10?") may share no
        # word with the answer: that time's units are candidates too, kept if of that kind.
        timed = set(sorted(in_period)[-SOURCE_CANDIDATES:]) if query.prefers else set()
        units = search.unit_traits(conn, set(lexical) | set(dense) | timed)
        top = max(lexical.values(), default=1.0) or 1.0
        named = next(iter(query.speakers)) if len(query.speakers) == 1 else None
        preferred = self._preferred(conn, query, units)
        scores = {}
        for unit_id, unit in units.items():
            if (kind is not None and unit.kind != kind) or (
                unit_id not in lexical and unit_id not in dense and unit_id not in preferred
            ):
                continue
            factor = 1.0
            if named is not None and unit.speaker == named:
                factor += p.speaker_boost
            if unit_id in in_period:
                factor += p.time_boost
            if unit_id in preferred:
                factor += p.source_boost
            demoted = p.superseded_factor if unit.closed else 1.0
            if unit.reply and query.about_pasi:
                factor += p.speaker_boost
            elif unit.reply:
                demoted *= p.reply_factor
            matched = lexical.get(unit_id, 0.0) / top
            if unit_id in preferred and unit_id in in_period:
                matched = max(matched, p.source_floor)
            lexical_part = factor * demoted * matched
            dense_part = p.dense_weight * dense.get(unit_id, 0.0)
            scores[unit_id] = lexical_part + dense_part * demoted
        if p.feedback_weight > 0 and scores:
            second_hop(self.lexical, conn, p, query.terms, query.about_pasi, scores, units, kind)
        return scores

    @staticmethod
    def _preferred(
        conn: sqlite3.Connection, query: Query, units: dict[int, search.Traits]
    ) -> set[int]:
        if query.prefers is None:
            return set()
        origins = search.unit_origins(conn, units)
        speakers = {unit_id: units[unit_id].speaker for unit_id in origins}
        return cues.preferred_units(origins, speakers, query.prefers, query.apps)

    def _dense(
        self, conn: sqlite3.Connection, query: Query, version: object, lexical_ids: list[int]
    ) -> dict[int, float]:
        if self.embedder is None:
            return {}
        qv = self.embedder.embed([query.text])[0]
        if not np.isfinite(qv).all() or not qv.any():
            return {}  # a zero vector carries no meaning: no dense candidates, no dense score
        dense = dict(self.vectors.search(qv, self.params.candidates))
        dense.update(self.vectors.scores_for(qv, lexical_ids))
        return dense

    # -- the indexes: opened from disk, kept in step, saved -------------------------------------

    def _refresh(self, conn: sqlite3.Connection, version: object) -> None:
        if not self._opened:
            self._open(conn)
        self.lexical.refresh(conn, version)
        if self.embedder is not None:
            self.vectors.refresh(conn, version)
        self._save(conn, SAVE_EVERY)

    def _open(self, conn: sqlite3.Connection) -> None:
        """Take the saved indexes that still match the vault (the rest is built from it)."""
        self._opened = True
        if self.folder is None:
            if self.vault.encrypted:  # left from before the vault was encrypted: not kept
                index_files.drop(conn)
            return
        now = index_files.read_watermark(conn)
        self.lexical.load(self.folder, conn, now)
        if self.embedder is not None:
            self.vectors.load(self.folder, conn, now)
        self._load_speakers(conn, now)

    def _load_speakers(self, conn: sqlite3.Connection, now: index_files.Watermark) -> None:
        """The speakers' names, saved with the postings (a DISTINCT over every unit costs
        ~50 ms at 100k units)."""
        assert self.folder is not None
        saved = index_files.read_manifest(self.folder, SPEAKERS)
        if saved is None:
            return
        mark = index_files.manifest_mark(saved)
        if index_files.still_valid(conn, mark, now):
            self._speakers = (None, set(saved["speakers"]))
            self._speakers_seen = (mark.max_unit, mark.deletions)

    def _save(self, conn: sqlite3.Connection, after: int) -> None:
        if self.folder is None or conn.in_transaction:  # uncommitted rows are not saved
            return
        if self._due(self.lexical, after):
            mark = self.lexical.save(self.folder, conn)
            if mark is not None and self._speakers_seen == (mark.max_unit, mark.deletions):
                speakers = sorted(self._speakers[1])
                index_files.write_manifest(self.folder, SPEAKERS, mark, {"speakers": speakers})
        if self.embedder is not None and self._due(self.vectors, after):
            # The graph is built and extended by importing processes only (minutes at 1M),
            # including the save when the import's vault closes.
            self.vectors.save(self.folder, conn, extend_graph=self._importing)

    @staticmethod
    def _due(index: LexicalIndex | VectorIndex, after: int) -> bool:
        # A new index is saved at once: its build is what the next process would repeat.
        return bool(index.unsaved) and (index.unsaved >= after or index.unsaved == index.size)

    def sync(self, *, only_if_open: bool = False, save_after: int = 1) -> None:
        """Bring the indexes level with the vault and save them once ``save_after`` units wait:
        after a bulk write (``BULK_SAVE_EVERY``: each save reads the vault's counts and rewrites
        the per-unit arrays), and on close (``only_if_open``: not when this process never
        searched, which would build them)."""
        with self._lock:
            if self.folder is None or (only_if_open and not self._opened):
                return
            conn = self.vault.read()
            version = self.vault.data_version()
            self._importing |= save_after >= BULK_SAVE_EVERY
            self._known_speakers(version)  # saved with the postings
            self._refresh(conn, version)
            self._save(conn, save_after)

    def sync_on_close(self) -> None:
        """The last save, as the vault closes. A save that cannot happen (the vault's folder
        erased under it, a full disk) loses nothing: the next process reads the units it
        lacks from the vault. It must not stop the vault from closing."""
        with contextlib.suppress(OSError, sqlite3.Error):
            self.sync(only_if_open=True)

    def erased(self) -> None:
        """After an erasure's commit, drop the saved indexes once more: a save by another
        process that raced with the erasure must not keep its words. The indexes in memory
        see the deletion and rebuild on the next question."""
        if self.folder is not None:
            index_files.drop(self.vault.read())

    def hydrate(self, ranked: list[tuple[int, float]]) -> list[Recalled]:
        conn = self.vault.read()
        units = search.get_units(conn, [u for u, _ in ranked])
        episodes = ep.get_episodes(conn, [u.ref_id for u in units.values() if u.kind == "episode"])
        memories = mem.get_memories(conn, [u.ref_id for u in units.values() if u.kind == "memory"])
        sources = {s.id: s for s in ep.list_sources(conn)}
        results = []
        for unit_id, score in ranked:
            unit = units.get(unit_id)
            if unit is None:
                continue
            if unit.kind == "episode" and unit.ref_id in episodes:
                e = episodes[unit.ref_id]
                source = sources.get(e.source_id)
                results.append(Recalled(
                    "episode", e.id, e.text, round(score, 4), e.occurred_at, e.speaker,
                    source.uri if source else None, e.session, True, (e.id,), e.external_id,
                ))  # fmt: skip
            elif unit.kind == "memory" and unit.ref_id in memories:
                m = memories[unit.ref_id]
                source = sources.get(m.source_id) if m.source_id else None
                results.append(Recalled(
                    "memory", m.id, m.text, round(score, 4), m.valid_from or m.recorded_at,
                    m.subject, source.uri if source else None, None, m.is_current, m.evidence,
                ))  # fmt: skip
        return results


@lru_cache(maxsize=65536)
def _first_name(speaker: str) -> str:
    found = words(speaker)[:1]
    return found[0] if found else ""


def _names(speaker: str, query_words: list[str]) -> bool:
    """Does the question name this speaker? By first name, or a 3+ letter prefix ("Mel")."""
    name = _first_name(speaker)
    return bool(name) and any(
        w == name or (len(w) >= 3 and name.startswith(w)) for w in query_words
    )
