"""Questions about money answered from the user's tables, with no model: the figure, the query
that computed it and the rows behind it.

"How much did I spend on groceries in December 2015?" becomes an aggregate (sum, count,
average, min, max, latest), a filter (a time range, words found in the table's payee,
description, category or account columns, a sign: spent or received) and maybe a grouping (by
month, category, payee), over the derived columns every table has (``pasi_date``,
``pasi_amount``: money in positive, out negative; pasi.ingest.tables). The SQL is built here,
shown to the user and run read-only (pasi.vault.readonly). When the question leaves a choice
open (which table, spending or all movements) the answer says which reading it took and gives
the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pasi.ingest.table_meta import TableMeta, tables
from pasi.memory.timeref import TimeRange, find_time_range
from pasi.vault.readonly import run_readonly_query

_AGGREGATES = [
    ("avg", re.compile(r"\b(average|avg|mean|typical(ly)?|on average)\b")),
    ("count", re.compile(r"\b(how many|how often|number of|count)\b")),
    ("max", re.compile(r"\b(biggest|largest|highest|most expensive|maximum|max|top|priciest)\b")),
    ("min", re.compile(r"\b(smallest|lowest|cheapest|minimum|min|least expensive)\b")),
    ("latest", re.compile(r"\b(latest|last|most recent|current|recent|newest)\b|\bbalance\b")),
    ("sum", re.compile(r"\b(how much|total|sum|altogether|in all)\b")),
]
_OUT = re.compile(
    r"\b(spen[dt]|spending|pa(y|id)|paying|payments?|cost|costs|expenses?|expenditures?|bought|buy|"
    r"purchases?|withdr[ae]w\w*|debits?|debited|outgoings?|charged|outflows?|lost|fees?|"
    r"went (on|to)|goes (on|to)|go (on|to))\b"
)
_IN = re.compile(
    r"\b(receiv\w*|earn\w*|income|got|gained|deposits?|deposited|dividends?|salary|salaries|"
    r"credits?|credited|incoming|refunds?|refunded|inflows?|interest|paid me|wages?)\b"
)
_GROUPS = [
    ("month", re.compile(r"\b(by|per|each|every) month\b|\bmonthly\b|\bmonth by month\b")),
    ("category", re.compile(r"\b(by|per|each) (category|categories)\b")),
    ("payee", re.compile(r"\b(by|per|each) (payee|merchant|shop|store|recipient)s?\b")),
]
_MONEY_CUE = re.compile(r"\b(how much|money|spen[dt]\w*|paid|pay|payments?|purchases?|cost|"
                        r"earn\w*|receiv\w*|income|dividends?|balance|total|sum|average|"
                        r"expenses?|salary|refunds?|outgoings?|went on|charges?|fees?)\b|"
                        r"[$€£¥]|\b(eur|usd|gbp|chf|euros?|dollars?|pounds?)\b")  # fmt: skip
_STOP = set(
    """a an the i me my mine we our us you your he she it they them their is are was were be been
    am do does did done have has had will would should could can may might shall of on in at to
    for from with by about into over under between during since until per each every this that
    these those what which who whom whose when where why how much many often number count total
    sum average avg mean typical typically biggest largest highest most expensive maximum max top
    smallest lowest cheapest minimum min least latest last recent current newest and or not no
    all altogether so far spend spent spending pay paid paying payment payments cost costs
    expense expenses bought buy purchase purchases receive received receiving earn earned
    earnings income got get gained deposit deposits money euro euros eur dollar dollars usd pound
    pounds gbp chf amount amounts transaction transactions movements movement entries entry row
    rows record records bank account accounts statement statements charged charge charges
    debit debits credit credits out outgoing incoming inflow outflow there than then much tell
    show give list please year years month months week weeks day days time times whole
    altogether overall ever been much one s t value balance new old just only also via
    moved move went go goes outgoing outgoings come came make made get getting cash""".split()
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass
class TableQuestion:
    text: str
    aggregate: str = "sum"
    sign: int | None = None  # -1 money out, +1 money in, None both
    period: TimeRange | None = None
    words: list[str] = field(default_factory=list)
    group: str | None = None
    balance: bool = False


@dataclass
class TableAnswer:
    summary: str
    value: float | None
    unit: str | None
    sql: str
    table: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    groups: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0


def stem(word: str) -> str:
    """Enough stemming to meet a value: plural s, -ies, -es after s/x/ch/sh."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3]
    if len(word) > 4 and re.search(r"(s|x|ch|sh)es$", word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def parse(text: str, now: datetime) -> TableQuestion:
    period = find_time_range(text, now)
    lowered = text.lower()
    rest = lowered.replace(period.phrase.lower(), " ") if period else lowered
    question = TableQuestion(text, period=period, balance=bool(re.search(r"\bbalance\b", rest)))
    question.aggregate = next((name for name, p in _AGGREGATES if p.search(rest)), "sum")
    out, into = bool(_OUT.search(rest)), bool(_IN.search(rest))
    if re.search(r"\bpaid me\b|\bpay me\b", rest):
        out = False
    question.sign = -1 if out and not into else 1 if into and not out else None
    question.group = next((name for name, p in _GROUPS if p.search(rest)), None)
    words = [w.strip("'’") for w in _WORD.findall(rest)]
    question.words = [w for w in words if w not in _STOP and not w.isdigit() and len(w) > 1]
    return question


def is_money_question(text: str) -> bool:
    return bool(_MONEY_CUE.search(text.lower()))


# -- choosing the table and the filter -----------------------------------------------------------


@dataclass
class _Plan:
    table: TableMeta
    filters: dict[str, list[str]]  # stem -> columns it is found in
    unmatched: list[str]
    named: list[str]  # words that name the table itself
    score: int = 0


def _text_columns(table: TableMeta) -> list[str]:
    return [c.name for c in table.columns if c.type == "text" and c.role not in ("direction",
                                                                                 "currency")]  # fmt: skip


def _plan(conn: Any, table: TableMeta, words: list[str]) -> _Plan:
    columns = _text_columns(table)
    values: dict[str, list[str]] = {}
    for column in columns:
        rows = conn.execute(f'SELECT DISTINCT lower("{column}") FROM "{table.view}" LIMIT 5000')
        values[column] = [str(r[0]) for r in rows if r[0] is not None]
    name_words = set(re.split(r"[_\W]+", table.name.lower()))
    filters: dict[str, list[str]] = {}
    unmatched, named = [], []
    for word in dict.fromkeys(words):
        if word in name_words or stem(word) in name_words:
            named.append(word)
            continue
        pattern = re.compile(rf"\b{re.escape(stem(word))}")
        hits = [c for c in columns if any(pattern.search(v) for v in values[c])]
        if hits:
            filters[stem(word)] = hits
        else:
            unmatched.append(word)
    score = 2 * len(filters) + 3 * len(named) - len(unmatched)
    return _Plan(table, filters, unmatched, named, score)


def _choose(conn: Any, question: TableQuestion) -> tuple[_Plan, list[_Plan]] | None:
    candidates = [t for t in tables(conn) if t.rows and (t.has_amounts()
                  or question.aggregate == "count")]  # fmt: skip
    if not candidates:
        return None
    plans = [_plan(conn, t, question.words) for t in candidates]
    plans.sort(key=lambda p: (-p.score, -p.table.rows))
    return plans[0], plans[1:]


# -- SQL ------------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _where(question: TableQuestion, plan: _Plan, signed: bool) -> list[str]:
    where = []
    if question.period:
        where.append(f"pasi_date >= {_quote(question.period.start.date().isoformat())}")
        where.append(f"pasi_date < {_quote(question.period.end.date().isoformat())}")
    for word, columns in plan.filters.items():
        like = " OR ".join(f'"{c}" LIKE {_quote("%" + word + "%")}' for c in columns)
        where.append(f"({like})" if len(columns) > 1 else like)
    if plan.table.has_amounts():
        where.append("pasi_amount IS NOT NULL")
        if signed and question.sign is not None:
            where.append("pasi_amount < 0" if question.sign < 0 else "pasi_amount > 0")
    return where


def _signs(conn: Any, table: TableMeta) -> tuple[bool, bool]:
    row = conn.execute(
        f'SELECT MIN(pasi_amount) < 0, MAX(pasi_amount) > 0 FROM "{table.view}"'
    ).fetchone()
    return bool(row[0]), bool(row[1])


def _newest_first(conn: Any, table: TableMeta) -> bool:
    row = conn.execute(
        f"SELECT (SELECT pasi_date FROM {table.view} WHERE pasi_date IS NOT NULL ORDER BY id"
        f" LIMIT 1) > (SELECT pasi_date FROM {table.view} WHERE pasi_date IS NOT NULL"
        " ORDER BY id DESC LIMIT 1)"
    ).fetchone()
    return bool(row and row[0])


def build_sql(question: TableQuestion, plan: _Plan, mixed: bool, newest_first: bool = False) -> str:
    """The read-only statement for the question over the plan's table; ``newest_first``: the
    file lists the newest rows first, so among rows of one day the first is the latest."""
    signed = mixed
    where = " AND ".join(_where(question, plan, signed)) or "1 = 1"
    flip = signed and question.sign is not None and question.sign < 0
    x = "-pasi_amount" if flip else ("ABS(pasi_amount)" if not signed and question.sign else
                                      "pasi_amount")  # fmt: skip
    view = plan.table.view
    if question.group:
        key = _group_key(question.group, plan.table)
        return (f"SELECT {key} AS grp, ROUND(SUM({x}), 2) AS value, COUNT(*) AS n,"
                f" group_concat(id) AS ids FROM {view} WHERE {where} GROUP BY grp ORDER BY grp")  # fmt: skip
    agg = question.aggregate
    if agg in ("sum", "avg", "count"):
        expr = {"sum": f"ROUND(SUM({x}), 2)", "avg": f"ROUND(AVG({x}), 2)", "count": "COUNT(*)"}
        return (f"SELECT {expr[agg]} AS value, COUNT(*) AS n, group_concat(id) AS ids"
                f" FROM {view} WHERE {where}")  # fmt: skip
    balance = plan.table.role("balance")
    if agg == "latest" or (question.balance and balance):
        value = f'"{balance.name}"' if question.balance and balance else x
        tie = "ASC" if newest_first else "DESC"
        return (f"SELECT {value} AS value, id, pasi_date FROM {view} WHERE {where}"
                f" ORDER BY pasi_date DESC, id {tie} LIMIT 1")  # fmt: skip
    size = x if signed and question.sign is not None else "ABS(pasi_amount)"
    order = "DESC" if agg == "max" else "ASC"
    return (f"SELECT {size} AS value, id, pasi_date FROM {view} WHERE {where}"
            f" ORDER BY {size} {order}, pasi_date DESC LIMIT 1")  # fmt: skip


def _group_key(group: str, table: TableMeta) -> str:
    if group == "month":
        return "substr(pasi_date, 1, 7)"
    column = table.role("category" if group == "category" else "payee") or table.role("description")
    return f'"{column.name}"' if column else "'all'"


# -- the answer -----------------------------------------------------------------------------------

MAX_ROWS = 50


def answer(vault: Any, text: str, now: datetime, *, limit: int = 20) -> TableAnswer | None:
    """The figure a money (or counting) question asks for, or None when no table fits."""
    conn = vault.read()
    question = parse(text, now)
    chosen = _choose(conn, question)
    if chosen is None:
        return None
    plan, others = chosen
    if not is_money_question(text) and not (question.aggregate == "count" and plan.filters):
        return None
    has_out, has_in = _signs(conn, plan.table) if plan.table.has_amounts() else (False, False)
    mixed = has_out and has_in
    sql = build_sql(question, plan, mixed, _newest_first(conn, plan.table))
    result = run_readonly_query(vault, sql, max_rows=500)
    found = _result(question, result.columns, result.rows)
    currency = _currency(conn, plan.table, found["ids"])
    unit = "transactions" if question.aggregate == "count" and not question.group else currency
    rows = _cited(conn, plan.table, found["ids"][:limit])
    notes = _notes(vault, question, plan, others, mixed, has_out, currency)
    return TableAnswer(_summary(question, plan, found, unit), found["value"], unit, sql,
                       plan.table.view, rows, found["groups"], notes, found["n"])  # fmt: skip


def _result(question: TableQuestion, columns: list[str], rows: list[tuple]) -> dict[str, Any]:
    records = [dict(zip(columns, r, strict=True)) for r in rows]
    if question.group:
        ids = [int(i) for r in records for i in str(r["ids"] or "").split(",") if i]
        groups = [(str(r["grp"]), float(r["value"] or 0)) for r in records]
        top = max(groups, key=lambda g: g[1]) if groups else None
        return {"value": top[1] if top else None, "ids": ids, "groups": groups,
                "n": sum(r["n"] for r in records), "at": None}  # fmt: skip
    record = records[0] if records else {}
    if "ids" in record:
        ids = [int(i) for i in str(record["ids"] or "").split(",") if i]
        value = record["value"]
        if question.aggregate in ("sum", "count") and value is None:
            value = 0
        return {"value": value, "ids": ids, "groups": [], "n": record["n"], "at": None}
    ids = [record["id"]] if record else []
    return {"value": record.get("value"), "ids": ids, "groups": [], "n": len(ids),
            "at": record.get("pasi_date")}  # fmt: skip


def _currency(conn: Any, table: TableMeta, ids: list[int]) -> str | None:
    if table.currency:
        return table.currency
    rows = conn.execute(
        f"SELECT DISTINCT pasi_currency FROM {table.view} WHERE pasi_currency IS NOT NULL"
        " AND id IN (SELECT value FROM json_each(?)) LIMIT 2", (str(ids),)
    ).fetchall()  # fmt: skip
    return rows[0][0] if len(rows) == 1 else None


def _cited(conn: Any, table: TableMeta, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = conn.execute(
        f"SELECT v.id, v.pasi_date, v.pasi_amount, i.title, s.uri FROM {table.view} v"
        " JOIN items i ON i.id = v.id JOIN sources s ON s.id = v.source_id"
        " WHERE v.id IN (SELECT value FROM json_each(?)) ORDER BY v.pasi_date, v.id",
        (str(ids),),
    )
    return [{"id": r[0], "kind": f"row:{table.name}", "at": r[1], "title": r[3],
             "detail": r[2], "source": r[4]} for r in rows]  # fmt: skip


def figure(value: float | None, unit: str | None) -> str:
    if value is None:
        return "no value"
    if unit == "transactions":
        return f"{int(value)} transaction{'' if value == 1 else 's'}"
    shown = f"{value:,.2f}"
    return f"{shown} {unit}" if unit else shown


def _scope(question: TableQuestion, plan: _Plan) -> str:
    parts = []
    if plan.filters:
        parts.append("matching " + " and ".join(f"'{w}'" for w in plan.filters))
    if question.period:
        end = question.period.end.date().toordinal() - 1
        last = datetime.fromordinal(end).date().isoformat()
        parts.append(f"in {question.period.phrase} ({question.period.start.date()} to {last})")
    return " ".join(parts)


def _summary(question: TableQuestion, plan: _Plan, found: dict[str, Any], unit: str | None) -> str:
    scope = _scope(question, plan)
    scope = f" {scope}" if scope else ""
    source = f" [{plan.table.view}, {found['n']} row{'' if found['n'] == 1 else 's'}]"
    value = figure(found["value"], unit)
    if question.group:
        listed = "; ".join(f"{g}: {figure(v, unit)}" for g, v in found["groups"][:24])
        what = {-1: "Money out", 1: "Money in"}.get(question.sign or 0, "Net amount")
        return f"{what} by {question.group}{scope}: {listed or 'nothing'}{source}"
    if found["n"] == 0 and question.aggregate not in ("sum", "count"):
        return f"No rows{scope}{source}"
    verb = {-1: "You spent", 1: "You received"}.get(question.sign or 0, "The amounts add up to")
    agg = question.aggregate
    if agg == "sum":
        return f"{verb} {value}{scope}{source}"
    if agg == "count":
        return f"{value}{scope}{source}"
    if agg == "avg":
        return f"On average {value} per transaction{scope}{source}"
    when = f" on {found['at']}" if found.get("at") else ""
    label = {"max": "The largest", "min": "The smallest", "latest": "The latest"}[agg]
    if question.balance and plan.table.role("balance"):
        label = "The balance was"
        return f"{label} {value}{when}{scope}{source}"
    return f"{label}: {value}{when}{scope}{source}"


def _notes(
    vault: Any, question: TableQuestion, plan: _Plan, others: list[_Plan], mixed: bool,
    has_out: bool, currency: str | None,
) -> list[str]:  # fmt: skip
    notes = [f"Read from {plan.table.view} ({plan.table.uri})."]
    if others:
        also = ", ".join(o.table.view for o in others[:3])
        notes.append(f"Chose {plan.table.view} as the best match; other tables: {also} "
                     "(name one in the question to use it).")  # fmt: skip
    if plan.unmatched:
        notes.append("Not found in this table, so not used as a filter: "
                     + ", ".join(f"'{w}'" for w in plan.unmatched) + ".")  # fmt: skip
    if question.sign is not None and not mixed and plan.table.has_amounts():
        sign = "negative" if has_out else "positive"
        notes.append(f"Every amount in this table is {sign}: read as is, whatever the sign.")
    if (mixed and question.sign is None and question.aggregate in ("sum", "avg")
            and not question.balance):  # fmt: skip
        other = []
        for sign, word in ((-1, "money out alone"), (1, "money in alone")):
            variant = replace(question, sign=sign)
            rows = run_readonly_query(vault, build_sql(variant, plan, True)).rows
            if rows and not question.group:
                other.append(f"{word}: {figure(rows[0][0] or 0, currency)}")
        notes.append("Counted money in and out together (net); " + "; ".join(other) + ".")
    return notes
