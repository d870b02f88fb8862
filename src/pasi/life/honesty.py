"""Honesty over agreement: notice when the user's message contradicts what pasi has on record.

A contradiction is found without a model, so it works offline and puts a small, cited block in
the context for a model to act on. Two checks over the memories retrieval finds for a message:

- the same attribute with a different value: "my sister is called Mia" against the record
  "The user's sister is called Lena"; "I live in Munich" against "The user lives in Berlin";
- the same topic with different numbers or dates: "we met in 2019" against "User met Sam in
  2017" (at least two content words shared, and no number in common).

It says "possible": the record may be out of date, and the user may be right. pasi's job is to
say so and cite it, not to insist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pasi.memory.retrieval import Recalled
from pasi.memory.store import MemoryStore

CANDIDATES = 8

_STOP = frozenset(
    "a an the my our your his her their its user user's i i'm me we you he she they it is are was "
    "were be been am has have had do does did to of in on at for with and or but that this as "
    "by from about now still actually really just so not no named called name think".split()
)
_COPULA = re.compile(
    r"(?P<attr>(?:\b[\w'-]+\s+){0,3}?\b[\w'-]+)\s+(?:is|was|are|were|is called|is named|"
    r"was called|was named)\s+(?P<val>[^.,;!?\n]+)",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\b(?:i|user|the user)\s+(?:now\s+|still\s+|actually\s+)?(?P<verb>live[sd]?|work(?:s|ed)?|"
    r"moved|was born|grew up|study|studies|studied)(?:\s+(?P<prep>in|at|for|to|on))?\s+"
    r"(?P<val>[^.,;!?\n]+)",
    re.IGNORECASE,
)
_NAMED = re.compile(  # "my sister Mia", "my dog Bruno": a relation and its name
    r"\b[Mm]y (?P<attr>sister|brother|partner|wife|husband|girlfriend|boyfriend|son|daughter|"
    r"mother|father|mum|mom|dad|boss|dog|cat|friend|cousin|aunt|uncle|niece|nephew)"
    r"(?:'s name is|,)? (?P<val>[A-Z][a-z]+)\b"  # case-sensitive: a name is capitalised
)
_DETERMINERS = frozenset("my the user's user our your his her their a an".split())
_NUMBER = re.compile(r"\b\d+(?:[.,:]\d+)?\b")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no longer|don't|doesn't|didn't|isn't|wasn't)\b", re.I)
_VERB_STEMS = {"lives": "live", "lived": "live", "works": "work", "worked": "work",
               "studies": "study", "studied": "study"}  # fmt: skip


@dataclass(frozen=True)
class Contradiction:
    memory_id: int
    record: str  # the memory's text
    claim: str  # what the message says, as found in it
    reason: str  # in words, for the context and the offline reply

    @property
    def tag(self) -> str:
        return f"m{self.memory_id}"


def _words(text: str) -> list[str]:
    return [w.strip("'") for w in re.findall(r"[\w']+", text.casefold())]


def _content(text: str) -> set[str]:
    return {w.removesuffix("'s") for w in _words(text) if w not in _STOP and not w.isdigit()}


def _attribute(raw: str) -> str:
    """'My sister's name' and "The user's sister" both become 'sister'; words before the
    last determiner ("you told me my sister") are not part of the attribute."""
    words = _words(raw)
    last = max((i for i, w in enumerate(words) if w in _DETERMINERS), default=-1)
    kept = [w.removesuffix("'s") for w in words[last + 1 :] if w not in _STOP]
    return " ".join(kept[-2:])


def _value(raw: str) -> str:
    words = [w for w in _words(raw) if w not in {"a", "an", "the", "now", "still", "actually"}]
    return " ".join(words[:6])


def claims(text: str) -> dict[str, tuple[str, str]]:
    """Attribute -> (value, the phrase it came from), for the statements in ``text``."""
    found: dict[str, tuple[str, str]] = {}
    for match in _VERB.finditer(text):
        verb = match["verb"].lower()
        key = f"{_VERB_STEMS.get(verb, verb)} {(match['prep'] or '').lower()}".strip()
        found[key] = (_value(match["val"]), match.group(0))
    for match in _NAMED.finditer(text):
        found.setdefault(match["attr"].lower(), (_value(match["val"]), match.group(0)))
    for match in _COPULA.finditer(text):
        key = _attribute(match["attr"])
        if key and key not in found:
            found[key] = (_value(match["val"]), match.group(0))
    return found


def _dates_and_numbers(text: str) -> set[str]:
    found = set(_NUMBER.findall(text))
    found.update(m.group(1).lower() for m in _MONTH.finditer(text) if m.group(0).lower() != "may"
                 or re.search(r"\d\s*may|may\s*\d", text, re.I))  # fmt: skip
    return found


def _incompatible(said: set[str], recorded: set[str]) -> bool:
    """Numbers and months that cannot describe the same thing: neither set holds the other
    ("3 May 1990" fits "3 May"; "21 July" does not fit "14 July")."""
    return not (said <= recorded or recorded <= said)


def _values_differ(said: str, recorded: str) -> bool:
    if not said or not recorded or said in recorded or recorded in said:
        return False
    said_facts, recorded_facts = _dates_and_numbers(said), _dates_and_numbers(recorded)
    if said_facts and recorded_facts:
        return _incompatible(said_facts, recorded_facts)
    said_words, recorded_words = _content(said), _content(recorded)
    return bool(said_words) and bool(recorded_words) and not (said_words & recorded_words)


@dataclass(frozen=True)
class _Analysis:
    """What the checks need of a text, worked out once: a message is compared with up to
    thirty records per turn, and each record only once."""

    text: str
    claims: dict[str, tuple[str, str]]
    content: set[str]
    facts: set[str]  # numbers and months
    negated: bool


def _analyse(text: str) -> _Analysis:
    return _Analysis(
        text, claims(text), _content(text), _dates_and_numbers(text), bool(_NEGATION.search(text))
    )


def contradiction(message: str, memory_id: int, record: str) -> Contradiction | None:
    """Whether ``message`` contradicts the memory ``record``, and how."""
    return _contradiction(_analyse(message), memory_id, record)


def _contradiction(said: _Analysis, memory_id: int, record: str) -> Contradiction | None:
    recorded = claims(record)
    for key, (value, phrase) in said.claims.items():
        if key in recorded and _values_differ(value, recorded[key][0]):
            reason = f'the message says "{phrase.strip()}", the record says "{record}"'
            return Contradiction(memory_id, record, phrase.strip(), reason)
    record_content = _content(record)
    shared = said.content & record_content
    if len(shared) >= 2 and said.facts:
        recorded_facts = _dates_and_numbers(record)
        if recorded_facts and _incompatible(said.facts, recorded_facts):
            given = ", ".join(sorted(said.facts))
            reason = f'the message gives {given} where the record says "{record}"'
            return Contradiction(memory_id, record, said.text.strip(), reason)
    if said.negated and not _NEGATION.search(record):
        wanted = record_content
        if len(wanted) >= 2 and len(wanted & said.content) >= 0.75 * len(wanted):
            reason = f'the message denies what the record says: "{record}"'
            return Contradiction(memory_id, record, said.text.strip(), reason)
    return None


_WH = frozenset("who whom whose what which when where why how".split())


def states_something(message: str) -> bool:
    """Whether the message asserts anything checkable: a search is spent only then.

    An open question ("when is my appointment?") asserts nothing; a statement, or a yes/no
    question with a premise ("my appointment is at 4, right?"), may.
    """
    return not _open_question(message) and _asserts(_analyse(message))


def _open_question(message: str) -> bool:
    words = _words(message)
    return not words or words[0] in _WH


def _asserts(said: _Analysis) -> bool:
    return bool(said.claims or _NUMBER.search(said.text) or said.negated)


def find_contradictions(
    memory: MemoryStore,
    message: str,
    *,
    candidates: list[Recalled] | None = None,
    limit: int = 3,
) -> list[tuple[Contradiction, Recalled]]:
    """Current memories the message contradicts, best retrieval match first.

    ``candidates``: results of a search for the message already made (the context's), so no
    second search is needed; without them the memories are searched here.
    """
    if _open_question(message):  # most questions end here, before any analysis
        return []
    said = _analyse(message)  # once, not once per candidate
    if not _asserts(said):
        return []
    if candidates is None:
        candidates = memory.recall(message, CANDIDATES, kind="memory")
    found = []
    for result in candidates:
        if result.kind != "memory" or not result.current:
            continue
        found_one = _contradiction(said, result.id, result.text)
        if found_one is not None:
            found.append((found_one, result))
        if len(found) >= limit:
            break
    return found


def offline_objection(found: list[tuple[Contradiction, Recalled]]) -> str:
    """What pasi says without a model when the user's statement contradicts the record."""
    lines = ["That is not what I have on record:"]
    for item, result in found:
        when = result.at.date().isoformat() if result.at else "unknown date"
        lines.append(f'  - "{item.record}" [{item.tag}] (memory #{item.memory_id}, {when})')
    first = found[0][0].memory_id
    lines.append(
        "I kept what you said too. If the record is out of date, correct it with "
        f'`pasi memories edit {first} "..."` (its history is kept).'
    )
    return "\n".join(lines)
