"""A model writes the SQL for a question about the user's tables, and cannot invent a table.

The model is shown only the views the question is about (schema linking: a view whose name,
column names or text values share a word with the question; every money table when none
does), each column with its type, its role (amount, date, payee...) and, for a local model, a
few sample values.
Its SQL is checked before it runs: one SELECT, compiled by SQLite itself (``EXPLAIN``, on the
read-only connection with the ``query_data`` authorizer), so a table or column that does not
exist, or anything but reading those views, is an error. The error goes back to the model once,
with the schema; then the query runs read-only (pasi.vault.readonly). The figure in the answer
is the query's result, never a number the model wrote.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pasi.errors import InputError, PasiError
from pasi.ingest.ask_tables import parse, stem
from pasi.ingest.table_meta import TableMeta, tables
from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.tools.data import queryable_views, single_select, views_only
from pasi.vault.readonly import run_readonly_query

SAMPLES = 4  # distinct values shown per text column
MAX_TOKENS = 300
_FENCE = re.compile(r"```(?:sql|sqlite)?\s*(.*?)```", re.S | re.I)
_ROLE_NOTE = {
    "pasi_date": "the row's date, ISO text YYYY-MM-DD (compare as strings)",
    "pasi_amount": "signed amount: money in positive, money out (spending) negative",
    "pasi_currency": "currency code",
}
SYSTEM = """\
You write ONE SQLite SELECT statement that answers the user's question about their own \
tables. Use only the views and columns listed below; there are no other tables. Dates are \
ISO text: filter a month with pasi_date >= '2015-12-01' AND pasi_date < '2016-01-01'. \
Spending is money out: SUM(-pasi_amount) over rows WHERE pasi_amount < 0; money received is \
SUM(pasi_amount) WHERE pasi_amount > 0. Match words with LIKE '%word%' on text columns. The \
first column of the first row must be the answer (one number). Today is {today}. Reply with \
the SQL only, in a ```sql block.

