"""Find personal data in text: people, numbers and addresses of any kind.

Each kind uses the tool made for it: presidio-analyzer's pattern recognizers for email
addresses, IP addresses and national ID numbers with a checksum (run directly, without
presidio's NLP engine); checksums for cards and IBANs in any grouping and case
(pasi.privacy.numbers), and a word that names them for passport, licence and other ID numbers
and dates of birth; the ``phonenumbers`` library's matcher for phone numbers, in the national
formats of the configured regions and every ``+`` international number, and beside it any
digits grouped the way phone numbers are written, near a word such as "call" or "phone" or
with a shape no other number has (F2, the measure here, counts a leak four times a false
alarm); the vault's entities and aliases for the people it knows (pasi.privacy.names) and
spaCy's English NER for everyone else (pasi.privacy.ner); and patterns for postal addresses
(pasi.privacy.addresses), extended by a town the NER finds right after one. presidio and
spaCy take about two seconds to import and load, so they are loaded when a detector first
looks at text, not when pasi starts.

presidio's own email recognizer asks ``tldextract``, which downloads the public-suffix list on
first use; here it reads the snapshot bundled with the package instead, so detection never
touches the network.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pasi.privacy import ner, numbers
from pasi.privacy.addresses import find_addresses
from pasi.privacy.names import KnownNames

KINDS = ("PERSON", "EMAIL", "PHONE", "ADDRESS", "CARD", "IBAN", "ID", "IP", "DOB")
# When two findings overlap, the longer wins; on equal length, the earlier kind in this list.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    ("EMAIL", "IBAN", "CARD", "ID", "IP", "DOB", "PHONE", "ADDRESS", "PERSON")
)}  # fmt: skip
MIN_SCORE = 0.4  # presidio's weakest patterns (bare 9-digit runs as SSNs) stay out
_IMPORT_LOCK = threading.Lock()
# Where a phone number can be: a run of at least six digits with the separators numbers are
# written with, a leading + or ( included.
_DIGIT_RUN = re.compile(r"[+(]?\d(?:[\d \t().\-/]|\b(?:ext|x)\.? ?){4,40}\d")
# Dates and times, which every quoted memory and turn carries ("2024-03-10 12:00"): blanked
# before looking for phone numbers, or "2024-03-10 12" reads as a valid US number.
_DATE_OR_TIME = re.compile(
    r"\b(?<![\d./-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})(?![\d/-]|\.\d)"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
# Words after which a run of digits is a phone number whatever its shape, and before which it
# is something else (an order, an ISBN, a price).
_PHONE_CUE = re.compile(
    r"(?i)\b(?:call|called|calling|phone|tel|telephone|mobile|cell|fax|text|sms|whats ?app|ring|reach|dial|"
    r"contact|number|landline|hotline)\b[^\d\n]{0,20}$"
)
_NOT_PHONE = re.compile(
    r"(?i)(?:[#$€£¥]|\b(?:order|invoice|tracking|ref|reference|isbn|issn|version|"
    r"room|page|chapter|account|acct|id|case|ticket|serial|model|part|sku)\b"
    r"(?:\s+(?:number|no\.?|nr\.?))?)[\s:.#]*$"
)
# Digits that carry on a word or code ("INV-2024-00123") or the groups of an IBAN-like number.
_PART_OF_CODE = re.compile(r"(?:[A-Za-z][\-/]?|\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4})*\s?)$")
_EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?|extension)\s*\d{1,6}\b")
_YEARS = re.compile(r"^(?:1[89]|20)\d\d\s*[-/]\s*(?:1[89]|20)?\d\d$")


@dataclass(frozen=True)
class Span:
    """One finding: ``text[start:end]`` is personal data of ``kind``.

    ``key`` identifies what it refers to, so two spellings of one thing share a placeholder:
    a person's entity, or a normalised value (digits of a phone number, a lower-case email).
    """

    start: int
    end: int
    kind: str
    key: str

    def __len__(self) -> int:
        return self.end - self.start


@cache
def _recognizers() -> tuple[tuple[str, Any], ...]:
    """(kind, presidio recognizer) pairs; built once per process, on first use."""
    with _IMPORT_LOCK:
        from presidio_analyzer.predefined_recognizers import (
            DeTaxIdRecognizer,
            EmailRecognizer,
            EsNifRecognizer,
            InAadhaarRecognizer,
            IpRecognizer,
            ItFiscalCodeRecognizer,
            UkNinoRecognizer,
            UsSsnRecognizer,
        )

        class OfflineEmailRecognizer(EmailRecognizer):
            def validate_result(self, pattern_text: str) -> bool:
                return _offline_domains()(pattern_text).fqdn != ""

        return (
            ("EMAIL", OfflineEmailRecognizer()),
            ("IP", IpRecognizer()),
            ("ID", UsSsnRecognizer()),
            ("ID", UkNinoRecognizer()),
            ("ID", EsNifRecognizer()),
            ("ID", ItFiscalCodeRecognizer()),
            ("ID", DeTaxIdRecognizer()),
            ("ID", InAadhaarRecognizer()),
        )


@cache
def _offline_domains() -> Any:
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


def _normalised(kind: str, value: str) -> str:
    if kind in ("PHONE", "CARD", "IBAN", "ID"):
        return "".join(c for c in value.upper() if c.isalnum())
    if kind in ("EMAIL", "IP"):
        return value.lower()
    return " ".join(value.casefold().split())


class PiiDetector:
    """Finds personal data; ``find`` returns non-overlapping spans in text order.

    ``use_ner=False`` leaves out spaCy's name finder (people the vault knows are still found).
    """

    def __init__(
        self,
        names: KnownNames | None = None,
        phone_regions: Sequence[str] = ("US",),
        *,
        use_ner: bool = True,
    ):
        self.names = names or KnownNames()
        self.phone_regions = tuple(r.upper() for r in phone_regions) or ("US",)
        self.use_ner = use_ner

    def find(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        found = list(self._patterns(text)) + list(_numbers(text))
        found += self._phones(text, taken=found)
        known = self.names.find(text)
        entities = ner.find_entities(text) if self.use_ner else []
        found += _with_towns(text, find_addresses(text), entities) + known
        found += _people(text, entities, known)
        return _without_overlaps(found)

    def _patterns(self, text: str) -> Iterable[Span]:
        for kind, recognizer in _recognizers():
            for result in recognizer.analyze(text, recognizer.supported_entities, None):
                if result.score >= MIN_SCORE:
                    value = text[result.start : result.end]
                    yield Span(result.start, result.end, kind, _normalised(kind, value))

    def _phones(self, text: str, taken: Sequence[Span] = ()) -> list[Span]:
        """The matcher (the slowest part of detection) runs only on runs of digits that no other
        finding covers (a card, an IBAN), and a number written with + in one region only; a
        run it does not take is still a phone number when it is shaped like one."""
        import phonenumbers

        seen: set[tuple[int, int]] = set()
        found = []
        strong = [s for s in taken if s.kind in ("CARD", "IBAN", "EMAIL", "IP")]
        undated = _DATE_OR_TIME.sub(lambda m: " " * len(m.group()), text)
        for run in _DIGIT_RUN.finditer(undated):
            if any(s.start < run.end() and run.start() < s.end for s in strong):
                continue
            before = text[max(0, run.start() - 40) : run.start()]
            if _NOT_PHONE.search(before) or _PART_OF_CODE.search(before):
                continue
            international = run.group().startswith("+")
            matched = False
            for region in self.phone_regions[:1] if international else self.phone_regions:
                for match in phonenumbers.PhoneNumberMatcher(run.group(), region):
                    start, end = run.start() + match.start, run.start() + match.end
                    matched = True
                    if (start, end) in seen:
                        continue
                    seen.add((start, end))
                    number = phonenumbers.format_number(
                        match.number, phonenumbers.PhoneNumberFormat.E164
                    )
                    found.append(Span(start, _with_extension(text, end), "PHONE", number))
            if not matched and _shaped_like_phone(run.group(), before):
                start, end = run.start(), run.start() + len(run.group().rstrip(" -./("))
                end = _with_extension(text, end)
                found.append(Span(start, end, "PHONE", _normalised("PHONE", run.group())))
        return found


def _with_extension(text: str, end: int) -> int:
    """The end of a phone number with the extension written after it ("x157", "ext. 22")."""
    extension = _EXTENSION.match(text, end)
    return extension.end() if extension else end


def _shaped_like_phone(run: str, before: str) -> bool:
    """Digits written as a phone number is: 7 to 15 of them, in groups of two to five (the
    first may be shorter), 10 or 11 unbroken, or after a word such as "call" (the caller has already left out
    what follows "order", "#" or "$", and the digits of codes)."""
    digits = sum(c.isdigit() for c in run)
    if not 7 <= digits <= 15:
        return False
    if run.startswith("+") or _PHONE_CUE.search(before):
        return True
    groups = [g for g in re.split(r"\D+", run.split("x")[0].split("ext")[0]) if g]
    if len(groups) == 1:  # unbroken: "0492807302", "2614597755"
        return 10 <= digits <= 11
    if _YEARS.match(run.strip()):
        return False
    # A trunk prefix or area code written apart may be followed by one long group:
    # "(0116) 4960157", "05277 204056".
    longest = 8 if run.lstrip("+").startswith(("(", "0")) else 5
    return all(2 <= len(g) <= longest for g in groups[1:]) and 1 <= len(groups[0]) <= 5


def _numbers(text: str) -> Iterable[Span]:
    finders = (("CARD", numbers.find_cards), ("IBAN", numbers.find_ibans),
               ("ID", numbers.find_documents), ("DOB", numbers.find_birth_dates))  # fmt: skip
    for kind, finder in finders:
        for start, end, key in finder(text):
            yield Span(start, end, kind, key)


def _with_towns(text: str, addresses: list[Span], entities: list[ner.Entity]) -> list[Span]:
    """Each address with the places the NER finds right after it ("..., Springfield")."""
    places = sorted((e for e in entities if e.label in ner.PLACES), key=lambda e: e.start)
    extended = []
    for span in addresses:
        end = span.end
        for place in places:
            if place.start >= end and re.fullmatch(r"[\s,]{1,3}", text[end : place.start]):
                end = place.end
        extended.append(Span(span.start, end, span.kind, span.key) if end != span.end else span)
    return extended


def _people(text: str, entities: list[ner.Entity], known: list[Span]) -> list[Span]:
    """People the NER finds that the vault does not know (a known name keeps its own key)."""
    found = []
    for entity in entities:
        if entity.label != "PERSON":
            continue
        if any(k.start < entity.end and entity.start < k.end for k in known):
            continue
        key = "name:" + " ".join(text[entity.start : entity.end].casefold().split())
        found.append(Span(entity.start, entity.end, "PERSON", key))
    return found


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Longest first (then by kind priority); a span overlapping a kept one is dropped."""
    ranked = sorted(spans, key=lambda s: (-len(s), _PRIORITY[s.kind], s.start))
    kept: list[Span] = []
    for span in ranked:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
