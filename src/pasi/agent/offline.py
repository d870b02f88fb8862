"""The assistant with no language model: it remembers what you say and answers from memory.

Every line the user types is kept verbatim as an episode, so nothing said in chat is lost even
before a model exists to extract memories from it. A question is answered with the memories and
turns that best match it, each with its date and where it came from, so the user can judge it.
The assistant's own replies are not recorded: they only repeat stored text, and recording them
would make later answers quote pasi instead of the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import tzinfo

from pasi.memory import cues
from pasi.memory.retrieval import Recalled
from pasi.memory.store import DEFAULT_CONVERSATION, MemoryStore
from pasi.safety.policy import RuleClassifier, SafetyClassifier, reply_for
from pasi.vault import episodes as ep

INTRO = (
    "pasi is running without a language model: it remembers what you say and answers "
    "questions with the matching memories and their sources. To add a model, set `model` in "
    "~/.config/pasi/config.toml (see docs/configuration.md)."
)

QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how do does did is are was were am can could "
    "will would should shall have has had".split()
)

ANSWERS = 3
NOTHING = "I have nothing about that yet. Tell me, and I will remember it."
NOTED = "Noted: I will remember that."
RELEVANT = 0.25  # results scoring under this share of the best one are noise, not answers


def is_question(text: str) -> bool:
    """A question ends with '?' or starts with a question word ("when did I ...")."""
    stripped = text.strip()
    first = stripped.split(maxsplit=1)[0].lower().strip(",.:;!") if stripped else ""
    return stripped.endswith("?") or first in QUESTION_WORDS


@dataclass(frozen=True)
class Reply:
    text: str
    recorded: int | None = None  # the episode id the user's line was stored as
    found: list[Recalled] = field(default_factory=list)


class OfflineAgent:
    def __init__(
        self,
        memory: MemoryStore,
        *,
        source_uri: str = DEFAULT_CONVERSATION,
        safety: SafetyClassifier | None = None,
    ) -> None:
        self.memory = memory
        self.source_uri = source_uri
        # Without a classifier given (Pasi.safety), the local rules alone (pasi.safety.policy).
        self.safety = safety if safety is not None else RuleClassifier()

    def respond(self, text: str) -> Reply:
        """Record the line, then answer it from memory or acknowledge it."""
        episode_id = self.memory.record_turn(text, role="user", source_uri=self.source_uri)
        reply = self._answer(text, episode_id)
        # imported here, after the prompt is up: `pasi chat` must start fast
        from pasi.agent.charter_rules import ask_consent

        questions = ask_consent(self.memory, text, self.memory.clock())  # sensitive: asked once
        extra = "".join("\n\n" + question.text for question in questions)
        return Reply(reply.text + extra, reply.recorded, reply.found)

    def _answer(self, text: str, episode_id: int) -> Reply:
        verdict = self.safety.classify(text)
        if not verdict.safe:  # self-harm gets care and crisis lines, not search results
            return Reply(reply_for(verdict), episode_id)
        if not is_question(text):
            from pasi.life.honesty import find_contradictions, offline_objection

            found = find_contradictions(self.memory, text)  # honesty over agreement
            if found:
                return Reply(offline_objection(found), episode_id, [r for _, r in found])
            return Reply(NOTED, episode_id)
        figured = table_answer(self.memory, text)
        if figured is not None:
            return Reply(figured, episode_id)
        found = self._matches(text, episode_id)
        return Reply(_format_answer(found, _zone(self.memory)), episode_id, found)

    def _matches(self, text: str, episode_id: int) -> list[Recalled]:
        return matches(self.memory, text, [episode_id], self.source_uri)


def matches(
    memory: MemoryStore,
    text: str,
    exclude_ids: Iterable[int] = (),
    source_uri: str = DEFAULT_CONVERSATION,
) -> list[Recalled]:
    """Best memories and turns for ``text``, minus the turns ``exclude_ids`` (this very line),
    earlier questions of the conversation and the assistant's own replies (none is evidence:
    a reply quoted back would make pasi cite itself)."""
    excluded = set(exclude_ids)
    found = memory.recall(text, ANSWERS + 10)
    turns = ep.get_episodes(memory.vault.read(), [r.id for r in found if r.kind == "episode"])

    def not_evidence(result: Recalled) -> bool:
        if result.kind != "episode":
            return False
        turn = turns.get(result.id)
        if result.id in excluded or (turn is not None and turn.role == "assistant"):
            return True
        return result.source == source_uri and is_question(result.text)

    kept = [r for r in found if not not_evidence(r)]
    best = max((r.score for r in kept), default=0.0)
    return [r for r in kept if r.score >= RELEVANT * best][:ANSWERS]


def answer_from_memory(
    memory: MemoryStore,
    text: str,
    exclude_ids: Iterable[int] = (),
    source_uri: str = DEFAULT_CONVERSATION,
) -> str:
    """What pasi can say about ``text`` with no model: the matching memories and turns, each
    with its date and source (the answer of the offline mode, and the assistant's fallback);
    a statement is acknowledged (it is recorded already)."""
    if not is_question(text):
        return NOTED
    return _format_answer(matches(memory, text, exclude_ids, source_uri), _zone(memory))


def _zone(memory: MemoryStore) -> tzinfo | None:
    return memory.zone() if memory.zone is not None else None


def table_answer(memory: MemoryStore, text: str) -> str | None:
    """A money question answered from the user's tables: the figure, its query, its rows."""
    from pasi.ingest.ask_tables import answer, is_money_question

    if not is_money_question(text) and not re.search(r"\bhow (many|often)\b", text.lower()):
        return None  # the common case costs no query
    found = answer(memory.vault, text, memory.clock())
    if found is None:
        return None
    lines = [found.summary, *found.notes, f"Query (read-only): {found.sql}"]
    lines += [f"  [i{r['id']}] {r['at']} {r['title'] or ''} {r['detail']}" for r in found.rows[:10]]
    if len(found.rows) > 10:
        lines.append(f"  ... and {len(found.rows) - 10} more rows")
    return "\n".join(lines)


def describe_source(result: Recalled, zone: tzinfo | None = None) -> str:
    """Where a result came from, in words: the date and the source it was recorded from; a
    recording's passage by its file and time in it and when that was said ("call.m4a at 12:31,
    said 2026-12-06 14:02"), a screen capture by its heading (app, window, time)."""
    heading = cited_heading(result)
    if heading is not None and result.at is not None:
        if result.source and result.source.startswith("capture:"):
            return heading
        return f"{heading}, said {result.at.astimezone(zone):%Y-%m-%d %H:%M}"
    when = result.at.date().isoformat() if result.at else "unknown date"
    if result.kind == "memory":
        status = "" if result.current else ", since corrected"
        return f"memory #{result.id}, {when}{status}"
    where = result.source or "unknown source"
    if result.session:
        where += f", session {result.session}"
    who = f"{result.speaker} " if result.speaker else ""
    return f"{who}on {when} in {where}"


def cited_heading(result: Recalled) -> str | None:
    """The first line of a recording's passage or a screen capture, which says where it is
    ("call.m4a at 12:31", "Screen at 2026-12-07 09:12:05 in XTerm: build"), else None."""
    if result.kind != "episode" or not result.source or "\n" not in result.text:
        return None
    if cues.origin_kind("capture" if result.source.startswith("capture:") else "file",
                        result.source) is None:  # fmt: skip
        return None
    return result.text.split("\n", 1)[0]


def _format_answer(found: list[Recalled], zone: tzinfo | None = None) -> str:
    if not found:
        return NOTHING
    lines = ["From what I have:"]
    for rank, result in enumerate(found, start=1):
        text = result.text
        if cited_heading(result) is not None:
            # the heading is the citation; a screen's lines read on one line
            text = " / ".join(line for line in text.split("\n")[1:] if line.strip())
        lines.append(f'  {rank}. "{text}" ({describe_source(result, zone)})')
    return "\n".join(lines)
