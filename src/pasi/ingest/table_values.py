"""Values of exported tables as people write them: dates and amounts in many locales.

A bank in Germany writes ``31.12.2024`` and ``-1.234,56``; one in the US ``12/31/2024`` and
``(1,234.56)``; a card statement ``12.50 DR``. Each value is read with the column's format, and
the format is decided once per column from all its values (:func:`decimal_mark`,
:func:`date_order`), because one value alone is often ambiguous: ``03/04/2024`` or ``1,234``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise

_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₣": "CHF"}
_CODES = (
    "EUR|USD|GBP|CHF|JPY|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|INR|CNY|HKD|SGD|ZAR|BRL|MXN|TRY|RUB"
)
_CURRENCY = re.compile(rf"(?:US\$|C\$|A\$|R\$|zł|[$€£¥₹₣]|\b(?:{_CODES})\b|\bFr\.|\bkr\b)", re.I)
# A sign the list above does not know ("د.ا.", "R$", "zł", "₺"): up to 4 characters, none an ASCII
# letter or digit, stuck to the number, so "Order 12" never reads as money.
_OTHER_SIGN = re.compile(
    r"^[^\x00-\x7f\s\d][^\sA-Za-z\d]{0,3}(?=[-+]?\d)|(?<=\d)\s?[^\x00-\x7f\s\d]{1,4}$"
)
_MARK = re.compile(r"\b(CR|DR|Cr|Dr|H|S)\.?$|^(CR|DR)\b")
_DIGITS = re.compile(r"^\d[\d.,' \u00a0\u202f]*$|^[.,]\d+$")
_SPACES = re.compile(r"[\s'\u00a0\u202f]")


def currency_of(text: str) -> str | None:
    """The ISO code a value names with a sign or a code ("€12", "12,50 EUR"), if any."""
    match = _CURRENCY.search(text)
    if not match:
        return None
    found = match.group(0).upper().rstrip(".")
    return {
        "US$": "USD",
        "C$": "CAD",
        "A$": "AUD",
        "R$": "BRL",
        "ZŁ": "PLN",
        "FR": "CHF",
        "KR": "SEK",
    }.get(found, _CURRENCY_SIGNS.get(found, found))


def _split(text: str) -> tuple[int, str, bool] | None:
    """Sign, bare digits with separators, and whether a currency or a mark was around them."""
    text = text.strip().replace("\u2212", "-")
    sign, decorated = 1, False
    mark = _MARK.search(text)
    if mark:
        word = (mark.group(1) or mark.group(2)).upper()
        sign = -1 if word in ("DR", "S") else 1
        text, decorated = (text[: mark.start()] + text[mark.end() :]).strip(), True
    if text.startswith("(") and text.endswith(")"):
        sign, text, decorated = -sign, text[1:-1].strip(), True
    stripped = _CURRENCY.sub("", text).strip()
    decorated = decorated or stripped != text
    text = stripped
    if text.startswith(("-", "+")):
        sign, text = (-sign if text[0] == "-" else sign), text[1:].strip()
    elif text.endswith("-"):  # "12,50-" (SAP, some German banks)
        sign, text, decorated = -sign, text[:-1].strip(), True
    text = _CURRENCY.sub("", text).strip()  # "-€12" and "€-12" both seen
    other = _OTHER_SIGN.sub("", text).strip()
    if other != text:
        text, decorated = other, True
    if text.startswith(("-", "+")):
        sign, text = (-sign if text[0] == "-" else sign), text[1:].strip()
    if not text or not _DIGITS.match(text):
        return None
    return sign, _SPACES.sub("", text), decorated


def _vote(digits: str) -> str | None:
    """Which mark this number uses for decimals, when it tells: '.', ',' or None."""
    last = max(digits.rfind("."), digits.rfind(","))
    if last < 0:
        return None
    mark = digits[last]
    other = "," if mark == "." else "."
    if other in digits[:last]:
        return mark  # 1.234,56 or 1,234.56: the last mark is the decimal one
    if digits.count(mark) > 1:
        return other  # 1.234.567: thousands
    return None if len(digits) - last - 1 == 3 else mark  # 1,234 could be either


def decimal_mark(values: list[str]) -> str:
    """'.' or ',' for a whole column: most values that tell decide; '.' when none does."""
    votes = {".": 0, ",": 0}
    for value in values:
        parts = _split(value)
        if parts:
            mark = _vote(parts[1])
            if mark:
                votes[mark] += 1
    return "," if votes[","] > votes["."] else "."


def parse_amount(text: str, decimal: str = ".") -> float | None:
    """A number with its sign from '-', '( )', a trailing '-', or a CR/DR mark; None if none."""
    parts = _split(text)
    if parts is None:
        return None
    sign, digits, _ = parts
    thousands = "," if decimal == "." else "."
    if digits.count(decimal) > 1:
        return None
    digits = digits.replace(thousands, "").replace(decimal, ".")
    try:
        return sign * float(digits)
    except ValueError:
        return None


def is_decorated_amount(text: str) -> bool:
    """A currency, a CR/DR mark or accounting brackets around a number: money, not a count."""
    parts = _split(text)
    return bool(parts and parts[2])


# -- dates --------------------------------------------------------------------------------------

_MONTH_NAMES = {
    "jan": 1, "janv": 1, "januar": 1, "janvier": 1, "ene": 1, "enero": 1, "gen": 1,
    "feb": 2, "febr": 2, "févr": 2, "fevr": 2, "februar": 2, "février": 2, "feb.": 2,
    "mar": 3, "mär": 3, "märz": 3, "maerz": 3, "mars": 3, "marzo": 3,
    "apr": 4, "avr": 4, "april": 4, "avril": 4, "abr": 4,
    "may": 5, "mai": 5, "mayo": 5, "mag": 5,
    "jun": 6, "juin": 6, "juni": 6, "june": 6,
    "jul": 7, "juil": 7, "juli": 7, "july": 7, "juillet": 7,
    "aug": 8, "août": 8, "aout": 8, "ago": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "set": 9,
    "oct": 10, "okt": 10, "october": 10, "oktober": 10, "octobre": 10, "ott": 10,
    "nov": 11, "november": 11, "novembre": 11,
    "dec": 12, "dez": 12, "déc": 12, "december": 12, "dezember": 12, "décembre": 12, "dic": 12,
}  # fmt: skip
_LONG_MONTHS = "january february march april june july august october".split()
_COMPACT = re.compile(r"^((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")  # 20151231
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?.*)?$")
_NUMERIC = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{2,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_NAMED = re.compile(
    r"^(\d{1,2})[ .-]+([^\W\d_]+)\.?[ .,-]+(\d{2,4})$|^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$"
)


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in _MONTH_NAMES:
        return _MONTH_NAMES[word]
    long = next((m for m in _LONG_MONTHS if m.startswith(word) and len(word) >= 3), None)
    return _MONTH_NAMES.get(long[:3]) if long else None


def _year(text: str) -> int:
    year = int(text)
    return year if year >= 100 else (2000 + year if year < 70 else 1900 + year)


def _numeric_parts(text: str) -> tuple[int, int, int] | None:
    match = _NUMERIC.match(text.strip())
    if not match or len(match.group(1)) == 4:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def date_order(values: list[str]) -> str:
    """'dmy' or 'mdy' for a column of numeric dates: a part over 12 decides; else the order
    under which the rows run most nearly in date order (statements are sorted); else 'dmy'."""
    parts = [p for p in (_numeric_parts(v) for v in values) if p]
    if any(a > 12 for a, _, _ in parts):
        return "dmy"
    if any(b > 12 for _, b, _ in parts):
        return "mdy"
    if not parts or any(sep in values[0] for sep in ".-"):
        return "dmy"

    def disorder(order: str) -> int:
        keys = [(_year(str(y)), b, a) if order == "dmy" else (_year(str(y)), a, b)
                for a, b, y in parts]  # fmt: skip
        pairs = list(pairwise(keys))
        return min(sum(x > y for x, y in pairs), sum(x < y for x, y in pairs))

    return "mdy" if disorder("mdy") < disorder("dmy") else "dmy"


def parse_date(text: str, order: str = "dmy") -> str | None:
    """An ISO date (or date-time) from the ways statements write dates; None if not a date."""
    text = text.strip()
    try:
        match = _ISO.match(text) or _COMPACT.match(text)
        if match:
            y, m, d = (int(match.group(i)) for i in (1, 2, 3))
            if match.re is _ISO and match.group(4):
                seconds = int(match.group(6) or 0)
                return datetime(y, m, d, int(match.group(4)), int(match.group(5)),
                                seconds).isoformat()  # fmt: skip
            return date(y, m, d).isoformat()
        match = _NUMERIC.match(text)
        if match:
            a, b, c = (int(match.group(i)) for i in (1, 2, 3))
            if len(match.group(1)) == 4:
                y, m, d = a, b, c
            else:
                y, m, d = (
                    (_year(match.group(3)), b, a)
                    if order == "dmy"
                    else (_year(match.group(3)), a, b)
                )
            if match.group(4):
                return datetime(y, m, d, int(match.group(4)), int(match.group(5)),
                                int(match.group(6) or 0)).isoformat()  # fmt: skip
            return date(y, m, d).isoformat()
        match = _NAMED.match(text)
        if match:
            if match.group(1):
                day, name, year = match.group(1), match.group(2), match.group(3)
            else:
                name, day, year = match.group(4), match.group(5), match.group(6)
            month = _month(name)
            return date(_year(year), month, int(day)).isoformat() if month else None
    except ValueError:
        return None
    return None
