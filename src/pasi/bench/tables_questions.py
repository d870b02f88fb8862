"""Questions with gold answers, computed from the generated records (never from pasi's reading).

Each question has a type (``sum``, ``count``, ``avg``, ``latest``, ``max``) and a filter kind
(period, category, payee, dividends); the dev and held-out splits phrase them differently.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pasi.bench.tables_data import Txn
from pasi.bench.tables_layouts import OPENING, LayoutInfo

NOW = date(2016, 3, 10)  # "last month" is February 2016, "this year" 2016


@dataclass(frozen=True)
class Question:
    text: str
    type: str  # e.g. sum_payee, count_dividends
    gold: float


PHRASES: dict[str, dict[str, list[str]]] = {
    "dev": {
        "sum_period": ["How much did I spend in {month}?", "What did I spend in {month}?",
                       "What were my outgoings in {month}?"],
        "sum_category": ["How much did I spend on {category} in {year}?",
                         "Total spent on {category} in {month}?",
                         "How much did {category} cost in {month}?"],
        "sum_payee": ["How much did I spend at {payee} in {year}?",
                      "How much did I pay {payee} last month?"],
        "sum_income": ["How much did I receive from {employer} in {year}?"],
        "sum_dividends": ["How much did I receive in dividends in {quarter_month}?",
                          "Total dividends received in {year}?"],
        "count_payee": ["How many times did I pay {payee} in {year}?"],
        "count_dividends": ["How many dividends did I get in {year}?"],
        "avg_payee": ["What was my average spending at {payee} in {year}?"],
        "max_period": ["What was my biggest expense in {month}?",
                       "Largest purchase in {month}?"],
        "latest_balance": ["What is my current balance?"],
        "latest_payee": ["How much was my last payment to {payee}?"],
    },
    "held_out": {
        "sum_period": ["What was my total spending in {month}?",
                       "How much money did I spend during {month}?"],
        "sum_category": ["What did {category} cost me in {year}?",
                         "How much went on {category} in {month}?"],
        "sum_payee": ["What did I pay to {payee} in {year} in total?",
                      "How much have I spent at {payee} this year?"],
        "sum_income": ["What did {employer} pay me in {year}?"],
        "sum_dividends": ["What were my dividends in {quarter_month}?",
                          "How much did dividends bring in in {year}?"],
        "count_payee": ["How often did I pay {payee} in {year}?"],
        "count_dividends": ["How many dividend payments did I receive in {year}?"],
        "avg_payee": ["On average, how much did I spend per visit at {payee} in {year}?"],
        "max_period": ["What was the largest payment I made in {month}?"],
        "latest_balance": ["What's my latest balance?"],
        "latest_payee": ["What was the most recent amount I paid to {payee}?"],
    },
    "fresh": {
        "sum_period": ["Total expenses for {month}?", "Tell me how much I spent over {month}."],
        "sum_category": ["Spending on {category} in {year}?",
                         "What was spent on {category} during {month}?"],
        "sum_payee": ["Sum of my payments to {payee} in {year}?",
                      "How much did {payee} cost me last month?"],
        "sum_income": ["Total income from {employer} in {year}?"],
        "sum_dividends": ["Dividend income in {quarter_month}?",
                          "What did I earn in dividends in {year}?"],
        "count_payee": ["Number of payments to {payee} in {year}?"],
        "count_dividends": ["How many dividends were paid to me in {year}?"],
        "avg_payee": ["Average amount paid to {payee} in {year}?"],
        "max_period": ["Most expensive purchase in {month}?"],
        "latest_balance": ["How much is in my account now, what's the balance?"],
        "latest_payee": ["What did my latest payment to {payee} come to?"],
    },
}  # fmt: skip


def _month_name(day: date) -> str:
    return f"{day:%B %Y}"


def _spent(txns: list[Txn], keep: Callable[[Txn], bool]) -> list[float]:
    return [-t.amount for t in txns if t.amount < 0 and keep(t)]


def _in(period: tuple[date, date]) -> Callable[[Txn], bool]:
    return lambda t: period[0] <= t.day < period[1]


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def _distinct_payees(txns: list[Txn]) -> list[str]:
    """Payees whose every word is unique to them among all payees (so a word names one)."""
    payees = sorted({t.payee for t in txns if t.amount < 0})
    words = {p: set(p.lower().split()) for p in payees}
    return [p for p in payees if all(not (words[p] & words[q]) for q in payees if q != p)]


def questions(
    split: str, layout: LayoutInfo, bank: list[Txn], broker: list[Txn], employer: str,
    rng: random.Random,
) -> list[Question]:  # fmt: skip
    """Questions about one person's bank (or budget) file and broker file, with gold answers."""
    phrases = PHRASES[split]
    out: list[Question] = []

    def ask(kind: str, gold: float, **slots: str) -> None:
        template = rng.choice(phrases[kind])
        out.append(Question(template.format(**slots), kind, round(gold, 2)))

    payees = _distinct_payees(bank)
    months = [(2015, m) for m in range(1, 13)] + [(2016, 1), (2016, 2)]
    for year, month in rng.sample(months, 4):
        period = _month(year, month)
        ask("sum_period", sum(_spent(bank, _in(period))), month=_month_name(period[0]))
        ask("max_period", max(_spent(bank, _in(period))), month=_month_name(period[0]))
    year_2015 = (date(2015, 1, 1), date(2016, 1, 1))
    for payee in rng.sample(payees, 4):
        mine = lambda t, p=payee: t.payee == p  # noqa: E731
        in_2015 = lambda t, p=payee: t.payee == p and _in(year_2015)(t)  # noqa: E731
        spent = _spent(bank, in_2015)
        if spent:
            template_slots = {"payee": payee, "year": "2015"}
            kind_text = rng.choice(phrases["sum_payee"])
            if "last month" in kind_text or "this year" in kind_text:
                period = _month(2016, 2) if "last month" in kind_text else (date(2016, 1, 1), NOW)
                gold = sum(_spent(bank, lambda t, p=payee, q=period: t.payee == p and _in(q)(t)))
            else:
                gold = sum(spent)
            out.append(Question(kind_text.format(**template_slots), "sum_payee", round(gold, 2)))
            ask("count_payee", len(spent), payee=payee, year="2015")
            ask("avg_payee", sum(spent) / len(spent), payee=payee, year="2015")
        last = max((t for t in bank if mine(t) and t.amount < 0), key=lambda t: t.day)
        if sum(1 for t in bank if mine(t) and t.day == last.day) == 1:
            ask("latest_payee", -last.amount, payee=payee)
    if layout.category:
        categories = sorted({t.category for t in bank if t.amount < 0})
        for category in rng.sample(categories, 4):
            year, month = rng.choice(months)
            period = _month(year, month)
            template = rng.choice(phrases["sum_category"])
            if "{month}" in template:
                gold = sum(_spent(bank, lambda t, c=category, q=period: t.category == c
                                  and _in(q)(t)))  # fmt: skip
                text = template.format(category=category, month=_month_name(period[0]))
            else:
                gold = sum(
                    _spent(bank, lambda t, c=category: t.category == c and _in(year_2015)(t))
                )
                text = template.format(category=category, year="2015")
            out.append(Question(text, "sum_category", round(gold, 2)))
    income = [t.amount for t in bank if t.payee == employer and _in(year_2015)(t)]
    ask("sum_income", sum(income), employer=employer, year="2015")
    if layout.balance:
        ask("latest_balance", OPENING + sum(t.amount for t in bank))
    dividends = [t for t in broker if t.kind == "dividend"]
    quarter = rng.choice([(2015, 3), (2015, 6), (2015, 9), (2015, 12)])
    period = _month(*quarter)
    template = rng.choice(phrases["sum_dividends"])
    if "{quarter_month}" in template:
        gold = sum(t.amount for t in dividends if _in(period)(t))
        text = template.format(quarter_month=_month_name(period[0]))
    else:
        gold = sum(t.amount for t in dividends if _in(year_2015)(t))
        text = template.format(year="2015")
    out.append(Question(text, "sum_dividends", round(gold, 2)))
    ask("count_dividends", sum(1 for t in dividends if _in(year_2015)(t)), year="2015")
    return out
