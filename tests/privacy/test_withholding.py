"""What a remote model may never see, even pseudonymised: withheld sources (email by default,
notes marked private) and sensitive memories, in the context and in every reading tool."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pasi.agent.context import ContextAssembler
from pasi.clock import fixed_clock
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall
from pasi.privacy.policy import views_without_withheld
from pasi.tools.registry import ToolContext, default_tools
from pasi.vault import memories as mem
from pasi.vault.migrations import MIGRATIONS
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)  # as in tests/conftest.py


@pytest.fixture
def lexical_store(vault: SQLiteVault) -> MemoryStore:
    """Word search only: the withheld items must be found, so the test does not hinge on vectors."""
    return MemoryStore(vault, None, fixed_clock(NOW))


PRIVATE_NOTE = """\
---
title: Sailing club
private: true
---
The spare key to the sailing club boathouse is under the blue pot.
"""
OPEN_NOTE = "# Sailing club\n\nThe sailing club meets on Thursdays at the boathouse.\n"


def _vault_with_private_things(store: MemoryStore, locker_email: Path) -> None:
    folder = locker_email.parent
    (folder / "key.md").write_text(PRIVATE_NOTE)
    (folder / "club.md").write_text(OPEN_NOTE)
    report = Syncer(store, max_bytes=1 << 20).ingest(
        [locker_email, folder / "key.md", folder / "club.md"]
    )
    assert not report.failed
    store.remember_many([
        mem.NewMemory("The user sees a therapist after sailing club", sensitivity="health"),
        mem.NewMemory("The user is the sailing club's treasurer"),
    ])  # fmt: skip


def _texts(context) -> str:
    return "\n".join(item.line for item in context.items)


def test_email_and_private_notes_are_marked_not_for_cloud_models(
    lexical_store: MemoryStore, locker_email: Path
) -> None:
    _vault_with_private_things(lexical_store, locker_email)
    rows = lexical_store.vault.read().execute(
        "SELECT uri, remote_ok FROM sources WHERE kind = 'file'"
    )
    flags = {Path(uri).name: ok for uri, ok in rows}
    assert flags == {"locker.eml": 0, "key.md": 0, "club.md": 1}


def test_a_remote_context_leaves_them_out_and_counts_them(
    lexical_store: MemoryStore, locker_email: Path
) -> None:
    _vault_with_private_things(lexical_store, locker_email)
    message = "What do you know about the sailing club?"
    clock = fixed_clock(NOW)
    local = ContextAssembler(lexical_store, clock).assemble(message)
    remote = ContextAssembler(lexical_store, clock, remote=True).assemble(message)
    for secret in ("4471", "blue pot", "therapist"):
        assert secret in _texts(local)
        assert secret not in _texts(remote) and secret not in remote.system_prompt()
        assert secret not in remote.user_message()
    assert "treasurer" in _texts(remote) and "Thursdays" in _texts(remote)
    assert remote.withheld == 3 and local.withheld == 0
    assert "3 more item(s) matching this were withheld" in remote.user_message()


def test_recall_and_search_leave_them_out_for_a_remote_model(
    lexical_store: MemoryStore, locker_email: Path
) -> None:
    _vault_with_private_things(lexical_store, locker_email)
    tools = default_tools()
    for name, secret in (("recall", "therapist"), ("search", "4471"), ("search", "blue pot")):
        call = ToolCall("c1", name, '{"query": "sailing club", "k": 10}')
        local = tools.run(call, ToolContext(lexical_store))
        remote = tools.run(call, ToolContext(lexical_store, remote=True))
        assert secret in local.content and secret not in remote.content
        assert remote.data["withheld"] >= 1
        assert all(secret not in r.text for r in remote.found)


@pytest.mark.sqlite_only(
    reason="free SQL over the vault (query_data, readonly_query) is refused on PostgreSQL"
)
def test_query_data_reads_no_row_of_a_withheld_source_for_a_remote_model(
    lexical_store: MemoryStore, locker_email: Path
) -> None:
    _vault_with_private_things(lexical_store, locker_email)
    tools = default_tools()
    for sql in ("SELECT id, subject, snippet FROM emails",
                "WITH mine AS (SELECT * FROM emails) SELECT count(*) AS n FROM mine",
                "SELECT count(*) AS n, group_concat(id) AS ids FROM emails"):  # fmt: skip
        call = ToolCall("c1", "query_data", f'{{"sql": "{sql}"}}')
        local = tools.run(call, ToolContext(lexical_store))
        remote = tools.run(call, ToolContext(lexical_store, remote=True))
        assert local.ok and remote.ok, remote.content
        assert local.content.splitlines()[1] != remote.content.splitlines()[1]
        assert "locker" not in remote.content and "4471" not in remote.content
        assert remote.data["withheld"] == 1
        assert remote.data["items"] == []


def test_the_view_filter_keeps_the_query_and_its_own_with_clause() -> None:
    assert views_without_withheld("SELECT 1", ["emails"], []) == "SELECT 1"
    rewritten = views_without_withheld(
        "WITH RECURSIVE n(x) AS (SELECT 1) SELECT * FROM emails, n", ["emails"], [3, 1]
    )
    assert rewritten.startswith('WITH RECURSIVE "emails" AS (SELECT * FROM main."emails" WHERE')
    assert "NOT IN (1, 3)" in rewritten and rewritten.endswith(
        "n(x) AS (SELECT 1) SELECT * FROM emails, n"
    )


def test_email_stored_before_the_gateway_existed_is_withheld_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old"
    path.mkdir()
    before = len(MIGRATIONS) - 1
    while "ALTER TABLE audit ADD COLUMN endpoint" not in MIGRATIONS[before]:
        before -= 1
    conn = sqlite3.connect(path / "vault.db")
    for script in MIGRATIONS[:before]:
        conn.executescript(script)
    conn.executescript(
        f"PRAGMA user_version = {before};"
        "INSERT INTO sources (id, kind, uri, created_at) VALUES (1, 'file', 'a.mbox', '2024-01-01');"
        "INSERT INTO sources (id, kind, uri, created_at) VALUES (2, 'file', 'b.md', '2024-01-01');"
        "INSERT INTO items (source_id, kind, title) VALUES (1, 'email', 'hi');"
        "INSERT INTO items (source_id, kind, title) VALUES (2, 'note', 'hi');"
    )
    conn.close()
    with SQLiteVault(path) as vault:
        rows = vault.read().execute("SELECT uri, remote_ok FROM sources ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("a.mbox", 0), ("b.md", 1)]
