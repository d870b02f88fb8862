"""Dates and amounts as banks write them, read with the column's own format."""

from __future__ import annotations

import pytest

from pasi.ingest.table_values import (
    currency_of,
    date_order,
    decimal_mark,
    parse_amount,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("-1.234,56", ",", -1234.56),
        ("1\u202f234,56", ",", 1234.56),
        ("(1,234.56)", ".", -1234.56),
        ("12.50 DR", ".", -12.5),
        ("3,000.00 CR", ".", 3000.0),
        ("12,50-", ",", -12.5),
        ("€12", ".", 12.0),
        ("-$5.00", ".", -5.0),
        ("CHF 1'234.50", ".", 1234.5),
        ("12,50 EUR", ",", 12.5),
        ("groceries", ".", None),
    ],
)
def test_amounts_read_with_sign_marks_and_currencies(text, decimal, expected) -> None:
    assert parse_amount(text, decimal) == expected


def test_the_decimal_mark_is_decided_by_the_column() -> None:
    assert decimal_mark(["1.234,56", "12,00", "3"]) == ","
    assert decimal_mark(["1,234", "12.50"]) == "."
    assert parse_amount("1,234", decimal_mark(["1,234", "12.50"])) == 1234.0


def test_currencies_from_signs_and_codes() -> None:
    assert [currency_of(v) for v in ("€12", "12,50 EUR", "£3", "US$4", "12")] == [
        "EUR", "EUR", "GBP", "USD", None
    ]  # fmt: skip


def test_day_first_is_detected_from_the_data() -> None:
    assert date_order(["03/04/2015", "03/15/2015"]) == "mdy"  # 15 cannot be a month
    assert date_order(["15/03/2015", "03/04/2015"]) == "dmy"
    assert date_order(["01/02/2015", "01/05/2015", "02/03/2015"]) == "mdy"  # sorted that way
    assert date_order(["03.04.2015"]) == "dmy"


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2015-12-05", "dmy", "2015-12-05"),
        ("05.12.15", "dmy", "2015-12-05"),
        ("12/05/2015", "mdy", "2015-12-05"),
        ("5 Dec 2015", "dmy", "2015-12-05"),
        ("Dec 5, 2015", "dmy", "2015-12-05"),
        ("05-déc.-2015", "dmy", "2015-12-05"),
        ("3. März 2015", "dmy", "2015-03-03"),
        ("20151205", "dmy", "2015-12-05"),
        ("2015-12-05 10:23:11", "dmy", "2015-12-05T10:23:11"),
        ("31/02/2015", "dmy", None),
    ],
)
def test_dates_in_many_formats(text, order, expected) -> None:
    assert parse_date(text, order) == expected
