"""What each column of an exported table is: its type, its format and its role.

Roles say what a column means for money questions: ``date``, ``amount`` (signed), ``debit``
and ``credit`` (money out and in, in two columns), ``direction`` (a column of DR/CR, Soll/Haben
that signs an unsigned amount), ``balance``, ``currency``, ``payee``, ``description``,
``category``, ``account``, ``quantity``, ``price``, or ``other``. They are read from the header
(English, German, French, Spanish, Italian and Dutch words banks use) and checked against the
values: an ``amount`` must hold numbers, a ``date`` dates. The user can correct any of them
(``pasi sources set-column``); the typed values are then derived again from the raw text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from pasi.ingest.table_values import (
    currency_of,
    date_order,
    decimal_mark,
    is_decorated_amount,
    parse_amount,
    parse_date,
)

TYPES = ("integer", "number", "money", "date", "text")
ROLES = ("date", "amount", "debit", "credit", "direction", "balance", "currency", "payee",
         "description", "category", "account", "quantity", "price", "other")  # fmt: skip
NUMERIC_ROLES = {"amount", "debit", "credit", "balance", "quantity", "price"}

# Header words per role, tried in this order (the first role whose pattern matches wins).
_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("balance", re.compile(r"balance|saldo|solde|kontostand|running")),
    ("debit", re.compile(r"debit|débit|\bsoll\b|withdrawal|paid out|money out|outflow|ausgabe|"
                         r"charge|dépense|cargo|uscite")),
    ("credit", re.compile(r"credit|crédit|\bhaben\b|deposit|paid in|money in|inflow|einnahme|"
                          r"recette|abono|entrate")),
    ("quantity", re.compile(r"quantity|qty|shares|units|stück|anzahl|quantité|nombre|cantidad")),
    ("price", re.compile(r"price|kurs|prix|precio|rate\b|unit cost")),
    ("currency", re.compile(r"currency|währung|waehrung|devise|monnaie|moneda|valuta$|ccy")),
    ("amount", re.compile(r"amount|betrag|montant|importe|importo|bedrag|total|value|sum|"
                          r"\bwert\b|umsatz|net\b|proceeds")),
    ("date", re.compile(r"date|datum|buchung|booking|posted|posting|fecha|data|"
                        r"day|jour|tag\b|wertstellung|valuta")),
    ("account", re.compile(r"account|konto|compte|cuenta|conto|iban|card|karte|carte|"
                           r"portfolio|depot")),
    ("payee", re.compile(r"payee|merchant|beneficiar|bénéficiaire|empfänger|empfaenger|"
                         r"auftraggeber|zahlungspflichtig|counterparty|begünstigt|"
                         r"tiers|name|store|shop|vendor|recipient|from/to|to/from")),
    ("category", re.compile(r"categor|kategorie|rubrique|\bgroup\b|\btag|type|\baction\b|"
                            r"\bart\b|buchungstext|transaction type|activity")),
    ("description", re.compile(r"descr|memo|verwendung|libell|detail|narrat|reference|"
                               r"referenz|concept|text|purpose|note|wording|symbol|"
                               r"security|wertpapier|titre|transaction|particulars|remarque|bemerkung|comment")),
]  # fmt: skip
_DIRECTIONS = {"dr", "cr", "debit", "credit", "s", "h", "soll", "haben", "d", "c", "débit",
               "crédit", "out", "in", "af", "bij", "expense", "income", "eingang", "ausgang",
               "expenses", "incomes"}  # fmt: skip


_OUT_WORDS = {"dr", "debit", "s", "soll", "d", "débit", "out", "af", "expense", "expenses",
              "ausgang"}  # fmt: skip


@dataclass
class ColumnSpec:
    """One column: the header as written, its SQL name, how its values read, what it means."""

    name: str
    header: str
    type: str = "text"
    role: str = "other"
    decimal: str = "."
    date_order: str = "dmy"
    corrected: bool = False  # set by the user; kept over a re-sync

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _present(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v.strip()]


def infer_type(values: list[str]) -> tuple[str, str, str]:
    """The column's type, decimal mark and date order: every non-empty value must parse."""
    present = _present(values)
    mark, order = decimal_mark(present), date_order(present)
    if not present:
        return "text", mark, order
    if all(parse_date(v, order) for v in present):
        return "date", mark, order
    if all(re.fullmatch(r"[-+]?\d+", v) and not (len(v) > 1 and v[0] == "0") for v in present):
        return "integer", mark, order
    if all(parse_amount(v, mark) is not None for v in present):
        money = any(is_decorated_amount(v) for v in present)
        return ("money" if money else "number"), mark, order
    return "text", mark, order


def typed(value: str, spec: ColumnSpec) -> Any:
    """The value as its column's type says, or the text itself when it does not parse."""
    value = value.strip()
    if not value:
        return None
    parsed: Any = None
    if spec.type == "integer":
        parsed = int(value) if re.fullmatch(r"[-+]?\d+", value) else None
    elif spec.type in ("number", "money"):
        parsed = parse_amount(value, spec.decimal)
    elif spec.type == "date":
        parsed = parse_date(value, spec.date_order)
    return value if parsed is None else parsed


