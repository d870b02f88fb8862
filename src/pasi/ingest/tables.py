"""CSV files: each row a ``row:<table>`` item with typed fields, and a queryable view per file.

Column types are inferred from the values (every non-empty value must parse): ``integer``,
``number``, ``money`` (a currency sign or code around a number: "€12.50", "12,50 EUR"),
``date`` (ISO, 31.12.2024, 12/31/2024) and ``text``. Typed values are stored in the item's
fields (amounts as numbers, dates as ISO), so sums and date ranges work in SQL; the writer
creates a view ``csv_<table>`` with one column per CSV column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pasi.ingest.document import Chunk, Document, IngestError, Item, file_uri, read_text

ROWS_PER_CHUNK = 20
_MONEY = re.compile(
    r"^(?P<pre>[$€£¥]|[A-Z]{3})?\s*(?P<num>[-+]?\d[\d.,' ]*)\s*(?P<post>[$€£¥]|[A-Z]{3})?$"
)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d", "%d/%m/%Y")


def identifier(name: str, fallback: str) -> str:
    """A safe lower-case SQL identifier from a file or column name."""
    cleaned = re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"{fallback}_{cleaned}".strip("_")
    return cleaned


def _number(text: str) -> float | None:
    text = text.replace("'", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def parse_integer(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[-+]?\d+", text) else None


def parse_number(text: str) -> float | None:
    return _number(text) if re.fullmatch(r"[-+]?[\d.,' ]+", text) else None


def parse_money(text: str) -> float | None:
    match = _MONEY.match(text)
    if not match or not (match.group("pre") or match.group("post")):
        return None
    return _number(match.group("num").strip())


def parse_date(text: str) -> str | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


PARSERS: list[tuple[str, Callable[[str], Any]]] = [
    ("integer", parse_integer),
    ("number", parse_number),
    ("money", parse_money),
    ("date", parse_date),
]


def infer_type(values: list[str]) -> str:
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return "text"
    for name, parse in PARSERS:
        if all(parse(v) is not None for v in present):
            return name
    return "text"


def typed(value: str, kind: str) -> Any:
    value = value.strip()
    if not value:
        return None
    parse = dict(PARSERS).get(kind)
    return parse(value) if parse else value


def _columns(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, raw in enumerate(header, start=1):
        name = identifier(raw, "col") or f"col_{index}"
        while name in names or name in ("id", "source_id"):
            name += "_"
        names.append(name)
    return names


def _rows(text: str, path: Path) -> list[list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
    except csv.Error as error:
        raise IngestError(f"{path}: not a readable CSV file ({error})") from None
    if len(rows) < 2:
        raise IngestError(f"{path}: a CSV needs a header row and at least one data row")
    return rows


def _at(values: dict[str, Any], types: dict[str, str]) -> datetime | None:
    for column, kind in types.items():
        if kind == "date" and values.get(column):
            parsed = datetime.fromisoformat(values[column])
            if isinstance(parsed, date) and parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed
    return None


class CsvConnector:
    name = "csv"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".csv", ".tsv")

    def read(self, path: Path) -> Iterator[Document]:
        rows = _rows(read_text(path), path)
        header, data = rows[0], rows[1:]
        columns = _columns(header)
        width = len(columns)
        data = [(r + [""] * width)[:width] for r in data]
        types = {c: infer_type([r[i] for r in data]) for i, c in enumerate(columns)}
        table = identifier(path.stem, "table")
        text_column = next((c for c, k in types.items() if k == "text"), columns[0])
        document = Document(
            uri=file_uri(path), title=path.stem, kind="table", trust="user",
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            table=(table, list(types.items())),
        )  # fmt: skip
        lines: list[str] = []
        for number, row in enumerate(data, start=2):  # numbered as lines of the file
            values = {c: typed(v, types[c]) for c, v in zip(columns, row, strict=True)}
            title = values.get(text_column)
            document.items.append(Item(f"row:{table}", str(title) if title is not None else None,
                                       _at(values, types), values))  # fmt: skip
            lines.append("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True) if v))
            if len(lines) == ROWS_PER_CHUNK or number == len(data) + 1:
                first = number - len(lines) + 1
                document.chunks.append(
                    Chunk("\n".join(lines), f"rows {first}-{number}", heading=path.stem)
                )
                lines = []
        yield document
