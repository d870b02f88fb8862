"""``query_data``: the model answers counting and listing questions with one read-only SELECT.

"How many times did I meet Anna last quarter?" is a COUNT over ``events``, not a similarity
search. The tool's description lists the typed views (``emails``, ``events``, ``contacts`` and a
``csv_<table>`` per CSV file) with their columns and types, read from the live vault each turn,
so a CSV ingested a minute ago is queryable now. The SQL runs through
:func:`pasi.vault.readonly.run_readonly_query` (read-only connection, time and row limits) with
an authorizer that lets it read those views and nothing else; anything but a single
SELECT/WITH statement is refused before it runs. Rows come back as a compact table, each tagged
[i<id>] when the query selects ``id``, so the answer can cite the rows it rests on.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from pasi.errors import InputError
from pasi.privacy.policy import Withholding, model_note, views_without_withheld
from pasi.tools.quote import quoted, tag
from pasi.tools.registry import Tool, ToolContext, ToolOutput
from pasi.vault import items as it
from pasi.vault.readonly import Authorizer, QueryResult, run_readonly_query

TIME_LIMIT_SECONDS = 2.0
DEFAULT_ROWS = 50
MAX_ROWS = 200
MAX_CELL = 200  # characters of one value shown to the model

_ITEM_ID = ("INTEGER", "item id: select it so each row can be cited as [i<id>]")
_SOURCE_ID = ("INTEGER", "the file it came from")
# Type and meaning of each column of the fixed views (migration 6 in pasi.vault.migrations).
FIXED_VIEWS: dict[str, dict[str, tuple[str, str]]] = {
    "events": {
        "id": _ITEM_ID,
        "source_id": _SOURCE_ID,
        "start_utc": ("TEXT", "start, ISO-8601 UTC, e.g. 2024-03-01T09:00:00+00:00"),
        "end_utc": ("TEXT", "end, ISO-8601 UTC"),
        "summary": ("TEXT", "the event's title"),
        "start_local": ("TEXT", "start in the event's own time zone, ISO-8601"),
        "timezone": ("TEXT", "IANA time zone, e.g. Europe/Berlin; NULL for all-day events"),
        "location": ("TEXT", "where"),
        "attendees": ("JSON", "array of attendee emails (lower-case) or names"),
        "organizer": ("TEXT", "organizer's email or name"),
        "recurring": ("INTEGER", "1 if an occurrence of a repeating event"),
        "uid": ("TEXT", "calendar UID, shared by the occurrences of one repeating event"),
    },
    "emails": {
        "id": _ITEM_ID,
        "source_id": _SOURCE_ID,
        "date": ("TEXT", "sent, ISO-8601 UTC"),
        "subject": ("TEXT", "subject line"),
        "sender": ("TEXT", "sender's email address, lower-case"),
        "sender_name": ("TEXT", "sender's display name"),
        "recipients": ("JSON", "array of To: addresses"),
        "cc": ("JSON", "array of Cc: addresses"),
        "thread": ("TEXT", "thread id, shared by a message and its replies"),
        "message_id": ("TEXT", "Message-ID header"),
        "attachments": ("JSON", "array of attachment file names"),
        "snippet": ("TEXT", "the first words of the body"),
    },
    "contacts": {
        "id": _ITEM_ID,
        "source_id": _SOURCE_ID,
        "name": ("TEXT", "full name"),
        "emails": ("JSON", "array of email addresses"),
        "phones": ("JSON", "array of phone numbers"),
        "organisation": ("TEXT", "company or organisation"),
        "birthday": ("TEXT", "as written in the card, usually YYYY-MM-DD"),
    },
    "photos": {
        "id": _ITEM_ID,
        "source_id": _SOURCE_ID,
        "taken_utc": ("TEXT", "when it was taken, ISO-8601 UTC; NULL when the photo does not say"),
        "taken_local": ("TEXT", "the camera's wall-clock time, YYYY-MM-DD HH:MM:SS"),
        "timezone": ("TEXT", "offset like +02:00, 'UTC (from GPS)' or 'assumed local'"),
        "lat": ("REAL", "latitude in degrees, south negative; NULL without GPS"),
        "lon": ("REAL", "longitude in degrees, west negative"),
        "camera": ("TEXT", "camera or phone model"),
        "caption": ("TEXT", "what a vision model saw; NULL without one"),
        "text": ("TEXT", "text in the image, by OCR"),
        "name": ("TEXT", "the file's name"),
    },
}
# How the CSV connector's inferred types (pasi.ingest.tables) are stored and read in SQL.
CSV_TYPES = {
    "integer": "INTEGER",
    "number": "REAL",
    "money": "REAL (amount)",
    "date": "TEXT (ISO date)",
    "text": "TEXT",
}
_SQLITE_TYPES = {int: "INTEGER", float: "REAL", str: "TEXT"}
# Columns every table has whatever its layout (pasi.ingest.tables).
DERIVED = {
    "pasi_date": ("TEXT", "the row's date, YYYY-MM-DD"),
    "pasi_amount": ("REAL", "signed amount: money in positive, money out (spending) negative"),
    "pasi_currency": ("TEXT", "currency code"),
}

INTRO = """\
Answer questions about the user's calendar, emails, contacts, photos and spreadsheets (CSV files) \
with ONE read-only SQL SELECT (SQLite dialect) over the views below; counts, sums, date ranges and \
lists are exact here, where recall only finds similar texts. Select the `id` column so each row \
can be cited as [i<id>]; with an aggregate, add `group_concat(id) AS ids` to cite the rows \
counted. Times are ISO-8601 text in UTC: compare them as strings \
(start_utc >= '2024-01-01' AND start_utc < '2024-04-01'). JSON columns hold arrays: test them \
with EXISTS (SELECT 1 FROM json_each(attendees) WHERE value LIKE '%anna%') or a LIKE on the \
column. Only SELECT or WITH; at most {rows} rows come back (ask for up to {max_rows}); a query \
running over {seconds:g} s is stopped."""


