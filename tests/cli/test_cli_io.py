"""pasi import / export: formats, re-import without duplicates, and a lossless round trip."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke, assert_one_error_line, snapshot, write_conversation

from pasi.app import Pasi


def _locomo_file(path: Path) -> Path:
    sample = {
        "sample_id": "conv-1",
        "conversation": {
            "speaker_a": "Caroline",
            "speaker_b": "Mel",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {"speaker": "Caroline", "dia_id": "D1:1", "text": "I went to a support group."},
                {"speaker": "Mel", "dia_id": "D1:2", "text": "How was it?",
                 "blip_caption": "a photo of a circle of chairs"},
            ],
            "session_2_date_time": "2:00 pm on 9 May, 2023",
            "session_2": [{"speaker": "Mel", "dia_id": "D2:1", "text": "I painted a sunrise."}],
        },
        "qa": [{"question": "What did Mel paint?", "evidence": ["D2:1"], "category": 4,
                "answer": "a sunrise"}],
    }  # fmt: skip
    path.write_text(json.dumps([sample]), encoding="utf-8")
    return path


def _longmemeval_file(path: Path) -> Path:
    item = {
        "question_id": "q1",
        "question": "What is my dog's name?",
        "haystack_session_ids": ["a", "b"],
        "haystack_dates": ["2023/05/20 (Sat) 02:21", "2023/05/21 (Sun) 10:00"],
        "haystack_sessions": [
            [{"role": "user", "content": "My dog is called Rex."},
             {"role": "assistant", "content": "Rex is a good name."}],
            [{"role": "user", "content": "I bought a red bike."}],
        ],
        "answer_session_ids": ["a"],
    }  # fmt: skip
    path.write_text(json.dumps([item]), encoding="utf-8")
    return path


def test_import_reads_each_conversation_format_and_reports_counts(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    files = [
        write_conversation(tmp_path / "pasi.json", [["hello there", "hi"], ["bye now"]]),
        _locomo_file(tmp_path / "locomo.json"),
        _longmemeval_file(tmp_path / "lme.json"),
    ]
    result = pasi("import", *map(str, files))
    assert result.exit_code == 0, result.output
    assert "3 conversation(s): 9 added, 0 already present" in result.stdout
    texts = [text for _, text in snapshot(vault_dir)["episodes"]]
    assert "How was it? [shares a photo of a circle of chairs]" in texts
    assert "My dog is called Rex." in texts
    found = json.loads(pasi("recall", "what did Mel paint", "--json").stdout)
    assert found[0]["external_id"] == "D2:1" and found[0]["source"] == "locomo:conv-1"


def test_importing_the_same_files_again_adds_nothing(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    files = [
        str(write_conversation(tmp_path / "pasi.json", [["a b c", "d e f"]])),
        str(_locomo_file(tmp_path / "locomo.json")),
    ]
    pasi("import", *files)
    before = snapshot(vault_dir)
    again = pasi("import", *files)
    assert again.exit_code == 0
    assert "0 added, 5 already present" in again.stdout
    assert snapshot(vault_dir) == before


def _build_rich_vault(pasi: Invoke, vault_dir: Path, tmp_path: Path) -> None:
    """A vault using every exported field: corrections, evidence, gaps in ids, entities."""
    pasi("import", str(write_conversation(tmp_path / "c.json", [["I moved to Lisbon", "Nice"]])))
    pasi("chat", input="My sister Ana visits in June\nwhere did I move?\n")
    with Pasi.open(vault=vault_dir, embedder="none") as assistant:
        turn = assistant.memory.recent_turns(source_uri=f"file:{(tmp_path / 'c.json').resolve()}")
        lisbon = assistant.memory.remember(
            "The user lives in Lisbon", evidence=[turn[0].id], note="from chat", confidence=0.8
        )
        assistant.memory.correct(lisbon.id, "The user lives in Porto")
        doomed = assistant.memory.remember("temporary", kind="plan")
        assistant.memory.remember("Ana is the user's sister", kind="relationship", subject="Ana")
        assistant.memory.forget(doomed.id)
        with assistant.vault.write() as conn:
            conn.execute(
                "INSERT INTO entities (name, kind, aliases, attributes) VALUES (?, ?, ?, ?)",
                ("Ana", "person", '["Anita"]', '{"relation": "sister"}'),
            )


def _export_lines(pasi: Invoke, vault: Path) -> list[str]:
    result = pasi("export", vault=vault)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_export_then_import_into_a_fresh_vault_is_lossless(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    _build_rich_vault(pasi, vault_dir, tmp_path)
    first = tmp_path / "first.jsonl"
    assert pasi("export", str(first)).exit_code == 0
    fresh = tmp_path / "fresh"
    imported = pasi("import", str(first), vault=fresh)
    assert imported.exit_code == 0, imported.output
    original, copy = _export_lines(pasi, vault_dir), _export_lines(pasi, fresh)
    assert json.loads(original[0])["type"] == "header"
    assert original[1:] == copy[1:]  # identical apart from the header's timestamp
    assert original[1:] == first.read_text(encoding="utf-8").splitlines()[1:]
    types = {json.loads(line)["type"] for line in original}
    assert types == {"header", "source", "episode", "memory", "entity", "footer"}
    found = json.loads(pasi("recall", "where does the user live", "--json", vault=fresh).stdout)
    assert found[0]["text"] == "The user lives in Porto"  # the index was rebuilt


def test_importing_an_export_twice_adds_nothing(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    _build_rich_vault(pasi, vault_dir, tmp_path)
    export = tmp_path / "e.jsonl"
    pasi("export", str(export))
    before = snapshot(vault_dir)
    result = pasi("import", str(export))
    assert result.exit_code == 0 and " 0 added" in result.stdout
    assert snapshot(vault_dir) == before


def test_an_export_imported_into_a_used_vault_gets_new_ids_and_keeps_references(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    _build_rich_vault(pasi, vault_dir, tmp_path)
    export = tmp_path / "e.jsonl"
    pasi("export", str(export))
    other = tmp_path / "other"
    pasi("remember", "an unrelated memory", vault=other)
    pasi("chat", input="an unrelated turn\n", vault=other)
    assert pasi("import", str(export), vault=other).exit_code == 0
    memories = json.loads(pasi("memories", "list", "--all", "--json", vault=other).stdout)
    porto = next(m for m in memories if m["text"] == "The user lives in Porto")
    lisbon = next(m for m in memories if m["text"] == "The user lives in Lisbon")
    exported = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    old_porto = next(r for r in exported if r.get("text") == "The user lives in Porto")
    assert lisbon["superseded_by"] == porto["id"] != old_porto["id"]  # remapped, still linked
    shown = json.loads(pasi("memories", "show", str(porto["id"]), "--json", vault=other).stdout)
    assert [t["text"] for t in shown["evidence_turns"]] == ["I moved to Lisbon"]


def test_an_export_of_an_unknown_version_is_refused_and_nothing_is_written(
    pasi: Invoke, tmp_path: Path, vault_dir: Path
) -> None:
    _build_rich_vault(pasi, vault_dir, tmp_path)
    export = tmp_path / "e.jsonl"
    pasi("export", str(export))
    lines = export.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) | {"version": 99}
    export.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh"
    pasi("remember", "already here", vault=fresh)
    before = snapshot(fresh)
    assert_one_error_line(pasi("import", str(export), vault=fresh), "version 99", "upgrade")
    assert snapshot(fresh) == before


def test_a_truncated_export_is_refused(pasi: Invoke, tmp_path: Path, vault_dir: Path) -> None:
    _build_rich_vault(pasi, vault_dir, tmp_path)
    export = tmp_path / "e.jsonl"
    pasi("export", str(export))
    lines = export.read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert_one_error_line(pasi("import", str(export), vault=fresh), "truncated")
    assert not (fresh / "vault.db").exists()  # checked before the vault was even opened


def test_export_writes_to_stdout_by_default(pasi: Invoke) -> None:
    pasi("remember", "I like tea")
    records = [json.loads(line) for line in pasi("export").stdout.splitlines()]
    assert records[0]["format"] == "pasi.export" and records[0]["version"] == 2
    assert records[-1] == {
        "type": "footer",
        "counts": {"source": 0, "episode": 0, "memory": 1, "entity": 0, "row": 0},
    }
    assert records[1]["text"] == "I like tea"
