"""Numbers that identify a person: cards, IBANs, ID documents and dates of birth.

Cards are found by their checksum, not their brand's pattern: any 12 to 19 digits, grouped
by spaces or dashes in any way, that pass the Luhn check and start as a card of a payment
network does (2 to 6: Mastercard's 2-series, Amex, Visa, Maestro, Discover, JCB, Diners,
UnionPay; and JCB's old 15-digit 1800 numbers). IBANs by their mod-97 check, in upper or lower case, grouped or not. Passport,
driver's licence and other ID numbers have no checksum pasi can rely on, so they are taken
only after a word that says what they are ("passport no.", "driver's license", "SSN", "ID");
dates of birth likewise ("born", "DOB", "date of birth", "birthday").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Digits grouped by single spaces or dashes: "4111 1111 1111 1111", "6011-0000-0000-0004".
_DIGIT_GROUPS = re.compile(r"(?<![\w.,/+-])\d(?:[ -]?\d){11,22}(?![\w]|[.,/-]\d)")
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,32}(?!\w)")
_CARD_START = "23456"
_IBAN_HEAD = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4})*\s?$")

_ID_CUE = (
    r"passport|travel\s+document|driver'?s?\s+licen[cs]e|driving\s+licen[cs]e|licen[cs]e"
    r"|\bDL\b|social\s+security|\bSSN\b|national\s+insurance|\bNINO?\b|\bID\b|identity"
    r"|id\s+card|personal\s+(?:id|number|code)|tax\s+(?:id|number|code)|\bTIN\b|\bPESEL\b"
    r"|\bCPF\b|\bNIR\b|\bBSN\b|\bAHV\b|\bNIF\b|\bNIE\b|\bDNI\b|\bCURP\b|\bRFC\b|\bPPS\b"
    r"|\bSIN\b|medicare|aadhaar|\bPAN\b|Personalausweis|Reisepass|F[üu]hrerschein"
    r"|Steuer-?ID|carte\s+d'identit[ée]|permis|pasaporte|passaporto|pesel|dowód"
)
# A document number: letters and digits, at least four digits, maybe grouped by . - or space.
_DOC = r"(?=[A-Z]*\d)(?=[A-Z0-9.\- ]*\d(?:[A-Z.\- ]*\d){3})[A-Z0-9]+(?:[.\-/][A-Z0-9]+| \d[A-Z0-9]*){0,4}"
_ID_AFTER_CUE = re.compile(
    rf"(?i:{_ID_CUE})(?:[\w'’ ]{{0,24}}?)(?:\s*(?i:no\.?|number|nr\.?|num\.?|#|is|was|:|of))*"
    rf"\s*[:#]?\s*(?i:(?P<doc>{_DOC}))(?![\w])"
)

_MONTH = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_DATE = (
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}"
    rf"|(?i:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(?i:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\.?,?\s+\d{{4}})"
)
_DOB_CUE = r"born|birth|birthday|\bDOB\b|\bD\.O\.B\.?|b\.|geboren|né|née|nacido|nata|nato"
_DOB = re.compile(rf"(?i:{_DOB_CUE})[^.\n\d]{{0,30}}?(?P<date>{_DATE})(?!\d)")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not (15 <= len(compact) <= 34 and compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _prefixes(text: str, start: int, end: int, separators: str) -> Iterator[int]:
    """Ends of ``text[start:end]`` from longest to shortest, cut only at a separator."""
    yield end
    for index in range(end - 1, start, -1):
        if text[index] in separators:
            yield index


def find_cards(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every Luhn-valid card number."""
    for match in _DIGIT_GROUPS.finditer(text):
        if match.group()[0] not in _CARD_START and not match.group().startswith(("1800", "2131")):
            continue
        if _IBAN_HEAD.search(text, 0, match.start()):
            continue  # the digits of an IBAN-like reference that failed its own check
        for end in _prefixes(text, match.start(), match.end(), " -"):
            digits = re.sub(r"\D", "", text[match.start() : end])
            if 12 <= len(digits) <= 19 and luhn_ok(digits):
                yield match.start(), end, digits
                break


def find_ibans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, compact upper-case IBAN) of every IBAN that passes its check."""
    for match in _IBAN.finditer(text):
        for end in _prefixes(text, match.start(), match.end(), " "):
            value = text[match.start() : end]
            if re.match(r"\s*\d", text[end : match.end()]):
                continue  # a cut inside the digits of an invalid number; only words may go
            if iban_ok(value):
                yield match.start(), end, value.replace(" ", "").upper()
                break


def find_documents(text: str) -> Iterator[tuple[int, int, str]]:
    """ID document numbers named as such: passport, licence, social security and so on."""
    for match in _ID_AFTER_CUE.finditer(text):
        start, end = match.span("doc")
        yield start, end, re.sub(r"[^0-9A-Za-z]", "", match.group("doc")).upper()


def find_birth_dates(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _DOB.finditer(text):
        start, end = match.span("date")
        yield start, end, match.group("date").casefold()
