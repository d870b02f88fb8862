"""Text-to-SQL that cannot invent tables: linked schema, SQLite's own check, one retry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pasi.clock import fixed_clock
from pasi.errors import InputError
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.tools.text_to_sql import answer_with_model, check_sql, extract_sql, link_views

NOW = datetime(2016, 2, 10, 12, tzinfo=UTC)
BANK = """Date;Payee;Category;Amount (EUR)
02.12.2015;REWE Markt;Groceries;-45,20
10.12.2015;Lidl;Groceries;-30,00
29.12.2015;Muster GmbH;Salary;3.000,00
"""
BOOKS = "Title,Pages\nDune,412\nEmma,474\n"


@pytest.fixture
def store(vault, tmp_path: Path) -> MemoryStore:
    (tmp_path / "giro.csv").write_text(BANK, encoding="utf-8")
    (tmp_path / "books.csv").write_text(BOOKS, encoding="utf-8")
    memory = MemoryStore(vault, None, fixed_clock(NOW))
    Syncer(memory, max_bytes=10_000_000).ingest([tmp_path / "giro.csv", tmp_path / "books.csv"])
    return memory


def test_the_model_sees_only_the_linked_view_with_roles_and_samples(store) -> None:
    conn = store.vault.read()
    assert [t.view for t in link_views(conn, "How much did I spend at REWE?")] == ["csv_giro"]
    seen: list[str] = []

    def write(request: ChatRequest) -> str:
        seen.append(request.messages[0].content)
        return "```sql\nSELECT SUM(-pasi_amount) FROM csv_giro WHERE pasi_amount < 0\n```"

    found = answer_with_model(ScriptedModel(write), store.vault, "How much did I spend?", NOW)
    assert found.value == 75.2 and found.attempts == 1
    assert "csv_giro" in seen[0] and "csv_books" not in seen[0]
    assert "payee TEXT -- payee (e.g. 'Lidl'" in seen[0] or "'REWE Markt'" in seen[0]
    assert "pasi_amount -- signed amount" in seen[0]


def test_an_invented_table_goes_back_once_with_the_schema(store) -> None:
    replies = iter([
        "SELECT SUM(amount) FROM transactions WHERE category = 'Groceries'",
        "```sql\nSELECT SUM(-pasi_amount) FROM csv_giro WHERE category LIKE '%groceries%'\n```",
    ])  # fmt: skip
    model = ScriptedModel(lambda request: next(replies))
    found = answer_with_model(model, store.vault, "What did groceries cost?", NOW)
    assert (found.value, found.attempts) == (75.2, 2)
    assert "no such table: transactions" in found.errors[0]
    retry = model.requests[1].messages[-1].content
    assert "Only these views and columns exist" in retry and "csv_giro" in retry


def test_no_second_chance_after_the_retry(store) -> None:
    model = ScriptedModel(lambda request: "SELECT total FROM ledger")
    found = answer_with_model(model, store.vault, "How much?", NOW)
    assert found.value is None and found.attempts == 2 and len(found.errors) == 2


def test_the_check_is_sqlites_own_and_reads_nothing_else(store) -> None:
    assert (
        check_sql(store.vault, "SELECT COUNT(*) FROM csv_giro;") == "SELECT COUNT(*) FROM csv_giro"
    )
    with pytest.raises(InputError, match="no such column: amount_usd"):
        check_sql(store.vault, "SELECT SUM(amount_usd) FROM csv_giro")
    with pytest.raises(InputError, match="prohibited"):
        check_sql(store.vault, "SELECT fields FROM items")
    with pytest.raises(InputError, match="only reads"):
        check_sql(store.vault, "DELETE FROM items")


def test_sql_is_taken_from_fences_or_from_its_first_select() -> None:
    assert extract_sql("Here:\n```sql\nSELECT 1\n```\nDone") == "SELECT 1"
    assert extract_sql("The query is SELECT 2 FROM x") == "SELECT 2 FROM x"


def test_a_remote_model_is_not_shown_the_users_values(store) -> None:
    model = ScriptedModel(lambda request: "SELECT COUNT(*) FROM csv_giro", local=False)
    assert answer_with_model(model, store.vault, "How many payments at REWE?", NOW).value == 3
    prompt = model.requests[0].messages[0].content
    assert "csv_giro" in prompt and "REWE" not in prompt and "Lidl" not in prompt
