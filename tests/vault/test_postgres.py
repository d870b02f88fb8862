"""The PostgreSQL vault: isolation by row-level security, one writer, the same BM25 as SQLite."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import psycopg
import pytest

from pasi.clock import fixed_clock
from pasi.errors import VaultError, VaultVersionError
from pasi.memory.store import MemoryStore
from pasi.models.embedder import WordLlamaEmbedder
from pasi.vault import search
from pasi.vault.lexical import LexicalIndex
from pasi.vault.location import postgres_url, split_url
from pasi.vault.memories import NewMemory
from pasi.vault.migrations import SCHEMA_VERSION
from pasi.vault.pg_server import TemporaryPostgres
from pasi.vault.pg_sql import translate
from pasi.vault.postgres import PostgresVault
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.transfer import copy_vault, vault_checks

pytestmark = pytest.mark.postgres
NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def url(postgres: TemporaryPostgres, postgres_template: str) -> str:
    return postgres.new_database(postgres_template)


def _source(vault: PostgresVault | SQLiteVault, uri: str) -> int:
    with vault.write() as conn:
        cur = conn.execute(
            "INSERT INTO sources (kind, uri, created_at) VALUES ('chat', ?, '2024')", (uri,)
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]


def test_raw_sql_as_one_user_reads_none_of_anothers_rows(url: str, tmp_path: Path) -> None:
    with (
        PostgresVault(url, "alice", tmp_path / "a") as alice,
        PostgresVault(url, "bob", tmp_path / "b") as bob,
    ):
        _source(alice, "alice-diary")
        _source(bob, "bob-diary")
        # No WHERE clause at all, on a plain psycopg connection with alice's setting:
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute("SELECT set_config('pasi.user_id', 'alice', false)")
            assert raw.execute("SELECT uri FROM sources").fetchall() == [("alice-diary",)]
            assert raw.execute("SELECT COUNT(*) FROM search_deletions").fetchone() == (1,)
            # nor change them, nor write rows in bob's name
            assert raw.execute("UPDATE sources SET title = 'x'").rowcount == 1
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(
                    "INSERT INTO sources (kind, uri, created_at, user_id)"
                    " VALUES ('chat', 'forged', 'x', 'bob')"
                )
        assert [r[0] for r in bob.read().execute("SELECT uri, title FROM sources")] == ["bob-diary"]
        assert bob.read().execute("SELECT title FROM sources").fetchone()[0] is None


def test_a_connection_without_a_user_sees_nothing(url: str, tmp_path: Path) -> None:
    with PostgresVault(url, "alice", tmp_path / "a") as alice:
        _source(alice, "alice-diary")
    with (
        psycopg.connect(url, autocommit=True) as raw,
        pytest.raises(psycopg.errors.UndefinedObject),  # pasi.user_id is not set
    ):
        raw.execute("SELECT uri FROM sources")


def test_natural_keys_are_per_user(url: str, tmp_path: Path) -> None:
    with (
        PostgresVault(url, "alice", tmp_path / "a") as alice,
        PostgresVault(url, "bob", tmp_path / "b") as bob,
    ):
        _source(alice, "same-uri")
        _source(bob, "same-uri")  # UNIQUE (user_id, uri): no clash across users
        with pytest.raises(sqlite3.IntegrityError):
            _source(bob, "same-uri")


def test_a_failed_write_rolls_back_the_whole_batch(url: str, tmp_path: Path) -> None:
    with PostgresVault(url, "alice", tmp_path / "a") as vault:
        with pytest.raises(sqlite3.IntegrityError), vault.write() as conn:
            conn.execute("INSERT INTO goals (title, created_at) VALUES ('a', 'x')")
            conn.execute("INSERT INTO goals (title, created_at) VALUES (NULL, 'x')")
        assert vault.read().execute("SELECT COUNT(*) FROM goals").fetchone()[0] == 0


def test_two_vaults_of_one_user_write_one_after_the_other(url: str, tmp_path: Path) -> None:
    with (
        PostgresVault(url, "alice", tmp_path / "a") as first,
        PostgresVault(url, "alice", tmp_path / "a2") as second,
    ):
        _source(first, "counter")

        def bump(vault: PostgresVault) -> None:
            for _ in range(20):
                with vault.write() as conn:
                    (n,) = conn.execute("SELECT COUNT(*) FROM goals").fetchone()
                    conn.execute("INSERT INTO goals (title, created_at) VALUES (?, 'x')", (str(n),))

        threads = [threading.Thread(target=bump, args=(v,)) for v in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        titles = [r[0] for r in first.read().execute("SELECT title FROM goals ORDER BY id")]
        assert titles == [str(n) for n in range(40)]  # no two writers read the same count
        assert second.data_version()[1] >= 41


def test_reopening_keeps_data_and_a_newer_schema_is_refused(url: str, tmp_path: Path) -> None:
    with PostgresVault(url, "alice", tmp_path / "a") as vault:
        _source(vault, "kept")
        assert vault.read().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with PostgresVault(url, "alice", tmp_path / "a") as again:
        assert again.found_version == SCHEMA_VERSION
        assert again.read().execute("SELECT uri FROM sources").fetchone()["uri"] == "kept"
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("UPDATE pasi_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(VaultVersionError, match="upgrade pasi"):
        PostgresVault(url, "alice", tmp_path / "a")


def test_a_superuser_url_is_refused(postgres: TemporaryPostgres, tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="row-level security"):
        PostgresVault(postgres.admin_url, "alice", tmp_path / "a")


def test_the_translation_fix_ups() -> None:
    ids = frozenset({"episodes", "consent"})
    ignore = translate("INSERT OR IGNORE INTO episodes (text) VALUES (?)", ids)
    assert ignore.sql.endswith('ON CONFLICT DO NOTHING RETURNING "id"') and ignore.returns_id
    upsert = translate(
        "INSERT INTO consent (kind) VALUES (?) ON CONFLICT (kind) DO UPDATE SET kind = 'x'", ids
    )
    assert 'ON CONFLICT("user_id", "kind")' in upsert.sql
    numbered = translate("SELECT ?2, ?1, ?2 WHERE 'a?b' LIKE '%s'")
    assert numbered.sql == "SELECT $1, $2, $1 WHERE 'a?b' LIKE '%s'"
    assert numbered.arguments(("one", "two")) == ["two", "one"]
    assert "NULLIF(GREATEST($1, -1), -1)" in translate("SELECT 1 FROM t LIMIT ?").sql
    assert translate("SELECT json_extract(f, '$.a') FROM t").sql.startswith(
        "SELECT pasi_json_extract("
    )


def test_bm25_scores_equal_sqlites(url: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    units = [
        (" ".join(rng.choice(words, size=int(rng.integers(3, 12)))), " ".join(rng.choice(words, 4)))
        for _ in range(120)
    ]
    found = []
    with (
        SQLiteVault(tmp_path / "lite") as lite,
        PostgresVault(url, "alice", tmp_path / "pg") as pg,
    ):
        for vault in (lite, pg):
            with vault.write() as conn:
                for ref, (terms, context) in enumerate(units, start=1):
                    search.add_unit(conn, kind="memory", ref_id=ref, terms=terms, context=context)
            index = LexicalIndex()
            index.refresh(vault.read(), object())
            found.append(index.search(["w1", "w7", "w30"], 20))
        fts5 = search.lexical(lite.read(), ["w1", "w7", "w30"], limit=20)
    assert [i for i, _ in found[0]] == [i for i, _ in found[1]]
    assert np.allclose([s for _, s in found[0]], [s for _, s in found[1]])
    assert np.allclose([s for _, s in fts5], [s for _, s in found[1]], rtol=1e-4)


def test_a_postgres_location_names_its_user_and_files(tmp_path: Path) -> None:
    # A Path folds "//" (settings.vault is one): the URL is still found.
    folded = Path("postgresql://pasi@db.lan:5433/pasi?sslmode=require&pasi_user=anna")
    url = postgres_url(folded)
    assert url == "postgresql://pasi@db.lan:5433/pasi?sslmode=require&pasi_user=anna"
    libpq, user, files = split_url(url + f"&pasi_files={tmp_path}")
    assert (libpq, user, files) == (
        "postgresql://pasi@db.lan:5433/pasi?sslmode=require",
        "anna",
        tmp_path,
    )
    assert postgres_url(tmp_path / "vault") is None


def test_pasi_opens_a_postgres_vault_from_its_settings(url: str, tmp_path: Path) -> None:
    from pasi.app import Pasi
    from pasi.config import Settings

    settings = Settings(vault=f"{url}?pasi_user=anna&pasi_files={tmp_path}", embedder="none")
    pasi = Pasi(settings)
    try:
        assert isinstance(pasi.vault, PostgresVault) and pasi.vault.user == "anna"
        pasi.memory.remember("My sister Lena lives in Porto")
        assert "Porto" in pasi.memory.recall("where does Lena live")[0].text
    finally:
        pasi.vault.close()


def _filled(vault: SQLiteVault, embedder: WordLlamaEmbedder) -> None:
    store = MemoryStore(vault, embedder, fixed_clock(NOW))
    first = store.remember("I live in Berlin")
    store.remember_many([NewMemory("My sister Lena lives in Porto", "relationship")])
    store.replace(first.id, NewMemory("I moved from Berlin to Lisbon"))
    with vault.write() as conn:
        conn.execute(
            "INSERT INTO items (kind, title, fields) VALUES ('note', 'ünïcode ✓', '{\"a\": 1.5}')"
        )
        conn.execute("INSERT INTO consent (kind, status) VALUES ('health', 'yes')")


def test_a_vault_copied_to_postgres_and_back_is_identical(
    url: str, tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    with SQLiteVault(tmp_path / "original") as original:
        _filled(original, embedder)
        with PostgresVault(url, "anna", tmp_path / "pg") as pg:
            copy_vault(original, pg)
            with SQLiteVault(tmp_path / "back") as back:
                checks = copy_vault(pg, back)
                assert vault_checks(back) == vault_checks(original) == vault_checks(pg)
            # the copy goes on working: new rows get ids past the copied ones
            store = MemoryStore(pg, embedder, fixed_clock(NOW))
            assert store.remember("I play the cello").id > 3
            assert store.recall("where does Lena live")[0].text == "My sister Lena lives in Porto"
    tables = {c.table: c.rows for c in checks}
    assert tables["memories"] == 3 and tables["search_fts"] >= 3 and tables["consent"] == 1
    with (
        SQLiteVault(tmp_path / "original") as original,
        SQLiteVault(tmp_path / "back") as back,
        pytest.raises(VaultError, match="not empty"),
    ):
        copy_vault(original, back)


def test_many_users_share_a_few_connections(
    url: str, tmp_path: Path, postgres: TemporaryPostgres
) -> None:
    vaults = [PostgresVault(url, f"user{i}", tmp_path / f"u{i}") for i in range(30)]
    try:
        for i, vault in enumerate(vaults):
            _source(vault, f"diary-{i}")
        first = vaults[0].read()  # held while other users' vaults read on this thread
        seen = [v.read().execute("SELECT uri FROM sources").fetchall() for v in vaults]
        assert seen == [[(f"diary-{i}",)] for i in range(30)]
        assert first.execute("SELECT uri FROM sources").fetchall() == [("diary-0",)]
        with psycopg.connect(postgres.admin_url) as admin:
            (count,) = admin.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s",
                (url.rsplit("/", 1)[1],),
            ).fetchone()  # type: ignore[misc]
        assert count <= 3  # this thread's reader and the pool's writer(s), not 30 users' own
    finally:
        for vault in vaults:
            vault.close()


def test_threads_that_ended_hand_their_reader_on(
    url: str, tmp_path: Path, postgres: TemporaryPostgres
) -> None:
    """A server runs each turn on a new thread: 60 turns in turn must not hold 60 connections."""
    vaults = [PostgresVault(url, f"user{i}", tmp_path / f"u{i}") for i in range(3)]
    try:
        for i, vault in enumerate(vaults):
            _source(vault, f"diary-{i}")
        seen: list[list[tuple]] = []

        def turn(vault: PostgresVault) -> None:
            seen.append([tuple(r) for r in vault.read().execute("SELECT uri FROM sources")])

        for index in range(60):
            thread = threading.Thread(target=turn, args=(vaults[index % 3],))
            thread.start()
            thread.join()
        assert seen == [[(f"diary-{i % 3}",)] for i in range(60)]
        with psycopg.connect(postgres.admin_url) as admin:
            (count,) = admin.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s",
                (url.rsplit("/", 1)[1],),
            ).fetchone()  # type: ignore[misc]
        assert count <= 3  # one reader passed from thread to thread, and the pool's writer(s)
    finally:
        for vault in vaults:
            vault.close()


def test_server_users_each_get_their_vault_in_one_database(url: str, tmp_path: Path) -> None:
    from pasi.config import Settings
    from pasi.server.users import UserRegistry, UserSessions

    registry = UserRegistry(tmp_path / "home")
    sessions = UserSessions(Settings(vault=tmp_path / "unused", embedder="none", model="none"))
    try:
        for name in ("anna", "ben"):
            location = Path(f"{url}?pasi_user={name}&pasi_files={tmp_path / name}")
            user = registry.add(name, location)
            assert registry.get(name) == user
            sessions.session(user).pasi.memory.remember(f"{name.title()} keeps bees in Ghent")
        anna = sessions.session(registry.get("anna")).pasi  # type: ignore[arg-type]
        assert isinstance(anna.vault, PostgresVault) and anna.vault.user == "anna"
        assert [m.text for m in anna.memory.list()] == ["Anna keeps bees in Ghent"]
    finally:
        sessions.close()
        registry.close()


def test_free_sql_over_a_postgres_vault_is_refused(url: str, tmp_path: Path) -> None:
    from pasi.errors import InputError
    from pasi.vault.readonly import run_readonly_query

    with (
        PostgresVault(url, "anna", tmp_path) as vault,
        pytest.raises(InputError, match="not available on a PostgreSQL vault"),
    ):
        run_readonly_query(vault, "SELECT set_config('pasi.user_id', 'ben', false)")  # type: ignore[arg-type]
