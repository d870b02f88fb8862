"""Tables through the real CLI: how a file was read, a correction, a money question."""

from __future__ import annotations

import json

STATEMENT = """Datum;Empfänger;Betrag
01.02.2015;Bäckerei;-3,50
02.03.2015;Bäckerei;-4,00
27.03.2015;Firma;2.500,00
"""


def test_sources_show_set_column_and_ask(pasi, tmp_path) -> None:
    path = tmp_path / "konto.csv"
    path.write_text(STATEMENT, encoding="utf-8")
    assert pasi("ingest", str(path)).exit_code == 0

    shown = json.loads(pasi("sources", "show", str(path), "--json").stdout)
    assert shown["view"] == "csv_konto" and shown["rows"] == 3
    roles = {c["header"]: (c["type"], c["role"]) for c in shown["columns"]}
    assert roles == {"Datum": ("date", "date"), "Empfänger": ("text", "payee"),
                     "Betrag": ("number", "amount")}  # fmt: skip
    assert "decimal ','" in pasi("sources", "show", "konto.csv").stdout

    asked = json.loads(
        pasi("ask", "How much did I spend at the Bäckerei in 2015?", "--json").stdout
    )
    assert (asked["value"], asked["sql"].startswith("SELECT")) == (7.5, True)
    text = pasi("ask", "How much did I spend in March 2015?").stdout
    assert "You spent 4.00" in text and "query (read-only): SELECT" in text

    fixed = pasi("sources", "set-column", "konto", "Betrag", "--role", "other", "--json")
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout)["columns"][2]["corrected"] is True
    refused = pasi("sources", "set-column", "konto", "Betrag", "--role", "cash")
    assert refused.exit_code != 0 and "role must be one of" in refused.output

    assert "1 source(s)" in pasi("sources").stdout  # the listing is still the group's default
