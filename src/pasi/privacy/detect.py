"""Find personal data in text: the people the vault knows, and numbers and addresses of any kind.

Each kind uses the tool made for it: presidio-analyzer's pattern recognizers for email
addresses, card numbers (Luhn-checked), IBANs (checksum), IP addresses and national ID numbers
(run directly, without presidio's spaCy NLP engine, which would need a model download); the
``phonenumbers`` library's matcher for phone numbers, in the national formats of the configured
regions and every ``+`` international number; the vault's entities and aliases for names
(pasi.privacy.names); and patterns for postal addresses (pasi.privacy.addresses), for which
presidio has no recognizer. presidio (and spaCy under it) takes about two seconds to import,
so it is imported when a detector first looks at text, not when pasi starts.

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

from pasi.privacy.addresses import find_addresses
from pasi.privacy.names import KnownNames

KINDS = ("PERSON", "EMAIL", "PHONE", "ADDRESS", "CARD", "IBAN", "ID", "IP")
# When two findings overlap, the longer wins; on equal length, the earlier kind in this list.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    ("EMAIL", "IBAN", "CARD", "ID", "IP", "PHONE", "ADDRESS", "PERSON")
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
            CreditCardRecognizer,
            DeTaxIdRecognizer,
            EmailRecognizer,
            EsNifRecognizer,
            IbanRecognizer,
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
            ("CARD", CreditCardRecognizer()),
            ("IBAN", IbanRecognizer()),
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
    """Finds personal data; ``find`` returns non-overlapping spans in text order."""

    def __init__(self, names: KnownNames | None = None, phone_regions: Sequence[str] = ("US",)):
        self.names = names or KnownNames()
        self.phone_regions = tuple(r.upper() for r in phone_regions) or ("US",)

    def find(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        found = list(self._patterns(text))
        found += self._phones(text, taken=found)
        found += find_addresses(text) + self.names.find(text)
        return _without_overlaps(found)

    def _patterns(self, text: str) -> Iterable[Span]:
        for kind, recognizer in _recognizers():
            for result in recognizer.analyze(text, recognizer.supported_entities, None):
                if result.score >= MIN_SCORE:
                    value = text[result.start : result.end]
                    yield Span(result.start, result.end, kind, _normalised(kind, value))

    def _phones(self, text: str, taken: Sequence[Span] = ()) -> list[Span]:
        """The matcher (the slowest part of detection) runs only on runs of digits that no other
        finding covers (a card, an IBAN), and a number written with + in one region only."""
        import phonenumbers

        seen: set[tuple[int, int]] = set()
        found = []
        undated = _DATE_OR_TIME.sub(lambda m: " " * len(m.group()), text)
        for run in _DIGIT_RUN.finditer(undated):
            if any(s.start <= run.start() and run.end() <= s.end for s in taken):
                continue
            international = run.group().startswith("+")
            for region in self.phone_regions[:1] if international else self.phone_regions:
                for match in phonenumbers.PhoneNumberMatcher(run.group(), region):
                    start, end = run.start() + match.start, run.start() + match.end
                    if (start, end) in seen:
                        continue
                    seen.add((start, end))
                    number = phonenumbers.format_number(
                        match.number, phonenumbers.PhoneNumberFormat.E164
                    )
                    found.append(Span(start, end, "PHONE", number))
        return found


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Longest first (then by kind priority); a span overlapping a kept one is dropped."""
    ranked = sorted(spans, key=lambda s: (-len(s), _PRIORITY[s.kind], s.start))
    kept: list[Span] = []
    for span in ranked:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
