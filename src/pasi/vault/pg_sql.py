"""SQLite statements as PostgreSQL runs them: the translation the PostgreSQL vault applies.

The code above the vault writes SQLite's dialect; :func:`translate` turns one statement into
PostgreSQL's once (cached per distinct string) with sqlglot, plus the few fix-ups sqlglot gets
wrong or cannot know (each named where it is done):

- ``INSERT OR IGNORE`` stays as it is in sqlglot's output: it becomes ``ON CONFLICT DO NOTHING``;
- a conflict target gains ``user_id`` (every natural key is per user) and loses the
  ``NULLS FIRST`` sqlglot adds to it as if it were an ORDER BY;
- ``json_extract`` keeps SQLite's meaning through the ``json_extract`` SQL function the schema
  defines (sqlglot's ``->>`` form needs a json column and returns JSON true as 'true');
- ``group_concat`` of a number casts it to text; ``COALESCE(a = b, 0)`` and ``SUM(a = b)``
  cast the comparison to an integer (SQLite's booleans are 0 and 1);
- an ``ORDER BY`` expression naming a result column's alias gets that column's expression;
- ``IN (SELECT value FROM json_each(?))`` (a JSON list of ids) reads the list with
  ``json_array_elements_text``, each id cast to a bigint;
- ``? IS NULL`` casts the parameter to text (a NULL parameter has no type to infer);
- a ``LIMIT`` given as a parameter may be negative (SQLite: no limit): it becomes NULL;
- placeholders become PostgreSQL's own ``$n`` (no ``%`` escaping of LIKE patterns), and a list
  ``IN (?, ?, ...)`` one array, ``= ANY($n)`` (:func:`shape`);
- an ``INSERT`` into a table with an ``id`` gets ``RETURNING id`` for ``lastrowid``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
# Outside quotes: a string literal, a quoted name, a placeholder (?, ?N), a json_extract call.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?(\d*)|\b(json_extract)\s*\(", re.I)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_JSON_IDS = re.compile(r"IN\s*\(\s*SELECT\s+value\s+FROM\s+json_each\(\s*\?\s*\)\s*\)", re.I)
POSITIONAL = "__p"
NEW_ID = "__new_id"


@dataclass(frozen=True)
class Statement:
    """One translated statement; ``names`` maps its ``$n`` to the caller's parameters."""

    sql: str
    names: tuple[str, ...]  # what each $n is: __pK (the K-th ?), pN (?N) or a :name
    returns_id: bool = False
    # The same one-row INSERT with the id given (NEW_ID), for writes that do not wait for
    # RETURNING (pasi.vault.pg_conn), and the table whose sequence gives it.
    with_id: Statement | None = None
    table: str | None = None

    def arguments(self, params: object, new_id: int | None = None) -> list[object]:
        if (params is None and new_id is None) or not self.names:
            return []
        if isinstance(params, dict):
            return [new_id if name == NEW_ID else params[name] for name in self.names]
        values = list(params or ())  # type: ignore[call-overload]
        return [new_id if name == NEW_ID else values[_index(name)] for name in self.names]


def _index(name: str) -> int:
    if name.startswith(POSITIONAL):
        return int(name[len(POSITIONAL) :])
    return int(name[1:]) - 1


def _mark(sql: str) -> str:
    """Every ``?`` named by its place in the source (sqlglot may reorder clauses), ``?N`` as
    ``:pN``, and ``json_extract`` renamed so sqlglot keeps the call as it is."""
    count = 0

    def mark(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2):
            return "pasi_json_extract("
        if not match.group(0).startswith("?"):
            return match.group(0)
        if match.group(1):
            return f":p{match.group(1)}"
        count += 1
        return f":{POSITIONAL}{count - 1}"

    return _TOKENS.sub(mark, sql)


def _boolean(node: exp.Expression) -> bool:
    return isinstance(node, exp.Predicate | exp.Connector | exp.Not)


def _inline_aliases(select: exp.Select) -> None:
    """``ORDER BY last IS NULL`` where ``last`` names a result column: SQLite resolves it to
    that column, PostgreSQL allows an alias only alone, so the expression is put in its place."""
    aliases = {e.alias: e.this for e in select.expressions if isinstance(e, exp.Alias)}
    order = select.args.get("order")
    if not aliases or order is None:
        return
    for ordered in order.expressions:
        if isinstance(ordered.this, exp.Column):
            continue
        for column in list(ordered.this.find_all(exp.Column)):
            if not column.table and column.name in aliases:
                column.replace(aliases[column.name].copy())