class QueryDataArgs(BaseModel):
    sql: str = Field(min_length=1, description="One SQLite SELECT (or WITH … SELECT) statement.")
    max_rows: int = Field(default=DEFAULT_ROWS, ge=1, le=MAX_ROWS, description="Rows to return.")


# -- what the model is told ---------------------------------------------------------------------


def queryable_views(conn: sqlite3.Connection) -> list[str]:
    """The fixed views that exist, then one ``csv_<table>`` per CSV table, by name."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
    fixed = [name for name in FIXED_VIEWS if name in names]
    return fixed + sorted(n for n in names if n.startswith(it.table_view_name("")))


def _columns(conn: sqlite3.Connection, view: str) -> list[tuple[str, str]]:
    return [(row[1], row[2] or "") for row in conn.execute(f'PRAGMA table_info("{view}")')]


def _sampled_types(conn: sqlite3.Connection, view: str) -> dict[str, str]:
    """Types seen in a few rows: for a CSV synced before its inferred types were kept."""
    cursor = conn.execute(f'SELECT * FROM "{view}" LIMIT 20')
    names = [d[0] for d in cursor.description]
    found: dict[str, str] = {}
    for row in cursor:
        for name, value in zip(names, row, strict=True):
            if value is not None and name not in found:
                found[name] = _SQLITE_TYPES.get(type(value), "")
    return found


def _view_line(conn: sqlite3.Connection, view: str, csv_types: dict[str, dict[str, str]]) -> str:
    count = conn.execute(f'SELECT COUNT(*) FROM "{view}"').fetchone()[0]
    columns = _columns(conn, view)
    known = FIXED_VIEWS.get(view)
    parts = []
    if known is not None:
        for name, declared in columns:
            kind, meaning = known.get(name, (declared, ""))
            parts.append(f"{name} {kind}" + (f" -- {meaning}" if meaning else ""))
    else:
        table = view.removeprefix(it.table_view_name(""))
        inferred = csv_types.get(table)
        sampled = {} if inferred is not None else _sampled_types(conn, view)
        fixed = {"id": _ITEM_ID, "source_id": _SOURCE_ID, "at": ("TEXT", "the row's first date"),
                 **DERIVED}  # fmt: skip
        for name, declared in columns:
            if name in fixed:
                kind, meaning = fixed[name]
                parts.append(f"{name} {kind} -- {meaning}")
                continue
            kind = CSV_TYPES.get((inferred or {}).get(name, ""), "") or sampled.get(name, declared)
            parts.append(f"{name} {kind}".strip())
    what = f"CSV file '{view.removeprefix(it.table_view_name(''))}'" if known is None else ""
    head = f"{view} ({count} rows{', ' + what if what else ''}):"
    return head + "\n" + "\n".join(f"  {part}" for part in parts)


def describe_views(conn: sqlite3.Connection) -> str:
    """The views with their columns, types and meanings, as the model reads them."""
    csv_types = it.table_column_types(conn)
    lines = [_view_line(conn, view, csv_types) for view in queryable_views(conn)]
    return "Views:\n" + "\n".join(lines) if lines else "Views: none yet (nothing ingested)."


def describe(context: ToolContext) -> str:
    intro = INTRO.format(rows=DEFAULT_ROWS, max_rows=MAX_ROWS, seconds=TIME_LIMIT_SECONDS)
    return intro + "\n" + describe_views(context.memory.vault.read())


# -- what the model may run ---------------------------------------------------------------------

# Strings, quoted names and comments: a ';' or keyword inside them is not SQL.
_NOT_CODE = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?(?:\*/|\Z)", re.S
)


def single_select(sql: str) -> str:
    """The statement without trailing semicolons; refuse more than one, or one that is no query.

    The authorizer below is what guarantees nothing but reading happens; this check is for a
    clear message to the model before anything runs.
    """
    code = _NOT_CODE.sub(" ", sql).strip().rstrip(";").strip()
    if ";" in code:
        raise InputError("query_data runs one statement; remove everything after the first ';'")
    first = code.split(None, 1)[0].upper() if code else ""
    if first not in ("SELECT", "WITH"):
        raise InputError(
            f"query_data only reads: write one SELECT (or WITH … SELECT), not {first or 'nothing'}"
        )
    return sql.strip().rstrip(";").rstrip()


# A common table expression's name, quoted or not: "name AS (" or "name(a, b) AS (".
_CTE_NAME = re.compile(
    r"[\"`\[]?(\w+)[\"`\]]?\s*(?:\([^()]*\))?\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(", re.I
)
_COMMENTS_AND_STRINGS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?(?:\*/|\Z)", re.S)


def refuse_shadowing(sql: str, names: set[str]) -> None:
    """A WITH clause may not reuse a view's or table's name: the authorizer trusts reads made
    "inside" a view by its name, and a CTE called ``events`` must not borrow that trust."""
    code = _COMMENTS_AND_STRINGS.sub(" ", sql)
    taken = {name.lower() for name in names}
    for match in _CTE_NAME.finditer(code):
        if match.group(1).lower() in taken:
            raise InputError(
                f"query_data: name the WITH query something other than '{match.group(1)}', "
                "which is already a view or table"
            )


def views_only(views: set[str], tables: set[str]) -> Authorizer:
    """An SQLite authorizer: read the given views (and JSON table functions), change nothing.

    Reads of a table are allowed only when SQLite reports them as made by one of the views
    (``items`` read through ``events``); anything else that is not a table, a common table
    expression or ``json_each``, passes. The eponymous ``json_each`` table registers itself
    on first use, which SQLite checks as an update of ``sqlite_master``: that is the one
    update allowed, and the connection is read-only at the file level anyway.
    """

    views = {name.lower() for name in views}  # SQL names ignore case: EVENTS is events
    tables = {name.lower() for name in tables}

    def authorize(action: int, arg1: str | None, _: str | None, __: str | None,
                  inner: str | None) -> int:  # fmt: skip
        table, via = (arg1 or "").lower(), (inner or "").lower()
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and (table not in tables or via in views):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and table == "sqlite_master" and inner is None:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return quoted(text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…")


def _item_ids(columns: list[str], row: tuple[Any, ...]) -> list[int]:
    """The items a row rests on: its ``id``, or the ids listed in an ``ids`` column."""
    values = dict(zip((c.lower() for c in columns), row, strict=False))
    if isinstance(values.get("id"), int):
        return [values["id"]]
    listed = values.get("ids")
    if isinstance(listed, int):
        return [listed]
    if isinstance(listed, str):
        return [int(x) for x in re.findall(r"\d+", listed)]
    return []


MAX_TAGS = 20  # citation tags shown for one row of an aggregate


def _tags(ids: list[int]) -> str:
    shown = " ".join(f"[{tag('item', i)}]" for i in ids[:MAX_TAGS])
    return shown + (f" (+{len(ids) - MAX_TAGS} more)" if len(ids) > MAX_TAGS else "")


def render(result: QueryResult, existing: set[int]) -> tuple[str, list[int]]:
    """A compact table: a header, one line per row led by its citation tags, a truncation note.

    An ``ids`` column is shown as its tags. Only ids of items that exist become tags, so a
    column the model merely named ``id`` cannot produce citations to nothing.
    """
    lines = [" | ".join(result.columns)]
    cited: list[int] = []
    listed = any(c.lower() == "ids" for c in result.columns)
    for row in result.rows:
        mine = [i for i in _item_ids(result.columns, row) if i in existing]
        cited += mine[:MAX_TAGS]
        cells = [
            _tags(mine) if name.lower() == "ids" else _cell(value)
            for name, value in zip(result.columns, row, strict=True)
        ]
        lead = _tags(mine) + " " if mine and not listed else ""
        lines.append(lead + " | ".join(cells))
    count = len(result.rows)
    note = f"{count} row{'' if count == 1 else 's'}"
    if result.truncated:
        note += (
            f" shown; MORE ROWS MATCHED and were cut at the row limit ({count}): aggregate, "
            "add a WHERE or ask for more rows"
        )
    return "\n".join([*lines, f"({note})"]), list(dict.fromkeys(cited))


def query_data(args: QueryDataArgs, context: ToolContext) -> ToolOutput:
    sql = single_select(args.sql)
    conn = context.memory.vault.read()
    views = set(queryable_views(conn))
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE name != ''").fetchall())
    everything = set(kinds)
    tables = {name for name, kind in kinds.items() if kind == "table"}
    tables |= everything - views - {"sqlite_master"}  # other views, indexes: never read
    refuse_shadowing(sql, everything)
    withholding = Withholding(conn) if context.remote else None
    held = withholding.source_ids if withholding else set()
    try:
        result = run_readonly_query(
            context.memory.vault, views_without_withheld(sql, views, held),
            max_rows=args.max_rows, timeout_seconds=TIME_LIMIT_SECONDS,
            authorizer=views_only(views, tables),
        )  # fmt: skip
        withheld = _withheld_rows(context, sql, args.max_rows, withholding, result, views, tables)
    except InputError as error:
        if "not authorized" in str(error) or "prohibited" in str(error):
            raise InputError(
                "query_data only reads the views " + ", ".join(sorted(views)) + "; this query "
                "would read something else or change something, and was refused"
            ) from None
        if "no such table" in str(error) or "no such column" in str(error):
            raise InputError(f"{error}. Only these exist; rewrite the query with them.\n"
                             + describe_views(conn)) from None  # fmt: skip
        raise
    candidates = [i for row in result.rows for i in _item_ids(result.columns, row)]
    existing = set(it.get_items(conn, candidates))
    text, ids = render(result, existing)
    data = {"rows": len(result.rows), "truncated": result.truncated, "items": ids}
    if withheld:
        data["withheld"] = withheld
        text += "\n" + model_note(withheld)
    return ToolOutput(text, data=data)


def _withheld_rows(
    context: ToolContext,
    sql: str,
    max_rows: int,
    withholding: Withholding | None,
    shown: QueryResult,
    views: set[str],
    tables: set[str],
) -> int:
    """How many items the query matched that a remote model may not see: the query runs again,
    locally and unfiltered, only when some source is withheld; its rows never leave."""
    if withholding is None or not withholding.source_ids:
        return 0
    full = run_readonly_query(
        context.memory.vault, sql, max_rows=max_rows, timeout_seconds=TIME_LIMIT_SECONDS,
        authorizer=views_only(views, tables),
    )  # fmt: skip
    ids = [i for row in full.rows for i in _item_ids(full.columns, row)]
    if ids:
        return len(withholding.withheld_items(ids))
    return int(full.rows != shown.rows)


def register_tools(register: Callable[[Tool], None]) -> None:
    register(
        Tool(
            "query_data",
            INTRO.format(rows=DEFAULT_ROWS, max_rows=MAX_ROWS, seconds=TIME_LIMIT_SECONDS),
            QueryDataArgs,
            query_data,
            "read",
            describe=describe,
        )
    )
