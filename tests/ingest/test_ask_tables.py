"""Money questions answered from tables with no model: the figure, the query, the rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pasi.agent.offline import OfflineAgent
from pasi.ingest.ask import ask
from pasi.vault.readonly import run_readonly_query

TEXT_VALUES = pytest.mark.sqlite_only(
    reason="the csv_ views read JSON values as text on PostgreSQL, where SQLite keeps numbers (sums and comparisons of amounts)"
)


BANK = """Buchungstag;Auftraggeber/Empfänger;Verwendungszweck;Kategorie;Betrag (EUR);Saldo
02.12.2015;REWE Markt;Einkauf;Lebensmittel;-45,20;1.954,80
10.12.2015;Lidl;Einkauf;Lebensmittel;-30,00;1.924,80
28.12.2015;Stadtwerke;Strom Dezember;Wohnen;-1.080,00;844,80
29.12.2015;Muster GmbH;Gehalt;Gehalt;3.000,00;3.844,80
03.01.2016;REWE Markt;Einkauf;Lebensmittel;-12,00;3.832,80
"""
BROKER = """Date,Action,Symbol,Description,Quantity,Price,Amount
12/05/2015,Buy,AAPL,APPLE INC,10,$110.00,"-$1,100.00"
12/15/2015,Qualified Dividend,AAPL,APPLE INC,,,$5.20
12/20/2015,Cash Dividend,KO,COCA-COLA CO,,,$11.00
01/10/2016,Cash Dividend,KO,COCA-COLA CO,,,$11.00
"""
NOW = datetime(2016, 2, 10, 12, tzinfo=UTC)


@pytest.fixture
def money(syncer, data):
    (data / "giro.csv").write_text(BANK, encoding="utf-8")
    (data / "broker.csv").write_text(BROKER, encoding="utf-8")
    assert syncer.ingest([data]).failed == []
    return syncer.store


@TEXT_VALUES
def test_dividends_in_a_month_are_summed_from_the_broker_statement(money) -> None:
    answer = ask(money, "How much did I receive in dividends in December 2015?", now=NOW)
    assert answer.value == 16.2 and answer.unit == "USD"
    assert "16.20 USD" in answer.summary and "csv_broker" in answer.summary
    assert [r["detail"] for r in answer.rows] == [5.2, 11.0]
    assert all(r["kind"] == "row:broker" and r["source"].endswith("broker.csv")
               for r in answer.rows)  # fmt: skip
    rerun = run_readonly_query(money.vault, answer.sql)  # the query shown is the one that ran
    assert rerun.rows[0][0] == 16.2


@TEXT_VALUES
def test_spending_on_a_category_in_a_period(money) -> None:
    answer = ask(money, "How much did I spend on Lebensmittel in December 2015?", now=NOW)
    assert (answer.value, answer.unit) == (75.2, "EUR")
    assert "pasi_amount < 0" in answer.sql and "You spent 75.20 EUR" in answer.summary


@TEXT_VALUES
def test_a_count_of_one_payees_payments(money) -> None:
    answer = ask(money, "How many times did I pay REWE?", now=NOW)
    assert (answer.value, answer.unit) == (2, "transactions")
    answer = ask(money, "How many dividends did I get last month?", now=NOW)  # January 2016
    assert answer.value == 1


@TEXT_VALUES
def test_average_largest_and_latest_balance(money) -> None:
    assert ask(money, "What was my average spending at REWE?", now=NOW).value == 28.6
    biggest = ask(money, "What was my biggest expense in December 2015?", now=NOW)
    assert biggest.value == 1080.0 and biggest.rows[0]["title"] == "Stadtwerke"
    assert ask(money, "What is my current balance?", now=NOW).value == 3832.8


@TEXT_VALUES
def test_no_sign_in_the_question_gives_the_net_and_offers_the_other_readings(money) -> None:
    answer = ask(money, "What was the total of my account movements in December 2015?", now=NOW)
    assert answer.value == 1844.8  # 3000 - 45.20 - 30 - 1080
    assert any("money out alone: 1,155.20 EUR" in n and "money in alone: 3,000.00 EUR" in n
               for n in answer.notes)  # fmt: skip


@TEXT_VALUES
def test_spending_by_month(money) -> None:
    answer = ask(money, "How much did I spend by month?", now=NOW)
    assert "2015-12: 1,155.20 EUR" in answer.summary and "2016-01: 12.00 EUR" in answer.summary


@TEXT_VALUES
def test_a_word_found_nowhere_is_said_not_silently_used(money) -> None:
    answer = ask(money, "How much did I spend on my yacht in December 2015?", now=NOW)
    assert any("'yacht'" in note for note in answer.notes)


def test_questions_that_are_not_about_money_keep_their_old_path(money) -> None:
    answer = ask(money, "what did I note about the garden", now=NOW)
    assert answer.value is None and answer.sql is None


@TEXT_VALUES
def test_the_offline_chat_answers_with_the_figure_and_its_query(money) -> None:
    reply = OfflineAgent(money).respond("How much did I receive in dividends in December 2015?")
    assert "16.20 USD" in reply.text and "Query (read-only): SELECT" in reply.text
