"""remember, recall and the memories group, run through the real CLI on a real vault."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke, assert_one_error_line, snapshot, write_conversation

from pasi.app import Pasi


def _remembered_id(output: str) -> int:
    return int(output.split("#", 1)[1].split()[0])


def test_remember_then_recall_finds_it_with_its_provenance(pasi: Invoke) -> None:
    assert pasi("remember", "I live in Berlin", "--when", "2023-05-01").exit_code == 0
    pasi("remember", "Anna is my sister", "--kind", "relationship", "--subject", "Anna")
    result = pasi("recall", "where do I live", "--json")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert found[0]["text"] == "I live in Berlin"
    assert found[0]["at"].startswith("2023-05-01")
    expected_keys = {"kind", "id", "text", "score", "at", "speaker", "source", "session",
                     "current", "evidence", "external_id"}  # fmt: skip
    assert set(found[0]) == expected_keys
    table = pasi("recall", "sister", "-k", "1").stdout
    assert "Anna is my sister" in table and "relationship" not in table  # one row, kind 'memory'
    assert "memory #" in table


def test_remember_reads_the_statement_from_stdin(pasi: Invoke) -> None:
    result = pasi("remember", "-", "--kind", "preference", input="I like green tea\n")
    assert result.exit_code == 0, result.output
    listed = json.loads(pasi("memories", "list", "--json").stdout)
    assert [(m["text"], m["kind"]) for m in listed] == [("I like green tea", "preference")]


def test_remember_rejects_an_unknown_kind_and_an_unreadable_date(pasi: Invoke) -> None:
    assert_one_error_line(pasi("remember", "x y", "--kind", "rumour"), "rumour", "fact")
    assert_one_error_line(pasi("remember", "x y", "--when", "the day after never"), "--when")
    assert json.loads(pasi("memories", "list", "--json").stdout) == []


def test_edit_supersedes_and_keeps_history(pasi: Invoke) -> None:
    old = _remembered_id(pasi("remember", "I live in Berlin").stdout)
    result = pasi("memories", "edit", str(old), "I live in Hamburg")
    assert result.exit_code == 0 and "superseded" in result.stdout
    current = json.loads(pasi("memories", "list", "--json").stdout)
    assert [m["text"] for m in current] == ["I live in Hamburg"]
    everything = json.loads(pasi("memories", "list", "--all", "--json").stdout)
    by_text = {m["text"]: m for m in everything}
    assert by_text["I live in Berlin"]["superseded_by"] == by_text["I live in Hamburg"]["id"]
    history = json.loads(pasi("memories", "history", str(old), "--json").stdout)
    assert [m["text"] for m in history] == ["I live in Berlin", "I live in Hamburg"]
    assert "I live in Berlin" in pasi("memories", "history", str(old)).stdout


def test_show_lists_evidence_turns_with_their_source(
    pasi: Invoke, vault_dir: Path, tmp_path: Path
) -> None:
    conversation = write_conversation(
        tmp_path / "chat.json", [["I adopted a cat named Miso", "Lovely!"]], source="chat:test"
    )
    pasi("import", str(conversation))
    with Pasi.open(vault=vault_dir, embedder="none") as assistant:
        turn = assistant.memory.recent_turns(source_uri="chat:test")[0]
        memory = assistant.memory.remember("Ana has a cat called Miso", evidence=[turn.id])
    shown = pasi("memories", "show", str(memory.id))
    assert shown.exit_code == 0
    assert "I adopted a cat named Miso" in shown.stdout and "chat:test" in shown.stdout
    as_json = json.loads(pasi("memories", "show", str(memory.id), "--json").stdout)
    assert as_json["evidence_turns"][0]["text"] == "I adopted a cat named Miso"
    assert [m["id"] for m in as_json["history"]] == [memory.id]


def test_forget_without_yes_and_without_a_terminal_refuses_and_keeps_the_memory(
    pasi: Invoke, vault_dir: Path
) -> None:
    memory_id = _remembered_id(pasi("remember", "My PIN is 1234").stdout)
    before = snapshot(vault_dir)
    assert_one_error_line(pasi("memories", "forget", str(memory_id)), "--yes")
    assert snapshot(vault_dir) == before
    assert pasi("memories", "forget", str(memory_id), "--yes").exit_code == 0
    assert snapshot(vault_dir)["memories"] == []


def test_forget_with_evidence_erases_the_turns_too(
    pasi: Invoke, vault_dir: Path, tmp_path: Path
) -> None:
    conversation = write_conversation(tmp_path / "c.json", [["my password is hunter2", "ok"]])
    pasi("import", str(conversation))
    with Pasi.open(vault=vault_dir, embedder="none") as assistant:
        source = f"file:{conversation.resolve()}"
        secret = assistant.memory.recent_turns(source_uri=source)[0]
        memory = assistant.memory.remember("password is hunter2", evidence=[secret.id])
    result = pasi("memories", "forget", str(memory.id), "--with-evidence", "--yes")
    assert result.exit_code == 0 and "1 turn" in result.stdout
    assert [text for _, text in snapshot(vault_dir)["episodes"]] == ["ok"]
    found = json.loads(pasi("recall", "hunter2", "--json").stdout)
    assert not [r for r in found if "hunter2" in r["text"]]


def test_an_unknown_memory_id_is_one_clear_error(pasi: Invoke) -> None:
    assert_one_error_line(pasi("memories", "show", "99"), "no memory with id 99")
    assert_one_error_line(pasi("memories", "edit", "99", "new text"), "99")
    assert_one_error_line(pasi("memories", "forget", "99", "--yes"), "99")


def test_stats_counts_what_the_vault_holds(pasi: Invoke, vault_dir: Path, tmp_path: Path) -> None:
    pasi("import", str(write_conversation(tmp_path / "c.json", [["one two", "three four"]])))
    memory_id = _remembered_id(pasi("remember", "I live in Oslo").stdout)
    pasi("memories", "edit", str(memory_id), "I live in Bergen")
    figures = json.loads(pasi("stats", "--json").stdout)
    assert figures["vault"] == str(vault_dir)
    assert (figures["sources"], figures["episodes"]) == (1, 2)
    assert (figures["memories_current"], figures["memories_superseded"]) == (1, 1)
    assert figures["index_units"] == 4 and figures["size_bytes"] > 0
    assert figures["schema_version"] == figures["schema_version_supported"]
    assert "schema version" in pasi("stats").stdout


def test_vault_can_come_from_the_environment(vault_dir: Path, monkeypatch, pasi: Invoke) -> None:
    from typer.testing import CliRunner

    from pasi.cli.main import app

    monkeypatch.setenv("PASI_VAULT", str(vault_dir))
    result = CliRunner().invoke(app, ["--embedder", "none", "remember", "set by env var"])
    assert result.exit_code == 0, result.output
    assert [t for _, t, _ in snapshot(vault_dir)["memories"]] == ["set by env var"]