{schema}
{hints}"""


@dataclass
class SqlAnswer:
    question: str
    sql: str | None
    value: float | None
    attempts: int
    errors: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[^\W_]{3,}", text.lower())}


def link_views(conn: sqlite3.Connection, question: str) -> list[TableMeta]:
    """The tables the question is about: any of its words in the table's name, columns or
    values; else every table with amounts (then every table)."""
    words = _words(question)
    found = []
    for table in tables(conn):
        names = _words(table.name + " " + " ".join(c.header for c in table.columns))
        if words & names or any(_mentions(conn, table, c.name, words) for c in table.columns
                                if c.type == "text"):  # fmt: skip
            found.append(table)
    return found or [t for t in tables(conn) if t.has_amounts()] or tables(conn)


def _mentions(conn: sqlite3.Connection, table: TableMeta, column: str, words: set[str]) -> bool:
    values = conn.execute(f'SELECT DISTINCT lower("{column}") FROM "{table.view}" LIMIT 2000')
    return any(words & _words(str(v[0])) for v in values if v[0] is not None)


def describe_tables(
    conn: sqlite3.Connection, linked: list[TableMeta], *, samples: bool = True
) -> str:
    """Each linked view: columns with SQL type, role and (``samples``) a few of its values."""
    blocks = []
    for table in linked:
        lines = [f"{table.view} ({table.rows} rows, from {table.uri.rsplit('/', 1)[-1]}"
                 f"{', currency ' + table.currency if table.currency else ''}):"]  # fmt: skip
        for column in table.columns:
            kind = {"integer": "INTEGER", "number": "REAL", "money": "REAL", "date": "TEXT date"}
            shown = (
                _samples(conn, table.view, column.name) if samples and column.type == "text" else ""
            )
            role = f" -- {column.role}" if column.role != "other" else ""
            lines.append(f"  {column.name} {kind.get(column.type, 'TEXT')}{role}{shown}")
        for name, meaning in _ROLE_NOTE.items():
            lines.append(f"  {name} -- {meaning}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _samples(conn: sqlite3.Connection, view: str, column: str) -> str:
    rows = conn.execute(
        f'SELECT "{column}", COUNT(*) AS n FROM "{view}" WHERE "{column}" IS NOT NULL'
        f" GROUP BY 1 ORDER BY n DESC LIMIT {SAMPLES}"
    ).fetchall()
    shown = [str(r[0])[:40] for r in rows]
    return f" (e.g. {', '.join(repr(s) for s in shown)})" if shown else ""


def hints(conn: sqlite3.Connection, linked: list[TableMeta], question: str, now: datetime,
          *, values: bool = True) -> str:  # fmt: skip
    """What the question's words mean in this schema (value linking): the period as a date
    filter, spending or income as a sign, and the columns a named payee or category is in."""
    read = parse(question, now)
    lines, conditions = [], []
    if read.period:
        start, end = read.period.start.date(), read.period.end.date()
        conditions.append(f"pasi_date >= '{start}' AND pasi_date < '{end}'")
        lines.append(f"'{read.period.phrase}' means {conditions[-1]}")
    if read.sign:
        conditions.append("pasi_amount < 0" if read.sign < 0 else "pasi_amount > 0")
        lines.append("money " + ("out (spent): sum -pasi_amount" if read.sign < 0 else
                                 "in (received): sum pasi_amount")
                     + f" with {conditions[-1]}")  # fmt: skip
    for word in read.words if values else []:
        for table in linked:
            columns = [c.name for c in table.columns if c.type == "text"
                       and _mentions(conn, table, c.name, {stem(word)})]  # fmt: skip
            if columns:
                conditions.append(f"{columns[0]} LIKE '%{stem(word)}%'")
                lines.append(f"'{word}' is found in {table.view}.{columns[0]}")
                break
    if conditions:
        lines.append("so the WHERE clause is: " + " AND ".join(conditions))
    return "Hints:\n" + "\n".join(f"- {line}" for line in lines) if lines else ""


def extract_sql(reply: str) -> str:
    """The statement in a reply: a fenced block, else the text from its first SELECT/WITH."""
    fenced = _FENCE.search(reply)
    if fenced:
        return fenced.group(1).strip()
    start = re.search(r"\b(SELECT|WITH)\b", reply, re.I)
    return reply[start.start() :].strip() if start else reply.strip()


def check_sql(vault: Any, sql: str) -> str:
    """The statement if SQLite compiles it against the real views, reading nothing else;
    an :class:`InputError` naming what is wrong otherwise."""
    statement = single_select(sql)
    conn = vault.read()
    views = set(queryable_views(conn))
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE name != ''").fetchall())
    hidden = {n for n in kinds if n not in views} - {"sqlite_master"}
    run_readonly_query(vault, f"EXPLAIN {statement}", max_rows=1,
                       authorizer=views_only(views, hidden))  # fmt: skip
    return statement


def _first_number(rows: list[tuple[Any, ...]]) -> float | None:
    for value in rows[0] if rows else ():
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def answer_with_model(
    model: ChatModel, vault: Any, question: str, now: datetime, *, retries: int = 1
) -> SqlAnswer:
    """Ask ``model`` for the SQL, check it, give an error back once, run it read-only."""
    conn = vault.read()
    linked = link_views(conn, question)
    # Values of the user's rows leave the machine only through the privacy gateway, which
    # this layer does not reach: a remote model gets names and types, not samples.
    schema = describe_tables(conn, linked, samples=model.local)
    linked_hints = hints(conn, linked, question, now, values=model.local)
    system = SYSTEM.format(today=now.date().isoformat(), schema=schema, hints=linked_hints)
    messages = [Message("system", system), Message("user", question)]
    result = SqlAnswer(question, None, None, 0, views=[t.view for t in linked])
    for _ in range(retries + 1):
        result.attempts += 1
        try:
            reply = model.complete(ChatRequest(messages, max_tokens=MAX_TOKENS, temperature=0.0))
        except PasiError as error:
            result.errors.append(f"model: {error}")
            return result
        sql = extract_sql(reply.text)
        try:
            result.sql = check_sql(vault, sql)
            rows = run_readonly_query(vault, result.sql, max_rows=50).rows
        except InputError as error:
            result.errors.append(str(error))
            messages += [Message("assistant", reply.text), Message("user", _retry(error, schema))]
            continue
        result.value = _first_number(rows)
        return result
    return result


def _retry(error: InputError, schema: str) -> str:
    return (f"That SQL failed: {error}. Only these views and columns exist:\n{schema}\n"
            "Write the corrected SELECT, in a ```sql block.")  # fmt: skip
