"""Importing an export into a vault on either backend: a row whose reference this vault cannot
satisfy is skipped and the import goes on (on PostgreSQL, inside a savepoint)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.ingest.export_jsonl import read_export
from pasi.ingest.restore import restore
from pasi.memory.store import MemoryStore, Turn
from pasi.privacy.export import export_to_path
from pasi.vault.sqlite import open_vault

if TYPE_CHECKING:
    from backends import Vault


def _export(directory: Path, path: Path) -> None:
    store = MemoryStore(open_vault(directory), None, fixed_clock(NOW))
    (turn,) = store.record_turns([Turn("I ran 10 km today", speaker="me")])
    store.remember("The user trains for a marathon")
    with store.vault.write() as conn:
        goal = conn.execute(
            "INSERT INTO goals (title, created_at) VALUES ('Run a marathon', ?)", (NOW.isoformat(),)
        ).lastrowid
        progress = conn.execute(
            "INSERT INTO goal_progress (goal_id, note, at) VALUES (?, 'ran 10 km', ?)",
            (goal, NOW.isoformat()),
        ).lastrowid
        conn.execute(
            "INSERT INTO goal_evidence (progress_id, episode_id) VALUES (?, ?)", (progress, turn)
        )
    export_to_path(store.vault, path, fixed_clock(NOW))
    store.vault.close()


def test_a_row_with_an_unsatisfiable_reference_is_skipped_and_the_rest_restored(
    vault: Vault, tmp_path: Path
) -> None:
    _export(tmp_path / "source", tmp_path / "export.jsonl")
    data = read_export(tmp_path / "export.jsonl")
    # Before the goals are placed, nothing maps their ids: the reference is kept as it is, and
    # no goal 987654 exists here, so the database refuses the row.
    orphan = {"id": 77, "goal_id": 987_654, "note": "orphan", "at": NOW.isoformat()}
    data.records["row"].insert(0, {"table": "goal_progress", "values": orphan})
    store = MemoryStore(vault, None, fixed_clock(NOW))
    with vault.write() as conn:  # a used vault: restored rows get new ids
        conn.execute("INSERT INTO goals (title, created_at) VALUES ('Learn Welsh', 'x')")

    report = restore(store, data)

    read = vault.read()
    assert sorted(r[0] for r in read.execute("SELECT title FROM goals")) == [
        "Learn Welsh",
        "Run a marathon",
    ]
    notes = [r[0] for r in read.execute("SELECT note FROM goal_progress")]
    assert notes == ["ran 10 km"]
    evidence = read.execute(
        "SELECT g.title, e.text FROM goal_evidence v JOIN goal_progress p ON p.id = v.progress_id"
        " JOIN goals g ON g.id = p.goal_id JOIN episodes e ON e.id = v.episode_id"
    ).fetchall()
    assert [tuple(r) for r in evidence] == [("Run a marathon", "I ran 10 km today")]
    assert report.skipped["row"] >= 1
    assert report.added["memory"] == 1
