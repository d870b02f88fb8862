"""Personal money data for ``pasi bench tables``: one person's transactions, written out in the
layouts of real banks, a budget app and brokers, in several locales.

The transactions are made first (seeded), as plain records; each layout only *writes* them:
its own column names and language, date format, decimal mark, sign convention (a signed
amount, a debit/credit pair, a DR/CR column, a trailing minus) and preamble. Gold answers are
computed from the records (pasi.bench.tables_questions), never from what pasi read.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

START, END = date(2015, 1, 1), date(2016, 2, 29)


@dataclass(frozen=True)
class Txn:
    day: date
    payee: str
    category: str
    memo: str
    amount: float  # money in positive, money out negative
    kind: str = ""  # broker action: buy, sell, dividend


@dataclass(frozen=True)
class Locale:
    categories: dict[str, str]  # our category -> the word this locale's files use
    payees: dict[str, list[str]]  # our category -> payees
    salary: str
    employer: str


LOCALES = {
    "de": Locale(
        {"groceries": "Lebensmittel", "rent": "Miete", "restaurants": "Restaurant",
         "transport": "Mobilitaet", "utilities": "Energie", "subscriptions": "Abonnements",
         "salary": "Gehalt", "shopping": "Einkaufen"},
        {"groceries": ["REWE Markt", "Lidl", "Edeka Center"], "rent": ["Hausverwaltung Krause"],
         "restaurants": ["Pizzeria Roma", "Cafe Kranzler"], "transport": ["Deutsche Bahn", "BVG"],
         "utilities": ["Stadtwerke"], "subscriptions": ["Netflix", "Spotify"],
         "shopping": ["Amazon", "Saturn"]},
        "Gehalt", "Muster GmbH"),
    "fr": Locale(
        {"groceries": "Alimentation", "rent": "Loyer", "restaurants": "Restaurants",
         "transport": "Transports", "utilities": "Energie", "subscriptions": "Abonnements",
         "salary": "Salaire", "shopping": "Achats"},
        {"groceries": ["Carrefour", "Monoprix", "Picard"], "rent": ["Foncia"],
         "restaurants": ["Brasserie Lipp", "Le Comptoir"], "transport": ["SNCF", "RATP"],
         "utilities": ["EDF"], "subscriptions": ["Netflix", "Deezer"],
         "shopping": ["Fnac", "Decathlon"]},
        "Salaire", "Dupont SA"),
    "en": Locale(
        {"groceries": "Groceries", "rent": "Rent", "restaurants": "Restaurants",
         "transport": "Transport", "utilities": "Utilities", "subscriptions": "Subscriptions",
         "salary": "Salary", "shopping": "Shopping"},
        {"groceries": ["Tesco", "Sainsbury", "Whole Foods"], "rent": ["Oakwood Lettings"],
         "restaurants": ["Nandos", "Pret"], "transport": ["Uber", "Shell"],
         "utilities": ["British Gas"], "subscriptions": ["Netflix", "Spotify"],
         "shopping": ["Amazon", "Ikea"]},
        "Salary", "Acme Ltd"),
}  # fmt: skip
_AMOUNTS = {"groceries": (8, 140), "restaurants": (12, 90), "transport": (3, 120),
            "subscriptions": (7.99, 14.99), "shopping": (15, 400)}  # fmt: skip


def transactions(locale: str, rng: random.Random) -> list[Txn]:
    """About 14 months of one person's account: salary, rent, bills and everyday spending."""
    words = LOCALES[locale]
    out: list[Txn] = []
    day = START
    while day <= END:
        if day.day == 1:
            rent = words.payees["rent"][0]
            out.append(Txn(day, rent, words.categories["rent"], f"{words.categories['rent']} "
                           f"{day:%m/%Y}", -float(rng.choice([950, 1080, 1125]))))  # fmt: skip
        if day.day == 27:
            pay = round(rng.uniform(2800, 3400), 2)
            out.append(Txn(day, words.employer, words.categories["salary"], words.salary, pay))
        if day.day == 15:
            bill = round(rng.uniform(40, 160), 2)
            out.append(Txn(day, words.payees["utilities"][0], words.categories["utilities"],
                           f"Abschlag {day:%m/%Y}" if locale == "de" else f"Bill {day:%m/%Y}",
                           -bill))  # fmt: skip
        for _ in range(rng.choice([0, 1, 1, 2])):
            category = rng.choice(list(_AMOUNTS))
            low, high = _AMOUNTS[category]
            amount = round(rng.uniform(low, high), 2) if category != "subscriptions" else high
            payee = rng.choice(words.payees[category])
            if category == "subscriptions" and rng.random() < 0.85:
                continue
            refund = category == "shopping" and rng.random() < 0.08
            out.append(Txn(day, payee, words.categories[category],
                           f"{payee} {'refund' if refund else 'card'} {rng.randint(1000, 9999)}",
                           amount if refund else -amount))  # fmt: skip
        day += timedelta(days=1)
    return out