def _role(header: str, kind: str, values: list[str]) -> str:
    lowered = header.lower()
    numeric = kind in ("integer", "number", "money")
    present = _present(values)
    kinds = {v.lower().rstrip(".") for v in present}
    if kinds and kinds <= _DIRECTIONS and not numeric and (len(kinds) > 1 or len(min(kinds)) > 1):
        return "direction"  # one letter alone ("C" of a Cleared column) says nothing
    if kind == "date":
        return "date"
    for role, pattern in _HINTS:
        if not pattern.search(lowered):
            continue
        if (role in NUMERIC_ROLES) != numeric or role == "date":
            continue
        if role == "currency" and not all(currency_of(v) for v in present):
            continue
        return role
    if numeric and kind == "money":
        return "amount"
    if not numeric and present and all(currency_of(v) == v.upper() for v in present):
        return "currency"
    return "other"


def infer_columns(
    names: list[str], headers: list[str], values: list[list[str]]
) -> list[ColumnSpec]:
    """Every column's type and role; one ``amount`` (or a debit/credit pair) and one ``date``."""
    specs = []
    for name, header, column in zip(names, headers, values, strict=True):
        kind, mark, order = infer_type(column)
        specs.append(ColumnSpec(name, header, kind, _role(header, kind, column), mark, order))
    _one_of(specs, "date", prefer=re.compile(r"book|buchung|trans|posted|opér|complet|started"))
    _one_of(specs, "date", prefer=re.compile(r"^date$|^datum$|^date\b|\bdate$"))
    _one_of(specs, "date", prefer=re.compile(r"^"))  # else the first
    _one_of(specs, "amount", prefer=re.compile(r"amount|betrag|montant|importe"))
    has_amount = any(s.role in ("amount", "debit", "credit") for s in specs)
    dated = any(s.role == "date" for s in specs)
    if not has_amount and dated:  # a dated table's one unnamed number column is its amount
        numbers = [s for s in specs if s.type in ("money", "number", "integer")
                   and s.role == "other"]  # fmt: skip
        if len(numbers) == 1:
            numbers[0].role = "amount"
    _one_of(specs, "payee", prefer=re.compile(r"payee|empf|bénéf|benef|merchant"))
    return specs


def _one_of(specs: list[ColumnSpec], role: str, prefer: re.Pattern[str]) -> None:
    """Keep one column in ``role`` (the first whose header ``prefer`` matches, else the first);
    the others become ``other`` (a value date beside a booking date, a second amount)."""
    having = [s for s in specs if s.role == role]
    if len(having) < 2:
        return
    keep = next((s for s in having if prefer.search(s.header.lower())), None)
    if keep is None:
        if role == "date":
            return  # the next, looser preference decides
        keep = having[0]
    for spec in having:
        if spec is not keep:
            spec.role = "other" if role != "payee" else "description"


def table_currency(specs: list[ColumnSpec], rows: list[list[str]]) -> str | None:
    """The one currency the money values, headers or a currency column name, if one."""
    found: set[str] = set()
    for index, spec in enumerate(specs):
        if spec.role == "currency":
            found.update(r[index].strip().upper() for r in rows[:200] if r[index].strip())
        if spec.role in ("amount", "debit", "credit", "balance"):
            header = currency_of(spec.header)
            if header:
                found.add(header)
            found.update(c for c in (currency_of(r[index]) for r in rows[:200]) if c)
    return found.pop() if len(found) == 1 else None


# -- derived fields: the same meaning whatever the layout ---------------------------------------

DERIVED = {"pasi_date": "date", "pasi_amount": "money", "pasi_currency": "text"}


def derive(values: dict[str, Any], specs: list[ColumnSpec], currency: str | None) -> dict[str, Any]:
    """``pasi_date`` (ISO date), ``pasi_amount`` (money in positive, money out negative) and
    ``pasi_currency`` for one row, from the columns in those roles."""
    by_role: dict[str, Any] = {}
    for spec in specs:
        if spec.role not in by_role and values.get(spec.name) is not None:
            by_role[spec.role] = values[spec.name]
    when = by_role.get("date")
    amount = _number(by_role.get("amount"))
    debit, credit = _number(by_role.get("debit")), _number(by_role.get("credit"))
    if amount is None and (debit is not None or credit is not None):
        amount = abs(credit or 0.0) - abs(debit or 0.0)
    direction = str(by_role.get("direction") or "").lower().rstrip(".")
    if amount is not None and direction in _OUT_WORDS:
        amount = -abs(amount)
    row_currency = by_role.get("currency")
    return {
        "pasi_date": str(when)[:10]
        if isinstance(when, str) and re.match(r"\d{4}-", when)
        else None,
        "pasi_amount": None if amount is None else round(amount, 6),
        "pasi_currency": str(row_currency).upper() if row_currency else currency,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