def _fix_tree(tree: exp.Expression) -> exp.Expression:
    for select in list(tree.find_all(exp.Select)):
        _inline_aliases(select)
    for node in list(tree.find_all(exp.Sum, exp.Avg)):
        if _boolean(node.this):  # SQLite counts true comparisons with SUM(a = b)
            node.set("this", exp.cast(node.this.copy(), "int"))
    for node in list(tree.find_all(exp.GroupConcat)):
        node.set("this", exp.cast(node.this, "text"))
    for node in list(tree.find_all(exp.Coalesce)):
        args = [node.this, *node.expressions]
        if any(_boolean(a) for a in args) and any(
            isinstance(a, exp.Literal) and not a.is_string for a in args
        ):
            for arg in args:
                if _boolean(arg):
                    arg.replace(exp.cast(arg.copy(), "int"))
    for node in list(tree.find_all(exp.Is)):
        if isinstance(node.this, exp.Placeholder):  # `? IS NULL` with None: no type to infer
            node.set("this", exp.cast(node.this.copy(), "text"))
    for node in list(tree.find_all(exp.Limit)):
        count = node.expression
        if count is not None and not (isinstance(count, exp.Literal) and count.is_int):
            # SQLite reads a negative LIMIT as none; PostgreSQL refuses it (NULL is none).
            floor = exp.Greatest(this=count.copy(), expressions=[exp.Literal.number(-1)])
            node.set("expression", exp.Nullif(this=floor, expression=exp.Literal.number(-1)))
    for node in list(tree.find_all(exp.OnConflict)):
        keys = node.args.get("conflict_keys") or []
        if keys:
            bare = [k.this if isinstance(k, exp.Ordered) else k for k in keys]
            node.set("conflict_keys", [exp.to_identifier("user_id"), *bare])
    return tree


def _dollars(sql: str) -> tuple[str, tuple[str, ...]]:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(names)


_IN_LIST = re.compile(r"\b(NOT\s+)?IN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)", re.I)


@dataclass(frozen=True)
class Shape:
    """A statement whose ``IN (?, ?, ...)`` lists became ``= ANY(?)`` (one array parameter),
    so every length of list is one statement: translated and planned once, not per length."""

    sql: str
    sizes: tuple[int, ...]  # per ? of ``sql`` in order: 0 a plain value, n a list of n

    def group(self, params: Sequence[object]) -> list[object]:
        out: list[object] = []
        at = 0
        for size in self.sizes:
            if size:
                out.append(list(params[at : at + size]))
                at += size
            else:
                out.append(params[at])
                at += 1
        return out


@lru_cache(maxsize=4096)
def shape(sql: str) -> Shape | None:
    """``sql`` with its lists of ``?`` as arrays; None when it has none (or names its values)."""
    if not _IN_LIST.search(sql):
        return None
    sizes: list[int] = []
    pieces: list[str] = []
    at = 0
    for match in _TOKENS.finditer(sql):
        if not match.group(0).startswith("?"):
            continue
        if match.group(1):
            return None  # ?N: numbered values are left as they are
        listed = _IN_LIST.match(sql, _list_start(sql, match.start()))
        if listed is not None and listed.start() <= match.start() < listed.end():
            if listed.start() >= at:
                pieces.append(sql[at : listed.start()])
                pieces.append("<> ALL(?)" if listed.group(1) else "= ANY(?)")
                sizes.append(listed.group(0).count("?"))
                at = listed.end()
            continue
        pieces.append(sql[at : match.end()])
        sizes.append(0)
        at = match.end()
    pieces.append(sql[at:])
    return Shape("".join(pieces), tuple(sizes))


def _list_start(sql: str, position: int) -> int:
    """Where the ``IN (`` (or ``NOT IN (``) before the ``?`` at ``position`` starts."""
    opening = sql.rfind("(", 0, position)
    found = re.search(r"\b(NOT\s+)?IN\s*$", sql[:opening], re.I)
    return found.start() if found else opening


@lru_cache(maxsize=4096)
def translate(sql: str, tables_with_id: frozenset[str] = frozenset()) -> Statement:
    """``sql`` (SQLite's dialect, ``?``/``?N``/``:name`` placeholders) for PostgreSQL."""
    sql = _JSON_IDS.sub(
        "IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS JSON)))", sql
    )
    ignore = bool(_OR_IGNORE.match(sql))
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql, count=1)
    tree = sqlglot.parse_one(_mark(sql), read="sqlite")
    tree = _fix_tree(tree)
    returns_id, with_id, table_name = False, None, None
    if isinstance(tree, exp.Insert):
        if ignore and tree.args.get("conflict") is None:
            tree.set("conflict", exp.OnConflict(action=exp.var("DO NOTHING")))
        table = tree.find(exp.Table)
        if table is not None and table.name in tables_with_id and not tree.args.get("returning"):
            with_id = _given_id(tree)
            table_name = table.name
            tree.set("returning", exp.Returning(expressions=[exp.column("id")]))
            returns_id = True
    text, names = _dollars(_render(tree))
    return Statement(text, names, returns_id, with_id, table_name)


def _render(tree: exp.Expression) -> str:
    text = tree.sql(dialect="postgres", identify=True)
    return text.replace('"pasi_json_extract"', "pasi_json_extract").replace(
        "PASI_JSON_EXTRACT", "pasi_json_extract"
    )


def _given_id(insert: exp.Insert) -> Statement | None:
    """A one-row ``INSERT INTO t (cols) VALUES (...)`` that does not name ``id``, with the id
    added as a parameter; None for any other form (a conflict clause may insert nothing)."""
    target, rows = insert.this, insert.expression
    if insert.args.get("conflict") is not None or not isinstance(target, exp.Schema):
        return None
    if not isinstance(rows, exp.Values) or len(rows.expressions) != 1:
        return None
    if any(c.name == "id" for c in target.expressions):
        return None
    copy = insert.copy()
    copy.this.append("expressions", exp.to_identifier("id"))
    copy.expression.expressions[0].append("expressions", exp.Placeholder(this=NEW_ID))
    text, names = _dollars(_render(copy))
    return Statement(text, names)
