"""The export writer: header first, every stored field, footer counts, and no half files."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pasi.clock import fixed_clock
from pasi.errors import PasiError
from pasi.memory.store import MemoryStore, Turn
from pasi.privacy.export import export_to_path, write_export
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def _filled(vault: SQLiteVault) -> MemoryStore:
    store = MemoryStore(vault, None, fixed_clock(NOW))
    (turn,) = store.record_turns([Turn("I got a puppy", speaker="me", external_id="t1")])
    old = store.remember("I have no pets", kind="fact")
    store.correct(old.id, "I have a puppy")
    store.remember("Puppy is called Bo", evidence=[turn], note="said in chat", confidence=0.9)
    return store


def test_the_export_holds_every_field_in_a_fixed_order(vault: SQLiteVault) -> None:
    _filled(vault)
    out = io.StringIO()
    counts = write_export(vault, out, fixed_clock(NOW))
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0] == {"type": "header", "format": "pasi.export", "version": 2,
                          "exported_at": "2024-03-10T12:00:00+00:00", "pasi_version": "0.1.0",
                          "schema_version": records[0]["schema_version"]}  # fmt: skip
    assert [r["type"] for r in records[1:-1]] == ["source", "episode", *["memory"] * 3]
    assert records[-1] == {"type": "footer", "counts": counts}
    assert counts == {"source": 1, "episode": 1, "memory": 3, "entity": 0, "row": 0}
    no_pets, puppy, bo = records[3:6]
    assert no_pets["superseded_by"] == puppy["id"] and no_pets["valid_to"] is not None
    assert bo["evidence"] == [records[2]["id"]] and bo["note"] == "said in chat"
    assert bo["confidence"] == 0.9 and records[2]["external_id"] == "t1"


def test_export_to_a_path_replaces_the_file_only_when_complete(
    vault: SQLiteVault, tmp_path: Path
) -> None:
    _filled(vault)
    target = tmp_path / "backup.jsonl"
    export_to_path(vault, target, fixed_clock(NOW))
    assert target.read_text(encoding="utf-8").count("\n") == 7
    assert [p.name for p in tmp_path.iterdir() if p.name != "vault"] == ["backup.jsonl"]
    with pytest.raises(PasiError, match="cannot write the export"):
        export_to_path(vault, tmp_path / "no-such-dir" / "x.jsonl")
