"""Extraction: a batch of conversation turns becomes atomic memories, asked of a chat model.

The model answers schema-constrained JSON. What it returns is checked, not trusted: the
subject must be the person the statement is about (a friend's allergy is the friend's, not the
user's: the commonest extraction bug), evidence must cite turns of this batch, relative times
("yesterday") are resolved here against the time the turn was said, never by the model.
A reply that is not JSON is repaired or asked again once; what still fails raises
:class:`ExtractionError` carrying the raw output, so the caller can keep it (STYLE.md: never
catch a JSON error and return an empty list).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pasi.errors import ExtractionError
from pasi.memory.names import NOT_NAMES, is_name
from pasi.memory.text import terms
from pasi.memory.timeref import find_time_range
from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.vault.records import MEMORY_KINDS, Episode

OWNER = "user"
_OWNER_WORDS = {"user", "the user", "me", "i", "myself", "owner", "the owner", "you", "speaker"}
_KIND_SYNONYMS = {
    "facts": "fact", "preferences": "preference", "like": "preference", "dislike": "preference",
    "events": "event", "plans": "plan", "goal": "plan", "intention": "plan",
    "relation": "relationship", "relationships": "relationship", "person": "relationship",
}  # fmt: skip
DEFAULT_CONFIDENCE = 0.8

EXTRACTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["memories"],
    "properties": {
        "memories": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "kind", "subject", "when", "confidence", "evidence"],
                "properties": {
                    "text": {"type": "string", "minLength": 1},
                    "kind": {"type": "string", "enum": list(MEMORY_KINDS)},
                    "subject": {
                        "type": "string",
                        "description": "'user' when about the owner, else the person's name",
                    },
                    "when": {
                        "type": ["string", "null"],
                        "description": "time words as said ('yesterday', 'in May 2023') or null",
                    },
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "evidence": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                },
            },
        }
    },
}

SYSTEM_PROMPT = """You extract memories from a conversation for a personal assistant.
A memory is one short, self-contained statement worth knowing later: a fact, preference, event,
plan or relationship. Skip greetings, small talk, questions and the assistant's own words.

SUBJECT - who the statement is about. This matters most:
- "user" is the person who owns this assistant: the turns labelled "user". Use "user" only
  for statements about them ("I moved to Lisbon" -> subject "user").
- A statement about anyone else has that person's name as subject, even when the user said it:
  "My friend Anna is allergic to peanuts" -> subject "Anna", text "Anna is allergic to peanuts".
  Never store another person's fact, taste or plan under "user".
- When speakers are named (e.g. "Caroline:"), a speaker's statement about themself has their
  name as subject; a statement about someone they mention has that person's name.
- Write the text in the third person with the name ("Anna is allergic to peanuts",
  "The user lives in Lisbon"), never "I" or "my".

