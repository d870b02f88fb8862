"""Every SQL statement written in pasi's source translates into one PostgreSQL accepts.

The statements are read from the source itself (the string given to ``execute`` or
``executemany``), translated as the PostgreSQL vault translates them, and prepared (parsed,
checked against the schema, typed) on a migrated database. Statements built at run time
(f-strings) are covered by the tests that run on both backends instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import psycopg
import pytest

from pasi.vault.pg_server import TemporaryPostgres
from pasi.vault.pg_sql import shape, translate
from pasi.vault.postgres import PostgresVault

pytestmark = pytest.mark.postgres
SRC = Path(__file__).resolve().parents[2] / "src" / "pasi"
# Not SQLite's dialect for the vault: the server's own users.db, SQLCipher's conversion of a
# SQLite file, and the PostgreSQL vault's own statements (PostgreSQL's dialect already).
OTHER_DATABASES = (
    "server/users.py", "vault/convert.py", "vault/sqlite.py", "vault/cipher.py",
    "vault/postgres.py", "vault/pg_pool.py", "vault/pg_conn.py", "vault/pg_server.py",
)  # fmt: skip


def _text(node: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, names), _text(node.right, names)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None  # an f-string or a variable: built at run time


def static_statements() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where.endswith(OTHER_DATABASES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            t.id: n.value.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
            for t in n.targets if isinstance(t, ast.Name)
        }  # fmt: skip
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany") and node.args
            ):  # fmt: skip
                sql = _text(node.args[0], names)
                if sql and not sql.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT")):
                    found.append((f"{where}:{node.lineno}", sql))
    return found


def test_every_static_statement_prepares_on_postgresql(
    postgres: TemporaryPostgres, postgres_template: str, tmp_path: Path
) -> None:
    statements = static_statements()
    assert len(statements) > 150
    url = postgres.new_database(postgres_template)
    failed = []
    with PostgresVault(url, "anna", tmp_path) as vault:
        tables = vault._tables
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute("SELECT set_config('pasi.user_id', 'anna', false)")
            for where, sql in statements:
                shaped = shape(sql)
                translated = translate(shaped.sql if shaped else sql, tables).sql
                try:
                    raw.execute(f"PREPARE checked AS {translated}")
                    raw.execute("DEALLOCATE checked")
                except psycopg.Error as error:
                    failed.append(f"{where}: {str(error).splitlines()[0]}")
    assert failed == []
