"""pasi export holds every table the vault keeps, and importing it gives every row back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from frozen_time import NOW
from ingest.files import write_csv, write_ics, write_mbox, write_vcf
from pasi.clock import fixed_clock
from pasi.ingest.export_jsonl import read_export
from pasi.ingest.restore import restore
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore, Turn
from pasi.privacy.export import export_to_path, row_tables
from pasi.vault.sqlite import open_vault

STATE = ("search_", "sqlite_")  # the index (rebuilt on import) and SQLite's own tables


def _fill(directory: Path, data: Path) -> None:
    store = MemoryStore(open_vault(directory), None, fixed_clock(NOW))
    data.mkdir()
    write_mbox(data / "mail.mbox", 6)
    write_ics(data / "calendar.ics")
    write_vcf(data / "people.vcf")
    write_csv(data / "expenses.csv")
    (data / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nonsense\n")
    Syncer(store, max_bytes=10_000_000).ingest([data])
    (turn,) = store.record_turns([Turn("I ran 10 km today", speaker="me")])
    store.remember("The user trains for a marathon")
    with store.vault.write() as conn:
        goal = conn.execute(
            "INSERT INTO goals (title, why, created_at) VALUES ('Run a marathon', 'health', ?)",
            (NOW.isoformat(),),
        ).lastrowid
        progress = conn.execute(
            "INSERT INTO goal_progress (goal_id, note, at) VALUES (?, 'ran 10 km', ?)",
            (goal, NOW.isoformat()),
        ).lastrowid
        conn.execute(
            "INSERT INTO goal_evidence (progress_id, episode_id) VALUES (?, ?)", (progress, turn)
        )
        conn.execute(
            "INSERT INTO reminders (text, due, created_at) VALUES ('Buy running shoes', ?, ?)",
            (NOW.isoformat(), NOW.isoformat()),
        )
        conn.execute(
            "INSERT INTO audit (at, actor, action, digest, payload) VALUES (?, 'chat', "
            "'remote call', 'ab12', 'pseudonymised text')",
            (NOW.isoformat(),),
        )
    store.vault.close()


def _tables(directory: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the index, read without pasi, sorted."""
    conn = sqlite3.connect(f"file:{directory / 'vault.db'}?mode=ro", uri=True)
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith(STATE)
    ]
    tables = {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    conn.close()
    return tables


def _export_and_restore(source: Path, target: Path, export: Path) -> None:
    with open_vault(source) as vault:
        export_to_path(vault, export, fixed_clock(NOW))
    store = MemoryStore(open_vault(target), None, fixed_clock(NOW))
    restore(store, read_export(export))
    store.vault.close()


def test_every_table_round_trips_through_export_and_import(tmp_path: Path) -> None:
    _fill(tmp_path / "a", tmp_path / "data")
    original = _tables(tmp_path / "a")
    for table in ("items", "entity_links", "sync_errors", "goals", "goal_progress",
                  "goal_evidence", "reminders", "audit"):  # fmt: skip
        assert original[table], f"the test vault should hold {table}"
    _export_and_restore(tmp_path / "a", tmp_path / "b", tmp_path / "export.jsonl")
    assert _tables(tmp_path / "b") == original
    with open_vault(tmp_path / "b") as restored:
        views = {r[0] for r in restored.read().execute("SELECT name FROM sqlite_master")}
        assert "csv_expenses" in views  # CSV rows keep their view
        store = MemoryStore(restored, None, fixed_clock(NOW))
        assert store.recall("marathon", k=1)  # the index was rebuilt


def test_rows_imported_into_a_used_vault_follow_the_new_ids(tmp_path: Path) -> None:
    _fill(tmp_path / "a", tmp_path / "data")
    used = MemoryStore(open_vault(tmp_path / "b"), None, fixed_clock(NOW))
    used.record_turns([Turn("an earlier conversation", speaker="me")], source_uri="chat:old")
    with used.vault.write() as conn:
        conn.execute("INSERT INTO entities (name) VALUES ('Somebody Else')")
        conn.execute("INSERT INTO goals (title, created_at) VALUES ('Learn Welsh', 'x')")
    used.vault.close()
    _export_and_restore(tmp_path / "a", tmp_path / "b", tmp_path / "export.jsonl")
    _export_and_restore(tmp_path / "a", tmp_path / "b", tmp_path / "export.jsonl")  # twice

    links = (
        "SELECT e.name, s.uri, i.title, l.role FROM entity_links l JOIN entities e"
        " ON e.id = l.entity_id JOIN sources s ON s.id = l.source_id"
        " LEFT JOIN items i ON i.id = l.item_id"
    )

    def read(directory: Path, sql: str) -> list[tuple]:
        conn = sqlite3.connect(f"file:{directory / 'vault.db'}?mode=ro", uri=True)
        rows = sorted(conn.execute(sql).fetchall(), key=repr)
        conn.close()
        return rows

    assert read(tmp_path / "b", links) == read(tmp_path / "a", links)
    item_sql = "SELECT s.uri, i.kind, i.title FROM items i JOIN sources s ON s.id = i.source_id"
    assert read(tmp_path / "b", item_sql) == read(tmp_path / "a", item_sql)
    goals = read(tmp_path / "b", "SELECT title FROM goals")
    assert goals == [("Learn Welsh",), ("Run a marathon",)]
    evidence = (
        "SELECT g.title, p.note, e.text FROM goal_evidence v"
        " JOIN goal_progress p ON p.id = v.progress_id JOIN goals g ON g.id = p.goal_id"
        " JOIN episodes e ON e.id = v.episode_id"
    )
    assert read(tmp_path / "b", evidence) == read(tmp_path / "a", evidence) != []


def test_the_index_and_sqlite_internals_are_not_exported(tmp_path: Path) -> None:
    _fill(tmp_path / "a", tmp_path / "data")
    with open_vault(tmp_path / "a") as vault:
        tables = row_tables(vault.read())
    assert {"items", "entity_links", "sync_errors", "goals", "reminders", "audit"} <= set(tables)
    assert not [t for t in tables if t.startswith(STATE)]
    assert not {"sources", "episodes", "memories", "memory_evidence", "entities"} & set(tables)