def trades(rng: random.Random) -> list[Txn]:
    """A broker account: monthly buys, quarterly dividends of a few holdings, one sale."""
    out: list[Txn] = []
    holdings = [("AAPL", "Apple Inc"), ("MSFT", "Microsoft Corp"), ("VWRL", "Vanguard FTSE All-World"),
                ("KO", "Coca-Cola Co")]  # fmt: skip
    for month in range(1, 15):
        year, m = 2015 + (month - 1) // 12, (month - 1) % 12 + 1
        symbol, name = rng.choice(holdings)
        out.append(Txn(date(year, m, 5), symbol, name, "buy", -round(rng.uniform(300, 900), 2),
                       "buy"))  # fmt: skip
        if m in (3, 6, 9, 12):
            for symbol, name in holdings[: rng.randint(2, 4)]:
                out.append(Txn(date(year, m, rng.randint(10, 25)), symbol, name, "dividend",
                               round(rng.uniform(5, 60), 2), "dividend"))  # fmt: skip
    out.append(Txn(date(2015, 10, 20), "MSFT", "Microsoft Corp", "sell",
                   round(rng.uniform(800, 1500), 2), "sell"))  # fmt: skip
    return sorted(out, key=lambda t: t.day)


# -- number and date writers ---------------------------------------------------------------------


def _grouped(value: float, thousands: str, decimal: str) -> str:
    text = f"{abs(value):,.2f}".replace(",", "\0").replace(".", decimal)
    return text.replace("\0", thousands)


def money(value: float, style: str) -> str:
    """``de`` -1.234,56 / ``fr`` -1 234,56 / ``en`` -1,234.56 / ``usd`` -$1,234.56 /
    ``paren`` ($1,234.56) / ``plain`` -1234.56 / ``trail`` 1.234,56-"""
    sign = "-" if value < 0 else ""
    if style == "de":
        return sign + _grouped(value, ".", ",")
    if style == "fr":
        return sign + _grouped(value, "\u202f", ",")
    if style == "usd":
        return f"{sign}${_grouped(value, ',', '.')}"
    if style == "paren":
        return f"(${_grouped(value, ',', '.')})" if value < 0 else f"${_grouped(value, ',', '.')}"
    if style == "trail":
        return _grouped(value, ".", ",") + ("-" if value < 0 else "")
    if style == "plain":
        return f"{value:.2f}"
    return sign + _grouped(value, ",", ".")


def when(day: date, style: str) -> str:
    return {"dmy.": f"{day:%d.%m.%Y}", "dmy.yy": f"{day:%d.%m.%y}", "dmy/": f"{day:%d/%m/%Y}",
            "mdy/": f"{day:%m/%d/%Y}", "iso": day.isoformat(), "compact": f"{day:%Y%m%d}",
            "dmon": f"{day:%d %b %Y}", "mon": f"{day:%b} {day.day}, {day.year}"}[style]  # fmt: skip


def _csv(path: Path, rows: list[list[str]], delimiter: str = ",", preamble: str = "") -> Path:
    def cell(value: str) -> str:
        needs = delimiter in value or '"' in value or "\n" in value
        return '"' + value.replace('"', '""') + '"' if needs else value

    lines = [delimiter.join(cell(c) for c in row) for row in rows]
    path.write_text(preamble + "\n".join(lines) + "\n", encoding="utf-8")
    return path


Layout = Callable[[Path, list[Txn]], Path]
