"""The export reader refuses anything it cannot restore exactly, naming the line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pasi.errors import ImportFormatError
from pasi.ingest.export_jsonl import columns, is_export, read_export

HEADER = {"type": "header", "format": "pasi.export", "version": 1, "exported_at": "x"}
SOURCE = {"type": "source", "id": 1, "kind": "conversation", "uri": "chat:a", "title": None,
          "trust": "user", "remote_ok": True, "cursor": None, "content_hash": None,
          "created_at": "2024-01-01T00:00:00+00:00", "synced_at": None}  # fmt: skip
EPISODE = {"type": "episode", "id": 7, "source_id": 1, "external_id": "m1", "session": "s",
           "position": 0, "role": "user", "speaker": "Ana", "text": "hello",
           "occurred_at": None, "recorded_at": "2024-01-01T00:00:00+00:00"}  # fmt: skip
MEMORY = {"type": "memory", "id": 3, "text": "Ana said hello", "kind": "event",
          "subject": "Ana", "valid_from": None, "valid_to": None,
          "recorded_at": "2024-01-01T00:00:00+00:00", "confidence": 0.5, "superseded_by": None,
          "sensitivity": "normal", "source_id": 1, "note": None, "evidence": [7]}  # fmt: skip


def _write(path: Path, records: list[dict], footer: dict | None = None) -> Path:
    counts = {
        k: sum(r["type"] == k for r in records) for k in ("source", "episode", "memory", "entity")
    }
    lines = [HEADER, *records, footer or {"type": "footer", "counts": counts}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_a_valid_export_is_read_by_type(tmp_path: Path) -> None:
    data = read_export(_write(tmp_path / "e.jsonl", [SOURCE, EPISODE, MEMORY]))
    assert [data.count(k) for k in ("source", "episode", "memory", "entity")] == [1, 1, 1, 0]
    assert data.records["memory"][0]["evidence"] == [7]
    assert "evidence" not in columns("memory") and "id" in columns("memory")


def test_is_export_looks_only_at_the_header(tmp_path: Path) -> None:
    assert is_export(_write(tmp_path / "e.jsonl", []))
    conversation = tmp_path / "c.json"
    conversation.write_text('{"format": "pasi.conversation", "version": 1}', encoding="utf-8")
    assert not is_export(conversation)
    assert not is_export(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r[2].update(confidence=3), "'confidence' must be a number from 0 to 1"),
        (lambda r: r[2].update(kind="rumour"), "'kind' must be one of"),
        (lambda r: r[1].update(text="  "), "'text' is empty"),
        (lambda r: r[1].update(recorded_at="yesterday"), "not an ISO 8601 time"),
        (lambda r: r[1].update(recorded_at="2024-01-01T00:00:00"), "no time zone"),
        (lambda r: r[1].update(position="0"), "'position' must be an integer"),
        (lambda r: r[2].update(evidence=[8]), "'evidence' = [8] refers to a record"),
        (lambda r: r[2].update(superseded_by=99), "'superseded_by' = 99"),
        (lambda r: r[1].update(source_id=5), "'source_id' = 5"),
        (lambda r: r[0].update(trust="friends"), "'trust' must be 'user' or 'external'"),
        (lambda r: r[0].update(colour="blue"), "unknown field(s) ['colour']"),
        (lambda r: r[1].pop("role"), "'role' is missing"),
        (lambda r: r.append(dict(EPISODE)), "episode id 7 appears twice"),
        (lambda r: r.append({"type": "goal", "id": 1}), "unknown record type 'goal'"),
    ],
)
def test_a_bad_record_is_refused_with_its_location(tmp_path: Path, change, expected) -> None:
    records = [dict(SOURCE), dict(EPISODE), dict(MEMORY)]
    change(records)
    with pytest.raises(ImportFormatError) as raised:
        read_export(_write(tmp_path / "e.jsonl", records))
    assert expected in str(raised.value) and "e.jsonl" in str(raised.value)


def test_footer_problems_are_refused(tmp_path: Path) -> None:
    wrong = {"type": "footer", "counts": {"source": 2, "episode": 0, "memory": 0, "entity": 0}}
    with pytest.raises(ImportFormatError, match="damaged"):
        read_export(_write(tmp_path / "a.jsonl", [SOURCE], wrong))
    path = _write(tmp_path / "b.jsonl", [SOURCE])
    path.write_text(path.read_text(encoding="utf-8") + json.dumps(SOURCE) + "\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 4: a record after the footer"):
        read_export(path)


def test_bad_bytes_and_bad_json_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(json.dumps(HEADER).encode() + b'\n{"type": "source", "uri": "caf\xe9"}\n')
    with pytest.raises(ImportFormatError, match="line 2: not valid UTF-8"):
        read_export(path)
    path.write_text(json.dumps(HEADER) + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 2: expected a JSON object"):
        read_export(path)
