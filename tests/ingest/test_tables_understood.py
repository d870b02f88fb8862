"""Exported tables read as what they are: roles, formats, spreadsheets, corrections kept."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pasi.ingest.table_meta import find_table, set_column, tables
from pasi.vault import items as it

TEXT_VALUES = pytest.mark.sqlite_only(
    reason="the csv_ views read JSON values as text on PostgreSQL, where SQLite keeps numbers (sums and comparisons of amounts)"
)


GERMAN = """Kontoinhaber;Max Muster
IBAN;DE12 3456

Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Kategorie;Betrag (EUR);Saldo
02.12.2015;02.12.2015;REWE Markt;Einkauf;Lebensmittel;-45,20;1.954,80
15.12.2015;15.12.2015;ACME Corp;Dividende Q4;Dividenden;120,50;2.075,30
28.12.2015;29.12.2015;Stadtwerke;Strom Dezember;Wohnen;-1.080,00;995,30
03.01.2016;03.01.2016;REWE Markt;Einkauf;Lebensmittel;-12,00;983,30
"""

SPLIT = """Date,Description,Paid out,Paid in,Balance
05 Jan 2015,TESCO STORE,£12.50,,£987.50
27 Jan 2015,ACME LTD SALARY,,"£3,000.00","£3,987.50"
"""


def _view(syncer, name: str) -> list[dict]:
    conn = syncer.store.vault.read()
    return [dict(r) for r in conn.execute(f"SELECT * FROM {it.table_view_name(name)} ORDER BY id")]


@TEXT_VALUES
def test_a_german_statement_with_account_details_above_the_header(syncer, data) -> None:
    (data / "konto.csv").write_text(GERMAN, encoding="utf-8")
    assert syncer.ingest([data / "konto.csv"]).failed == []
    [table] = tables(syncer.store.vault.read())
    roles = {c.header: c.role for c in table.columns}
    assert roles == {"Buchungstag": "date", "Valuta": "other", "Auftraggeber/Empfänger": "payee",
                     "Verwendungszweck": "description", "Kategorie": "category",
                     "Betrag (EUR)": "amount", "Saldo": "balance"}  # fmt: skip
    assert table.currency == "EUR" and table.header_row == 3 and table.rows == 4
    first = _view(syncer, "konto")[0]
    assert first["betrag_eur"] == -45.2 and first["saldo"] == 1954.8
    assert (first["pasi_date"], first["pasi_amount"], first["pasi_currency"]) == (
        "2015-12-02",
        -45.2,
        "EUR",
    )


@TEXT_VALUES
def test_debit_and_credit_columns_make_one_signed_amount(syncer, data) -> None:
    (data / "uk.csv").write_text(SPLIT, encoding="utf-8")
    syncer.ingest([data / "uk.csv"])
    rows = _view(syncer, "uk")
    assert [r["pasi_amount"] for r in rows] == [-12.5, 3000.0]
    assert [r["pasi_date"] for r in rows] == ["2015-01-05", "2015-01-27"]
    [table] = tables(syncer.store.vault.read())
    assert [c.role for c in table.columns] == ["date", "description", "debit", "credit", "balance"]
    assert table.currency == "GBP"


@TEXT_VALUES
def test_an_excel_workbook_is_read_with_real_dates(syncer, data) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Category", "Amount", "Income/Expense"])
    sheet.append([date(2015, 3, 1), "Food", 12.5, "Expense"])
    sheet.append([date(2015, 3, 2), "Salary", 2000, "Income"])
    book.save(data / "budget.xlsx")
    assert syncer.ingest([data / "budget.xlsx"]).failed == []
    rows = _view(syncer, "budget")
    assert [(r["pasi_date"], r["pasi_amount"]) for r in rows] == [("2015-03-01", -12.5),
                                                                  ("2015-03-02", 2000.0)]  # fmt: skip


def test_a_correction_re_derives_the_rows_and_survives_a_resync(syncer, data) -> None:
    path = data / "dates.csv"
    path.write_text("Date,Shop,Amount\n01/02/2015,Bakery,-3.00\n02/03/2015,Bakery,-4.00\n",
                    encoding="utf-8")  # fmt: skip
    syncer.ingest([path])
    assert [r["pasi_date"] for r in _view(syncer, "dates")] == ["2015-02-01", "2015-03-02"]
    vault = syncer.store.vault
    table = find_table(vault.read(), str(path))
    with vault.write() as conn:
        fixed = set_column(conn, table, "Date", {"date_order": "mdy"})
    assert fixed.columns[0].corrected and fixed.columns[0].date_order == "mdy"
    assert [r["pasi_date"] for r in _view(syncer, "dates")] == ["2015-01-02", "2015-02-03"]
    path.write_text(path.read_text() + "02/04/2015,Bakery,-5.00\n", encoding="utf-8")
    syncer.sync()
    assert [r["pasi_date"] for r in _view(syncer, "dates")] == ["2015-01-02", "2015-02-03",
                                                                 "2015-02-04"]  # fmt: skip
    raw = json.loads(vault.read().execute("SELECT fields FROM items LIMIT 1").fetchone()[0])
    assert raw["pasi_raw"] == {"date": "01/02/2015", "shop": "Bakery", "amount": "-3.00"}


def test_a_column_made_the_amount_by_hand(syncer, data) -> None:
    path = data / "odd.csv"
    path.write_text("When,What,Figure\n2015-01-01,Rent,-900\n2015-01-02,Pay,2000\n",
                    encoding="utf-8")  # fmt: skip
    syncer.ingest([path])
    vault = syncer.store.vault
    table = find_table(vault.read(), "odd.csv")
    assert table.role("amount") is not None  # the lone number column of a table
    with vault.write() as conn:
        set_column(conn, table, "figure", {"role": "other"})
    assert [r["pasi_amount"] for r in _view(syncer, "odd")] == [None, None]


def test_unknown_roles_are_refused_with_the_choices(syncer, data) -> None:
    import pytest

    from pasi.errors import InputError

    (data / "t.csv").write_text("Date,Amount\n2015-01-01,-3\n", encoding="utf-8")
    syncer.ingest([data / "t.csv"])
    vault = syncer.store.vault
    table = find_table(vault.read(), "t")
    with pytest.raises(InputError, match="role must be one of"), vault.write() as conn:
        set_column(conn, table, "amount", {"role": "money"})
    with pytest.raises(InputError, match="no column 'nope'"), vault.write() as conn:
        set_column(conn, table, "nope", {"role": "amount"})
    assert Path(data / "t.csv").exists()


@TEXT_VALUES
def test_shapes_seen_in_real_exports(syncer, data) -> None:
    """A summary date before the booking date, an unknown currency sign stuck to the amount,
    a one-letter Cleared column that is no direction (shapes from hledger's example CSVs)."""
    (data / "spanish.csv").write_text(
        "initial_date,final_date,transaction_date,value_date,amount,currency\n"
        "2019-11-01,2019-11-30,2019-11-02,2019-11-03,1500.00,EUR\n"
        "2019-11-01,2019-11-30,2019-11-10,2019-11-10,-500.00,EUR\n", encoding="utf-8")  # fmt: skip
    (data / "budget.csv").write_text(
        '"Date","Payee","Outflow","Inflow","Cleared"\n'
        "2022/11/07,shop1,د.ا.4.750,د.ا.0.000,C\n2022/12/11,coffee,د.ا.93.210,د.ا.0.000,C\n",
        encoding="utf-8",
    )
    assert syncer.ingest([data]).failed == []
    by_name = {t.name: t for t in tables(syncer.store.vault.read())}
    spanish = by_name["spanish"]
    assert spanish.role("date").name == "transaction_date" and spanish.currency == "EUR"
    assert [r["pasi_date"] for r in _view(syncer, "spanish")] == ["2019-11-02", "2019-11-10"]
    budget = by_name["budget"]
    assert {c.name: c.role for c in budget.columns}["cleared"] == "other"
    assert [r["pasi_amount"] for r in _view(syncer, "budget")] == [-4.75, -93.21]
