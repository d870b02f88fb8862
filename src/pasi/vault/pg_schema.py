"""The vault's migrations as PostgreSQL runs them, with a user id and row-level security.

The same numbered migrations (``migrations.MIGRATIONS``) build the PostgreSQL schema: each
statement goes through sqlglot, and a table is made shared by many users:

- every table gets ``user_id text NOT NULL DEFAULT current_setting('pasi.user_id')`` and a
  policy ``user_id = current_setting('pasi.user_id')`` (forced on the owner too), so a query
  that names no user still sees and writes only the connection's user's rows;
- ``id INTEGER PRIMARY KEY`` becomes an identity column shared by all users (ids stay unique,
  so foreign keys keep pointing at one row); every other key (``UNIQUE``, a natural primary
  key, a fixed ``CHECK (id = 1)`` row) and every index starts with ``user_id``;
- FTS5's ``search_fts`` is a plain table keyed by ``rowid`` (scoring is pasi's own BM25 in
  :mod:`pasi.vault.lexical`, so no text index is needed); a trigger becomes a PL/pgSQL function;
  views read with their caller's rights (``security_invoker``), so the policies hold in them;
- ``sqlite_master`` is a view of the catalog (tables and views by name, without their SQL), for
  the code that lists what the vault holds;
- a row a migration inserts (``search_deletions``'s counter) is a per-user seed, inserted for
  each user when their vault opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from pasi.vault.pg_sql import translate

USER = "current_setting('pasi.user_id')"

PRELUDE = f"""
CREATE TABLE IF NOT EXISTS pasi_schema (
    id      integer PRIMARY KEY CHECK (id = 1),
    version integer NOT NULL
);
INSERT INTO pasi_schema (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS pasi_commits (
    user_id text PRIMARY KEY DEFAULT {USER},
    commits bigint NOT NULL DEFAULT 0
);
ALTER TABLE pasi_commits ENABLE ROW LEVEL SECURITY;
ALTER TABLE pasi_commits FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_rows ON pasi_commits;
CREATE POLICY own_rows ON pasi_commits USING (user_id = {USER}) WITH CHECK (user_id = {USER});
CREATE OR REPLACE VIEW sqlite_master AS
SELECT CASE WHEN c.relkind = 'v' THEN 'view' ELSE 'table' END AS type, c.relname::text AS name,
       c.relname::text AS tbl_name, c.oid::bigint AS rowid, NULL::text AS sql
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v')
  AND c.relname NOT IN ('pasi_schema', 'pasi_commits', 'sqlite_master');
CREATE OR REPLACE FUNCTION pasi_json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE jsonb_typeof(v)
        WHEN 'string' THEN v #>> '{{}}'
        WHEN 'boolean' THEN CASE WHEN v::boolean THEN '1' ELSE '0' END
        WHEN 'null' THEN NULL
        ELSE v::text END
    FROM (SELECT doc::jsonb #> string_to_array(replace(substr(path, 3), '"', ''), '.') AS v) s
$$;
"""

_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) (AFTER|BEFORE) (INSERT|UPDATE|DELETE) ON (\w+)\s+BEGIN(.*?)END;",
    re.S | re.I,
)
_FTS = re.compile(r"CREATE VIRTUAL TABLE (\w+) USING fts5\(([^)]*?)(?:,\s*tokenize[^)]*)?\)", re.I)


@dataclass
class Script:
    """One migration for PostgreSQL: schema statements, and rows each user starts with."""

    statements: list[str] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)


def _policy(table: str) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'CREATE POLICY own_rows ON "{table}" USING (user_id = {USER})'
        f" WITH CHECK (user_id = {USER})",
    ]


def _user_column() -> exp.ColumnDef:
    return sqlglot.parse_one(
        f"CREATE TABLE t (user_id text NOT NULL DEFAULT {USER})", read="postgres"
    ).this.expressions[0]


def _with_user(columns: list[exp.Expression]) -> list[exp.Expression]:
    return [exp.to_identifier("user_id"), *columns]


def _table(tree: exp.Create) -> list[str]:
    schema = tree.this
    name = schema.this.name
    extra: list[exp.Expression] = []
    for column in list(schema.expressions):
        if isinstance(column, exp.ColumnDef):
            if column.kind is not None and column.kind.this in (exp.DataType.Type.INT,):
                column.set("kind", exp.DataType.build("bigint"))
            _column_keys(column, extra)
        elif isinstance(column, exp.PrimaryKey | exp.UniqueColumnConstraint):
            target = column if isinstance(column, exp.PrimaryKey) else column.this
            target.set("expressions", _with_user(list(target.expressions)))
    schema.set("expressions", [*schema.expressions, _user_column(), *extra])
    tree.set("properties", None)  # WITHOUT ROWID
    return [tree.sql(dialect="postgres", identify=True), *_policy(name)]


def _column_keys(column: exp.ColumnDef, extra: list[exp.Expression]) -> None:
    """``INTEGER PRIMARY KEY`` (SQLite's rowid) shared by all users; other keys made per user."""
    kinds = [c.args["kind"] for c in column.constraints]
    fixed = any(isinstance(k, exp.CheckColumnConstraint) for k in kinds)
    integer = column.kind is not None and column.kind.this == exp.DataType.Type.BIGINT
    for constraint in list(column.constraints):
        kind = constraint.args["kind"]
        is_pk = isinstance(kind, exp.PrimaryKeyColumnConstraint)
        if is_pk and integer and not fixed:
            identity = exp.GeneratedAsIdentityColumnConstraint(this=False)
            constraint.replace(exp.ColumnConstraint(kind=identity))
            column.append("constraints", exp.ColumnConstraint(kind=kind))
        elif is_pk or isinstance(kind, exp.UniqueColumnConstraint):
            constraint.pop()
            keys = _with_user([exp.to_identifier(column.name)])
            key = exp.PrimaryKey(expressions=keys) if is_pk else None
            extra.append(key or exp.UniqueColumnConstraint(this=exp.Schema(expressions=keys)))


def _index(tree: exp.Create) -> str:
    index = tree.this
    params = index.args.get("params")
    columns = params.args.get("columns") if params is not None else None
    if columns:
        params.set("columns", [exp.Ordered(this=exp.column("user_id")), *columns])
    return tree.sql(dialect="postgres", identify=True)


def _trigger(match: re.Match[str]) -> list[str]:
    name, when, event, table, body = match.groups()
    steps = "; ".join(translate(s.strip()).sql for s in body.split(";") if s.strip())
    function = f"pasi_{name}"
    return [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {steps}; RETURN NULL; END $$",
        f'CREATE TRIGGER {name} {when} {event} ON "{table}"'
        f" FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _fts(match: re.Match[str]) -> list[str]:
    table, columns = match.group(1), [c.strip() for c in match.group(2).split(",")]
    body = ", ".join(f'"{c}" text' for c in columns if "=" not in c)
    return [
        f'CREATE TABLE "{table}" (rowid bigint PRIMARY KEY, {body},'
        f" user_id text NOT NULL DEFAULT {USER})",
        *_policy(table),
    ]


def _statement(sql: str, out: Script) -> None:
    if (fts := _FTS.match(sql)) is not None:
        out.statements += _fts(fts)
        return
    tree = sqlglot.parse_one(sql, read="sqlite")
    if isinstance(tree, exp.Create) and tree.kind == "TABLE":
        out.statements += _table(tree)
    elif isinstance(tree, exp.Create) and tree.kind == "INDEX":
        out.statements.append(_index(tree))
    elif isinstance(tree, exp.Create) and tree.kind == "VIEW":
        text = translate(sql).sql
        out.statements.append(
            re.sub(
                r"^CREATE VIEW (\S+) AS", r"CREATE VIEW \1 WITH (security_invoker = true) AS", text
            )
        )
    elif isinstance(tree, exp.Insert):
        out.seeds.append(sql)
    else:
        out.statements.append(_bigint(translate(sql).sql))


def _bigint(sql: str) -> str:
    return re.sub(r"(ADD COLUMN \"?\w+\"?) INT\b", r"\1 BIGINT", sql)


def postgres_script(script: str) -> Script:
    """One SQLite migration as PostgreSQL statements plus per-user seed rows."""
    out = Script()
    rest = script
    for match in _TRIGGER.finditer(script):
        out_trigger = _trigger(match)
        rest = rest.replace(match.group(0), "")
        out.statements += out_trigger
    for sql in rest.split(";"):
        if sql.strip():
            _statement(sql.strip(), out)
    return out
