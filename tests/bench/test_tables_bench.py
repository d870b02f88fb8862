"""pasi bench tables: generated exports in many layouts, gold answers from the records."""

from __future__ import annotations

import random

from pasi.bench.tables import correct, run_split
from pasi.bench.tables_data import money, trades, transactions, when
from pasi.bench.tables_layouts import DEV, FRESH, HELD_OUT
from pasi.bench.tables_questions import PHRASES, questions


def test_numbers_and_dates_are_written_in_each_locale_style() -> None:
    assert [money(-1234.5, s) for s in ("de", "en", "usd", "paren", "trail")] == [
        "-1.234,50", "-1,234.50", "-$1,234.50", "($1,234.50)", "1.234,50-"
    ]  # fmt: skip
    from datetime import date

    assert (
        when(date(2015, 3, 4), "mdy/") == "03/04/2015"
        and when(date(2015, 3, 4), "compact") == "20150304"
    )


def test_gold_answers_come_from_the_records() -> None:
    rng = random.Random(7)
    bank, broker = transactions("en", rng), trades(rng)
    asked = questions("dev", DEV[4], bank, broker, "Acme Ltd", rng)
    dividends = next(q for q in asked if q.type == "count_dividends")
    assert dividends.gold == sum(1 for t in broker if t.kind == "dividend" and t.day.year == 2015)
    income = next(q for q in asked if q.type == "sum_income")
    assert income.gold == round(sum(t.amount for t in bank if t.payee == "Acme Ltd"
                                    and t.day.year == 2015), 2)  # fmt: skip


def test_splits_differ_in_layouts_and_phrasings() -> None:
    names = [{layout.name for layout in split} for split in (DEV, HELD_OUT, FRESH)]
    assert not (names[0] & names[1]) and not (names[0] & names[2]) and not (names[1] & names[2])
    assert not set(PHRASES["dev"]["sum_period"]) & set(PHRASES["held_out"]["sum_period"])


def test_the_dev_split_is_answered_offline(monkeypatch) -> None:
    import pasi.bench.tables as harness

    monkeypatch.setattr(harness, "PEOPLE", 1)
    result = run_split("dev")
    assert result["questions"] > 40 and set(result["by_layout"]) == {x.name for x in DEV}
    assert result["accuracy"] >= 90.0, result["wrong"]
    assert correct(12.0, 12.004) and not correct(None, 0) and not correct(-12.0, 12.0)


def test_a_model_answers_through_checked_sql(monkeypatch) -> None:
    import pasi.bench.tables as harness
    from pasi.models.chat import ScriptedModel

    monkeypatch.setattr(harness, "PEOPLE", 1)
    replies = ScriptedModel(lambda request: "SELECT SUM(x) FROM ledger")  # invents a table
    result = run_split("dev", harness.model_answerer(replies), limit=1)
    assert result["questions"] == len(DEV) and result["accuracy"] == 0.0
    assert result["attempts"] == {"second_try": len(DEV), "no_answer": len(DEV)}
    assert "no such table: ledger" in result["wrong"][0]["said"]