KIND: fact, preference, event (something that happened), plan (something intended), or
relationship (how two people are related).
WHEN: copy the time words exactly as said ("yesterday", "last week", "in May 2023") or an
ISO date; null if none. Do not compute dates yourself.
CONFIDENCE: 0-1, lower for guesses, jokes or hearsay.
EVIDENCE: the [id] numbers of the turns the memory comes from (only ids shown below).
Reply with JSON only: {"memories": [...]}. If nothing is worth keeping: {"memories": []}."""


@dataclass(frozen=True)
class Candidate:
    """A memory proposed by extraction, checked and repaired, not yet stored."""

    text: str
    kind: str
    subject: str
    valid_from: datetime | None
    confidence: float
    evidence: tuple[int, ...]
    note: str | None = None


@dataclass
class Extraction:
    candidates: list[Candidate]
    raw_output: str
    notes: list[str] = field(default_factory=list)
    attempts: int = 1


def speaker_label(turn: Episode) -> str:
    if turn.role == "assistant":
        return "assistant"
    return turn.speaker or OWNER


def render_turns(turns: Sequence[Episode]) -> str:
    lines = []
    for turn in turns:
        at = turn.occurred_at or turn.recorded_at
        when = at.strftime("%Y-%m-%d %H:%M (%A)") if at else "unknown time"
        lines.append(f"[{turn.id}] {when} {speaker_label(turn)}: {turn.text}")
    return "\n".join(lines)


def extraction_request(turns: Sequence[Episode]) -> ChatRequest:
    has_owner = any(speaker_label(t) == OWNER for t in turns)
    who = (
        "Turns labelled 'user' are the owner."
        if has_owner
        else "All speakers are named and none is known to be the owner: use names as subjects."
    )
    prompt = f"{who}\n\nConversation:\n{render_turns(turns)}"
    return ChatRequest(
        messages=[Message("system", SYSTEM_PROMPT), Message("user", prompt)],
        json_schema=EXTRACTION_SCHEMA,
        temperature=0.0,
    )


def extract(model: ChatModel, turns: Sequence[Episode]) -> Extraction:
    """Ask ``model`` for the memories in ``turns``; retry once when the reply is unreadable."""
    request = extraction_request(turns)
    raw = model.complete(request).text
    try:
        items, notes = parse_reply(raw)
        attempts = 1
    except ValueError as first:
        retry = ChatRequest(
            messages=[
                *request.messages,
                Message("assistant", raw),
                Message(
                    "user",
                    f"That reply could not be read ({first}). Reply again with only the JSON "
                    'object {"memories": [...]} described above, nothing else.',
                ),
            ],
            json_schema=EXTRACTION_SCHEMA,
            temperature=0.0,
        )
        second = model.complete(retry).text
        try:
            items, notes = parse_reply(second)
        except ValueError as error:
            raise ExtractionError(
                f"the model's reply is not the JSON asked for, twice: {first}; then: {error}",
                raw_output=f"{raw}\n--- retry ---\n{second}",
            ) from None
        raw, attempts = second, 2
        notes.insert(0, f"first reply unreadable ({first}); the retry was read")
    candidates = [
        c for c in (check_item(item, i, turns, notes) for i, item in enumerate(items)) if c
    ]
    return Extraction(candidates, raw, notes, attempts)


# -- reading the reply -----------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def parse_reply(text: str) -> tuple[list[Any], list[str]]:
    """The list of memory items in a reply, repairing common damage; ValueError if hopeless."""
    notes: list[str] = []
    stripped = (text or "").strip()
    if not stripped:
        raise ValueError("the reply is empty")
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        value = _repair(stripped)
        notes.append(f"reply repaired ({error.msg} at line {error.lineno})")
    return _items(value, notes), notes


def _repair(text: str) -> Any:
    """Code fences, prose around the object, trailing commas, truncation, single quotes."""
    import json_repair  # pure Python; imported only for replies that need it

    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    starts = [i for i in (body.find("{"), body.find("[")) if i >= 0]
    if not starts:
        raise ValueError("the reply holds no JSON object")
    value = json_repair.loads(body[min(starts) :])
    if value in ("", None, [], {}) and not re.search(r"[\[{]\s*[\]}]", body):
        raise ValueError("the reply holds no readable JSON object")
    return value


def _items(value: Any, notes: list[str]) -> list[Any]:
    if isinstance(value, dict) and isinstance(value.get("memories"), list):
        return value["memories"]
    if isinstance(value, list):
        notes.append("reply was a bare list; read as the memories")
        return value
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        notes.append("reply was a single memory object")
        return [value]
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) == 1:
            notes.append("memories list found under another key")
            return lists[0]
    raise ValueError('expected an object {"memories": [...]}')


# -- checking each memory --------------------------------------------------------------------


def check_item(
    item: Any, index: int, turns: Sequence[Episode], notes: list[str]
) -> Candidate | None:
    """One item as a Candidate, repaired where possible; dropped (with a note) if it has no text."""
    if not isinstance(item, dict):
        notes.append(f"item {index} dropped: not an object ({str(item)[:60]!r})")
        return None
    text = str(item.get("text") or "").strip()
    if not text:
        notes.append(f"item {index} dropped: no text")
        return None
    fixes: list[str] = []
    kind = _kind(item.get("kind"), fixes)
    evidence = _evidence(item.get("evidence"), text, turns, fixes)
    by_id = {t.id: t for t in turns}
    cited = [by_id[i] for i in evidence]
    subject = attribute(str(item.get("subject") or ""), text, cited, turns, fixes)
    said_at = cited[0].occurred_at or cited[0].recorded_at
    valid_from = resolve_when(item.get("when"), said_at, kind, fixes) or said_at
    confidence = _confidence(item.get("confidence"), fixes)
    return Candidate(
        text, kind, subject, valid_from, confidence, evidence, "; ".join(fixes) or None
    )


def _kind(raw: Any, fixes: list[str]) -> str:
    kind = str(raw or "").strip().lower()
    if kind in MEMORY_KINDS:
        return kind
    mapped = _KIND_SYNONYMS.get(kind, "fact")
    fixes.append(f"kind {raw!r} read as {mapped}")
    return mapped


def _confidence(raw: Any, fixes: list[str]) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        if raw is not None:
            fixes.append(f"confidence {raw!r} unreadable")
        return DEFAULT_CONFIDENCE
    if value > 1 and value <= 100:
        value /= 100  # a percentage
    return min(1.0, max(0.0, value))


def _evidence(raw: Any, text: str, turns: Sequence[Episode], fixes: list[str]) -> tuple[int, ...]:
    """Cited ids that are turns of this batch; if none is, the turn sharing most words."""
    given = raw if isinstance(raw, list) else [raw] if raw is not None else []
    known = {t.id for t in turns}
    kept: list[int] = []
    for value in given:
        try:
            turn_id = int(str(value).strip().strip("[]"))
        except ValueError:
            turn_id = -1
        if turn_id in known and turn_id not in kept:
            kept.append(turn_id)
        else:
            fixes.append(f"evidence {value!r} is not a turn of this batch")
    if kept:
        return tuple(kept)
    wanted = set(terms(text))
    best = max(turns, key=lambda t: len(wanted & set(terms(t.text))))
    fixes.append(f"evidence set to turn {best.id}, the one sharing most words")
    return (best.id,)


# -- who a statement is about ----------------------------------------------------------------

_RELATIVES = (
    "friend|best friend|sister|brother|mother|mom|mum|father|dad|son|daughter|wife|husband|"
    "partner|boyfriend|girlfriend|colleague|coworker|co-worker|boss|neighbour|neighbor|cousin|"
    "aunt|uncle|grandmother|grandfather|grandma|grandpa|roommate|flatmate|niece|nephew"
)
_RELATIVE_NAMED = re.compile(
    rf"^(?i:my|the user's|user's|his|her|their)\s+(?i:{_RELATIVES})\s*,?\s+([A-Z][\w'-]+)"
)
_NAME_FIRST = re.compile(r"^([A-Z][a-z][\w-]*)(?:'s\b|’s\b|\s+(?!and\b)[a-z])")
_OWNER_MENTION = re.compile(r"\b(?:the user|user's|I|my|me)\b")


def named_third_person(text: str) -> str | None:
    """The person a statement is plainly about when it is not the user ("My friend Anna ...",
    "Anna is ..."), or None. A sentence that also mentions the user is left alone."""
    match = _RELATIVE_NAMED.match(text.strip())
    if match:
        return match.group(1)
    match = _NAME_FIRST.match(text.strip())
    if match and match.group(1) not in NOT_NAMES and not _OWNER_MENTION.search(text):
        return match.group(1)
    return None


def _mentioned(name: str, turns: Sequence[Episode]) -> bool:
    """Is ``name`` a name in these turns? ("Buy" at a sentence start, "buy" elsewhere: no.)"""
    return is_name(name, [t.text for t in turns], [t.speaker for t in turns if t.speaker])


def attribute(
    raw: str,
    text: str,
    cited: Sequence[Episode],
    turns: Sequence[Episode],
    fixes: list[str],
) -> str:
    """The subject, repaired when the model filed a third person's statement under the user."""
    subject = raw.strip().strip("\"'") or OWNER
    if subject.lower() in _OWNER_WORDS:
        subject = OWNER
    if subject != OWNER:
        return subject
    named = named_third_person(text)
    if named is not None and _mentioned(named, turns):
        fixes.append(f"subject 'user' repaired to {named!r}: the text is about {named}")
        return named
    has_owner = any(speaker_label(t) == OWNER for t in turns)
    speakers = {t.speaker for t in cited if t.speaker and t.role != "assistant"}
    if not has_owner and len(speakers) == 1:
        speaker = speakers.pop()
        fixes.append(f"subject 'user' repaired to speaker {speaker!r}: no owner in these turns")
        return speaker
    return OWNER


# -- when ------------------------------------------------------------------------------------


def resolve_when(raw: Any, said_at: datetime, kind: str, fixes: list[str]) -> datetime | None:
    """Time words resolved against when they were said: "yesterday" on 8 May is 7 May."""
    if raw in (None, "") or not isinstance(raw, str) or raw.strip().lower() in ("null", "none"):
        return None
    phrase = raw.strip()
    ref = said_at if said_at.tzinfo else said_at.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(phrase.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    found = None if "ago" in phrase.lower() else find_time_range(phrase, ref)
    if found is not None:
        return found.start
    import dateparser  # ~0.3 s to import: only when a phrase needs it

    parsed = dateparser.parse(
        phrase,
        settings={
            "RELATIVE_BASE": ref.astimezone(UTC).replace(tzinfo=None),
            "PREFER_DATES_FROM": "future" if kind == "plan" else "past",
        },
    )
    if parsed is None:
        fixes.append(f"time {phrase!r} not understood; kept the time it was said")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
