"""Statements of fact the model missed, turned into candidates here, without a model.

Small models often answer ``{"memories": []}`` or skip a sentence. Every plain statement the
user makes about themself or a named person ("I moved to Lisbon in January", "My sister Ana
lives in Porto") that no candidate cites becomes one, in the third person, with a lower
confidence and a note saying it was made locally. Questions, requests ("remind me", "please",
"can you") and small talk ("thanks", "ok") are not statements and yield nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pasi.memory.extract import OWNER, Candidate, named_third_person, speaker_label
from pasi.memory.names import is_name
from pasi.vault.records import Episode

LOCAL_CONFIDENCE = 0.6
LOCAL_NOTE = "made locally: the model gave no memory for this statement"

_LEAD = re.compile(r"^(?:(?:also|oh|btw|by the way|actually|well|and|so|anyway),?\s+)+", re.I)
_NOT_STATEMENT = re.compile(
    r"^(?:please|pls|remind|remember|can|could|would|will|shall|should|may|do|does|did|is|are|"
    r"was|were|have you|has|what|who|whom|where|when|why|how|which|tell|show|help|let me|find|"
    r"search|look up|set|add|create|schedule|book|send|call|text|email|write|make|give|list|"
    r"hi|hello|hey|thanks|thank|ok|okay|cool|great|nice|sure|yes|no|yeah|yep|bye|good "
    r"(?:morning|night|evening|afternoon)|lol|haha|i'?m (?:fine|good|ok|okay|great|well)|"
    r"i (?:see|agree|think so|guess)|i wonder|i need you|i want you|i'?d like you|"
    r"i'?m not sure|i (?:don'?t|do not) know|i (?:want|would like|'d like) to know)\b",
    re.IGNORECASE,
)
_REQUEST_INSIDE = re.compile(r"\b(?:remind me|can you|could you|would you|please)\b", re.I)
_FIRST_PERSON = re.compile(r"^(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|I’d|My)\b")
_PLAN = re.compile(r"\b(?:I will|I'll|I’ll|I'm going to|I am going to|I plan to|I'm planning)\b")
_TASTE = re.compile(r"\b(?:like|likes|love|loves|prefer|prefers|hate|hates|enjoy|enjoys|"
                    r"dislike|dislikes|favou?rite)\b", re.I)  # fmt: skip
_ADVERB = r"(?:really |also |never |always |just |still |usually |often |sometimes |now )?"
_KEEP_VERB = {"can", "could", "should", "must", "might", "may", "will", "would", "did", "had",
              "was", "used", "shall", "ought"}  # fmt: skip
_PHRASES = [
    (r"\bI(?:'m|’m| am)\b", "the user is"),
    (r"\bI was\b", "the user was"),
    (r"\bI(?:'ve|’ve| have)\b", "the user has"),
    (r"\bI(?:'ll|’ll| will)\b", "the user will"),
    (r"\bI(?:'d|’d| would)\b", "the user would"),
    (r"\bI (?:don't|don’t|do not)\b", "the user does not"),
    (r"\bI (\w+n['’]t)\b", r"the user \1"),
    (r"\bmy\b", "the user's"),
    (r"\bmine\b", "the user's"),
    (r"\bmyself\b", "themself"),
    (r"\bme\b", "the user"),
]


def local_candidates(turns: Sequence[Episode], cited: Iterable[int]) -> list[Candidate]:
    """A candidate for each statement in the owner's turns that no candidate cites."""
    cited = set(cited)
    texts = [t.text for t in turns]
    speakers = [t.speaker for t in turns if t.speaker]
    found: list[Candidate] = []
    for turn in turns:
        if turn.id in cited or speaker_label(turn) != OWNER or _pasted(turn.text):
            continue
        for sentence in sentences(turn.text):
            made = _candidate(sentence, turn, texts, speakers)
            if made is not None:
                found.append(made)
    return found


def _pasted(text: str) -> bool:
    """A turn that quotes others' text (a pasted email, a list of lines): its sentences are
    not the user's statements ("From: Lena <lena@example.org>", an instruction inside it)."""
    return text.strip().count("\n") >= 2 or "@" in text


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    return [_LEAD.sub("", p.strip()) for p in parts if p.strip()]


def is_statement(sentence: str) -> bool:
    """A plain statement: not a question, a request, a command or small talk."""
    plain = sentence.strip()
    return (
        len(plain.split()) >= 3
        and not plain.endswith("?")
        and not _NOT_STATEMENT.match(plain)
        and not _REQUEST_INSIDE.search(plain)
    )


def third_person(sentence: str) -> str:
    """ "I moved to Lisbon" -> "The user moved to Lisbon"; "my sister" -> "the user's sister"."""
    text = sentence.strip().rstrip(".!")
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE if "my" in pattern else 0)
    text = re.sub(rf"\bI ({_ADVERB})(\w+)", lambda m: f"the user {m[1]}{_third(m[2])}", text)
    return text[:1].upper() + text[1:] + "."


def _third(verb: str) -> str:
    """The verb after "the user": present tense gains its -s, past and modals stay."""
    low = verb.lower()
    if low in _KEEP_VERB or low.endswith("ed") or low.endswith("s"):
        return verb
    if low in ("have", "do", "go"):
        return {"have": "has", "do": "does", "go": "goes"}[low]
    if re.search(r"(?:sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def _candidate(
    sentence: str, turn: Episode, texts: list[str], speakers: list[str]
) -> Candidate | None:
    if not is_statement(sentence):
        return None
    first = sentence.split()[0].strip(",")
    if _FIRST_PERSON.match(sentence):
        text = third_person(sentence)
        named = named_third_person(text)
        subject = named if named and is_name(named, texts, speakers) else OWNER
    elif is_name(first.removesuffix("'s").removesuffix("’s"), texts, speakers):
        text = third_person(sentence)
        subject = first.removesuffix("'s").removesuffix("’s")
    else:
        return None  # about no one in particular ("It rained"): not a memory of a person
    kind = "plan" if _PLAN.search(sentence) else "preference" if _TASTE.search(sentence) else "fact"
    said_at = turn.occurred_at or turn.recorded_at
    return Candidate(text, kind, subject, said_at, LOCAL_CONFIDENCE, (turn.id,), LOCAL_NOTE)
