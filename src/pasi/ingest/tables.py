"""Tables (CSV, TSV, Excel, OpenDocument): each row a ``row:<table>`` item, a view per file.

Every column gets a type (``integer``, ``number``, ``money``, ``date``, ``text``), read with
the column's own decimal mark and date order, and a role (``date``, ``amount``, ``debit``,
``payee``...; pasi.ingest.table_roles). Typed values are stored in the item's fields (amounts
as numbers, dates as ISO) with three derived ones that mean the same in every layout:
``pasi_date``, ``pasi_amount`` (money in positive, money out negative, from a signed amount, a
debit/credit pair or a DR/CR column) and ``pasi_currency``; the raw text of each cell is kept in
``pasi_raw`` so a corrected role or format re-derives them (pasi.ingest.table_fix). The writer
creates a view ``csv_<table>`` with one column per table column plus the derived ones.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from pasi.ingest.document import Chunk, Document, IngestError, Item, file_uri, read_text
from pasi.ingest.table_roles import DERIVED, ColumnSpec, derive, infer_columns, table_currency
from pasi.ingest.table_roles import typed as typed_value

ROWS_PER_CHUNK = 20
RESERVED = {"id", "source_id", "at", *DERIVED, "pasi_raw"}


def identifier(name: str, fallback: str) -> str:
    """A safe lower-case SQL identifier from a file or column name."""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^0-9a-z]+", "_", plain).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"{fallback}_{cleaned}".strip("_")
    return cleaned


def _columns(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, raw in enumerate(header, start=1):
        name = identifier(raw, "col") or f"col_{index}"
        while name in names or name in RESERVED:
            name += "_"
        names.append(name)
    return names


def csv_rows(text: str, path: Path) -> list[list[str]]:
    """The rows, split at the delimiter that gives most rows one common width (more than one
    column): the sniffer of the csv module is misled by the account details banks put first."""
    best: tuple[tuple[int, int], list[list[str]]] | None = None
    for delimiter in (",", ";", "\t", "|"):
        try:
            reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
            rows = [r for r in reader if any(c.strip() for c in r)]
        except csv.Error as error:
            raise IngestError(f"{path}: not a readable CSV file ({error})") from None
        widths = Counter(len(r) for r in rows if len(r) > 1)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda wc: (wc[1], wc[0]))
        if best is None or (count, width) > best[0]:
            best = ((count, width), rows)
    if best is None:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
        return rows
    return best[1]


def header_at(rows: list[list[str]]) -> int:
    """Where the header is: banks put account details above it, so it is the first row as wide
    as most rows, with at least two cells filled."""
    widths = Counter(sum(1 for c in row if c.strip()) for row in rows)
    common = max(widths, key=lambda w: (widths[w], w))
    for index, row in enumerate(rows):
        filled = sum(1 for c in row if c.strip())
        if filled >= min(2, common) and filled >= common - 1:
            return index
    return 0


def row_fields(
    raw: dict[str, str], specs: list[ColumnSpec], currency: str | None
) -> tuple[dict[str, Any], str | None, datetime | None]:
    """An item's fields, title and time from the raw cells of one row."""
    values = {s.name: typed_value(raw.get(s.name, ""), s) for s in specs}
    values.update(derive(values, specs, currency))
    values["pasi_raw"] = {k: v for k, v in raw.items() if v}
    title = next((values[s.name] for r in ("payee", "description", "category", "other")
                  for s in specs if s.role == r and s.type == "text" and values.get(s.name)),
                 None)  # fmt: skip
    return values, None if title is None else str(title), _at(values, specs)


def _at(values: dict[str, Any], specs: list[ColumnSpec]) -> datetime | None:
    dates = [values.get("pasi_date")] + [values.get(s.name) for s in specs if s.type == "date"]
    for value in dates:
        if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def table_document(path: Path, table: str, rows: list[list[str]], title: str) -> Document:
    """The document for one table: its rows, typed, as items and as searchable chunks."""
    start = header_at(rows)
    width = max(max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in rows)
    rows = [r[:width] for r in rows]  # a spreadsheet's empty trailing cells are no columns
    header, data = rows[start], rows[start + 1 :]
    if not data:
        raise IngestError(f"{path}: a table needs a header row and at least one data row")
    columns = _columns(header)
    width = len(columns)
    data = [(r + [""] * width)[:width] for r in data]
    specs = infer_columns(columns, header, [[r[i] for r in data] for i in range(width)])
    currency = table_currency(specs, data)
    document = Document(
        uri=file_uri(path), title=title, kind="table", trust="user",
        modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        table=(table, [(s.name, s.type) for s in specs] + list(DERIVED.items())),
        table_info={"columns": [s.to_json() for s in specs], "currency": currency,
                    "header_row": start + 1},
    )  # fmt: skip
    lines: list[str] = []
    first_line = start + 2  # rows are numbered as lines of the file
    for number, row in enumerate(data, start=first_line):
        fields, name, at = row_fields(dict(zip(columns, row, strict=True)), specs, currency)
        document.items.append(Item(f"row:{table}", name, at, fields))
        lines.append("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True) if v))
        if len(lines) == ROWS_PER_CHUNK or number == first_line + len(data) - 1:
            document.chunks.append(
                Chunk("\n".join(lines), f"rows {number - len(lines) + 1}-{number}", heading=title)
            )
            lines = []
    return document


class CsvConnector:
    name = "csv"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".csv", ".tsv")

    def read(self, path: Path) -> Iterator[Document]:
        rows = csv_rows(read_text(path), path)
        if len(rows) < 2:
            raise IngestError(f"{path}: a CSV needs a header row and at least one data row")
        yield table_document(path, identifier(path.stem, "table"), rows, path.stem)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class SpreadsheetConnector:
    """``.xlsx`` (openpyxl) and ``.ods`` (odfpy, when installed): one table per filled sheet."""

    name = "spreadsheet"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".xlsx", ".xlsm", ".ods")

    def read(self, path: Path) -> Iterator[Document]:
        sheets = _read_sheets(path)
        filled = [(name, rows) for name, rows in sheets if len(rows) >= 2]
        if not filled:
            raise IngestError(f"{path}: no sheet has a header row and a data row")
        for name, rows in filled:
            table = identifier(path.stem if len(filled) == 1 else f"{path.stem} {name}", "table")
            document = table_document(path, table, rows, path.stem)
            if len(filled) > 1:
                document.uri += f"#{name}"
                document.title = f"{path.stem} / {name}"
            yield document


def _read_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    if path.suffix.lower() == ".ods":
        return _read_ods(path)
    try:
        import openpyxl
    except ImportError:
        raise IngestError(f"{path}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise IngestError(f"{path}: not a readable Excel file ({error})") from None
    try:
        return [(sheet.title, [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)
                               if any(v not in (None, "") for v in row)])
                for sheet in book.worksheets]  # fmt: skip
    finally:
        book.close()


def _read_ods(path: Path) -> list[tuple[str, list[list[str]]]]:
    try:
        from odf.opendocument import load
        from odf.table import Table, TableCell, TableRow
        from odf.teletype import extractText
    except ImportError:
        raise IngestError(f"{path}: reading .ods needs odfpy (pip install odfpy)") from None
    sheets = []
    for table in load(str(path)).spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells: list[str] = []
            for cell in row.getElementsByType(TableCell):
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                value = cell.getAttribute("datevalue") or cell.getAttribute("value")
                cells += [str(value or extractText(cell))] * min(repeat, 100)
            if any(c.strip() for c in cells):
                rows.append(cells)
        sheets.append((str(table.getAttribute("name")), rows))
    return sheets
