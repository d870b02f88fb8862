"""Vetting: what extraction proposed, checked before anything is stored.

Rules a user can trust (issue 12):
- a question, request or small talk copied as a memory ("Please remind me ...") is held;
- the subject is the user or a person, never a verb or common word ("Buy", "Remind"): a bad
  subject becomes "user" when the memory is about the user, else the candidate is held;
- every name, place, number and date is grounded in the evidence turns (pasi.memory.grounding);
  a candidate whose details are in another turn of the batch has that turn added as evidence;
  one still ungrounded is held with the reason, for ``pasi memories pending``;
- each statement the user made that no kept candidate cites becomes a local candidate
  (pasi.memory.statements), so a model answering ``{"memories": []}`` loses nothing.
Kept candidates come back in conversation order, so a later statement supersedes an earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pasi.memory.extract import OWNER, Candidate, speaker_label
from pasi.memory.grounding import reason, ungrounded
from pasi.memory.names import is_name, is_person
from pasi.memory.statements import is_statement, local_candidates, third_person
from pasi.memory.text import terms
from pasi.vault.records import Episode

_ABOUT_OWNER = re.compile(r"\b(?:the user|user's|I|my|me)\b")
_FIRST_PERSON = re.compile(r"\b(?:I|[Mm]y|me|I'm|I’m|I've|I'll)\b")
_OWNER_TERMS = set(terms("the user"))


@dataclass(frozen=True)
class Held:
    """A candidate not stored, and why (shown in ``pasi memories pending``)."""

    candidate: Candidate
    reason: str


@dataclass
class Vetted:
    kept: list[Candidate] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    made_locally: int = 0


def vet(candidates: Sequence[Candidate], turns: Sequence[Episode]) -> Vetted:
    """Split candidates into those to store and those held; add the statements none cites."""
    out = Vetted()
    for candidate in candidates:
        checked, why = _check_subject(_in_third_person(candidate, turns), turns)
        if why is None and not is_statement(checked.text):
            why = "a question, request or small talk, not a statement"
        if why is None:
            checked, why = _ground(checked, turns)
        if why is None:
            out.kept.append(checked)
        else:
            out.held.append(Held(checked, why))
    cited = {t.id for c in out.kept for t in _cited(c, turns) if _shares_words(c.text, t.text)}
    for local in local_candidates(turns, cited):
        missing = ungrounded(local.text, local.subject, _cited(local, turns))
        if missing:  # by construction rare: a word the rewriting introduced
            out.held.append(Held(local, reason(missing, _cited(local, turns))))
        else:
            out.kept.append(local)
            out.made_locally += 1
    out.kept.sort(key=lambda c: min(c.evidence, default=0))
    return out


def _cited(candidate: Candidate, turns: Sequence[Episode]) -> list[Episode]:
    return [t for t in turns if t.id in candidate.evidence]


def _shares_words(text: str, turn_text: str) -> bool:
    """Small models cite every turn of the batch: a turn counts as cited only if it says some
    of the memory's words, so a statement they skipped is still made locally."""
    return bool((set(terms(text)) - _OWNER_TERMS) & set(terms(turn_text)))


def _in_third_person(candidate: Candidate, turns: Sequence[Episode]) -> Candidate:
    """The owner's words as the model copied them ("My sister Ana lives in Porto") are stored
    in the third person ("The user's sister Ana lives in Porto")."""
    said_by = {speaker_label(t) for t in _cited(candidate, turns) if t.role != "assistant"}
    by_owner = said_by == {OWNER} or (candidate.subject == OWNER and not said_by)
    text = candidate.text
    if by_owner and _FIRST_PERSON.search(text) and "the user" not in text.lower():
        return replace(candidate, text=third_person(text))
    return candidate


def _check_subject(candidate: Candidate, turns: Sequence[Episode]) -> tuple[Candidate, str | None]:
    """The subject is the user or a person; a verb or common word is repaired or held."""
    texts = [t.text for t in turns]
    speakers = [t.speaker for t in turns if t.speaker]
    if candidate.subject == OWNER or is_person(candidate.subject, texts, speakers):
        return candidate, None
    if _about_owner(candidate, turns, texts, speakers):
        note = f"subject {candidate.subject!r} is not a person: repaired to 'user'"
        return replace(candidate, subject=OWNER, note=_join(candidate.note, note)), None
    return candidate, f"the subject {candidate.subject!r} is not a person named in the turns"


def _about_owner(
    candidate: Candidate, turns: Sequence[Episode], texts: list[str], speakers: list[str]
) -> bool:
    """Says "the user"/"I"/"my", or comes from the owner's own turns and names nobody else."""
    if _ABOUT_OWNER.search(candidate.text):
        return True
    cited = _cited(candidate, turns)
    if not cited or any(speaker_label(t) != OWNER for t in cited):
        return False
    names = re.findall(r"(?<![\w'’-])[A-Z][\w'’-]*", candidate.text)
    return not any(is_name(n, texts, speakers) for n in names)


def _ground(candidate: Candidate, turns: Sequence[Episode]) -> tuple[Candidate, str | None]:
    """Grounded in the cited turns, or in turns of the batch added as evidence; else held."""
    cited = _cited(candidate, turns)
    missing = ungrounded(candidate.text, candidate.subject, cited)
    if not missing:
        return candidate, None
    extra = [t for t in turns if t not in cited and ungrounded(" ".join(missing), "user", [t])
             != missing]  # fmt: skip
    if extra and not ungrounded(candidate.text, candidate.subject, cited + extra):
        ids = tuple(sorted({*candidate.evidence, *(t.id for t in extra)}))
        note = f"evidence extended to turn(s) {', '.join(str(t.id) for t in extra)}"
        return replace(candidate, evidence=ids, note=_join(candidate.note, note)), None
    return candidate, reason(missing, cited)


def _join(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)
