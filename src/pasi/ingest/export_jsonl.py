"""Read a pasi export (JSON Lines, docs/formats.md) and check every record before any write.

The whole file is validated first (types, references between records, the footer's counts),
so a malformed or truncated export is refused with the line that is wrong and the vault is not
touched. Writing the records into a vault is :mod:`pasi.ingest.restore`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pasi.errors import ImportFormatError
from pasi.vault.records import MEMORY_KINDS

# The format is defined here, beside its reader; the writer (pasi.privacy.export) imports it.
EXPORT_FORMAT = "pasi.export"
EXPORT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 had no "row" records
# Record types in file order: each refers only to types written before it. A "row" is one row
# of any other table the vault keeps (items, goals, reminders, audit...), column by column.
RECORD_TYPES = ("source", "episode", "memory", "entity", "row")
TYPED_RECORDS = RECORD_TYPES[:-1]

_SNIFF_BYTES = 64 * 1024

# field -> (expected kind, may be null). Every field of a record type must be known here.
_OPT = True
_REQ = False
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "source": {
        "id": ("int", _REQ), "kind": ("str", _REQ), "uri": ("str", _REQ),
        "title": ("str", _OPT), "trust": ("trust", _REQ), "remote_ok": ("bool", _REQ),
        "cursor": ("str", _OPT), "content_hash": ("str", _OPT), "created_at": ("time", _REQ),
        "synced_at": ("time", _OPT),
    },
    "episode": {
        "id": ("int", _REQ), "source_id": ("int", _REQ), "external_id": ("str", _OPT),
        "session": ("str", _REQ), "position": ("int", _REQ), "role": ("str", _REQ),
        "speaker": ("str", _OPT), "text": ("text", _REQ), "occurred_at": ("time", _OPT),
        "recorded_at": ("time", _REQ),
    },
    "memory": {
        "id": ("int", _REQ), "text": ("text", _REQ), "kind": ("memory_kind", _REQ),
        "subject": ("str", _REQ), "valid_from": ("time", _OPT), "valid_to": ("time", _OPT),
        "recorded_at": ("time", _REQ), "confidence": ("confidence", _REQ),
        "superseded_by": ("int", _OPT), "sensitivity": ("str", _REQ), "source_id": ("int", _OPT),
        "note": ("str", _OPT), "evidence": ("ids", _REQ),
    },
    "entity": {
        "id": ("int", _REQ), "name": ("str", _REQ), "kind": ("str", _REQ),
        "aliases": ("list", _REQ), "attributes": ("dict", _REQ),
    },
    "row": {"table": ("table", _REQ), "values": ("dict", _REQ)},
}  # fmt: skip
BYTES_KEY = "$bytes"  # a BLOB value in a row: {"$bytes": "<base64>"}

_NOT_COLUMNS = {"memory": {"evidence"}}  # stored in memory_evidence, not in the memories table


def columns(kind: str) -> tuple[str, ...]:
    """The table columns a record type is written from and restored into, in order."""
    return tuple(f for f in SCHEMA[kind] if f not in _NOT_COLUMNS.get(kind, set()))


@dataclass
class ExportData:
    """The checked records of one export file, by type, in file order."""

    path: Path
    header: dict[str, Any]
    records: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in RECORD_TYPES}
    )

    def count(self, kind: str) -> int:
        return len(self.records[kind])


def is_export(path: Path) -> bool:
    """True when the file's first line is a pasi export header (whatever its version)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(_SNIFF_BYTES)
    except OSError:
        return False  # the conversation reader reports unreadable files with its own message
    try:
        value = json.loads(first)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(value, dict) and value.get("format") == EXPORT_FORMAT


def read_export(path: Path, content: IO[bytes] | None = None) -> ExportData:
    """Read and check ``path`` (or ``content``, e.g. a decrypted export, named by ``path``)."""
    lines = _lines(path, content)
    number, first = next(lines, (1, None))
    data = ExportData(path, _check_header(first, path, number))
    footer: dict[str, Any] | None = None
    for number, record in lines:
        where = f"{path} line {number}"
        if footer is not None:
            raise ImportFormatError(f"{where}: a record after the footer")
        kind = record.get("type")
        if kind == "footer":
            footer = record
        elif kind in SCHEMA:
            data.records[kind].append(_check_record(record, kind, where))
        else:
            raise ImportFormatError(f"{where}: unknown record type {kind!r}")
    _check_footer(data, footer)
    _check_references(data)
    return data


def _lines(path: Path, content: IO[bytes] | None) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = content if content is not None else path.open("rb")
    except OSError as error:
        raise ImportFormatError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = f"{path} line {number}"
            try:
                value = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError as error:
                raise ImportFormatError(
                    f"{where}: not valid UTF-8 (byte {error.start} of the line)"
                ) from None
            except json.JSONDecodeError as error:
                raise ImportFormatError(f"{where}: invalid JSON: {error.msg}") from None
            if not isinstance(value, dict):
                raise ImportFormatError(f"{where}: expected a JSON object")
            yield number, value


def _check_header(first: dict[str, Any] | None, path: Path, number: int) -> dict[str, Any]:
    if first is None or first.get("type") != "header" or first.get("format") != EXPORT_FORMAT:
        raise ImportFormatError(f"{path} line {number}: not a pasi export header")
    version = first.get("version")
    if version not in READABLE_VERSIONS:
        raise ImportFormatError(
            f"{path}: export format version {version!r} is not supported (this pasi reads "
            f"versions up to {EXPORT_VERSION}); upgrade pasi to import it. Nothing was imported"
        )
    return first


def _check_footer(data: ExportData, footer: dict[str, Any] | None) -> None:
    if footer is None:
        raise ImportFormatError(
            f"{data.path}: no footer line: the export is truncated or incomplete"
        )
    expected = footer.get("counts")
    listed = expected if isinstance(expected, dict) else {}
    actual = {k: data.count(k) for k in RECORD_TYPES if k in listed or data.count(k)}
    if expected != actual:
        raise ImportFormatError(
            f"{data.path}: the footer counts {expected} but the file holds {actual}: "
            "the export is damaged"
        )


def _check_record(record: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    schema = SCHEMA[kind]
    unknown = set(record) - set(schema) - {"type"}
    if unknown:
        raise ImportFormatError(f"{where}: unknown field(s) {sorted(unknown)} in a {kind}")
    checked: dict[str, Any] = {}
    for name, (expected, nullable) in schema.items():
        value = record.get(name)
        if value is None:
            if not nullable:
                raise ImportFormatError(f"{where}: the {kind} field '{name}' is missing")
            checked[name] = None
            continue
        problem = _problem(expected, value)
        if problem:
            raise ImportFormatError(f"{where}: the {kind} field '{name}' {problem}")
        checked[name] = value
    return checked


def _problem(expected: str, value: Any) -> str | None:
    """Why ``value`` does not fit ``expected``, or None when it fits."""
    if expected in ("int", "ids"):
        values = value if expected == "ids" and isinstance(value, list) else [value]
        if expected == "ids" and not isinstance(value, list):
            return "must be a list of ids"
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            return f"must be an integer, got {value!r}"
        return None
    if expected in ("str", "text", "trust", "memory_kind", "time", "table"):
        if not isinstance(value, str):
            return f"must be a string, got {type(value).__name__}"
        return _string_problem(expected, value)
    if expected == "bool":
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if expected == "confidence":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
        return None if ok else f"must be a number from 0 to 1, got {value!r}"
    python_type = {"list": list, "dict": dict}[expected]
    return None if isinstance(value, python_type) else f"must be a JSON {expected}"


def _string_problem(expected: str, value: str) -> str | None:
    if expected == "text" and not value.strip():
        return "is empty"
    if expected == "text" and "\x00" in value:
        return "contains a NUL character"
    if expected == "trust" and value not in ("user", "external"):
        return f"must be 'user' or 'external', got {value!r}"
    if expected == "memory_kind" and value not in MEMORY_KINDS:
        return f"must be one of {', '.join(MEMORY_KINDS)}, got {value!r}"
    if expected == "table" and not value.isidentifier():
        return f"is not a table name: {value!r}"
    if expected == "time":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return f"is not an ISO 8601 time: {value!r}"
        if parsed.tzinfo is None:
            return f"has no time zone: {value!r}"
    return None


def _check_references(data: ExportData) -> None:
    """Every id a record points to must be defined in the same file, and ids must be unique."""
    ids = {kind: _unique_ids(data, kind) for kind in TYPED_RECORDS}
    for episode in data.records["episode"]:
        _expect(data, episode["source_id"] in ids["source"], "episode", episode, "source_id")
    for memory in data.records["memory"]:
        source_ok = memory["source_id"] is None or memory["source_id"] in ids["source"]
        _expect(data, source_ok, "memory", memory, "source_id")
        newer = memory["superseded_by"]
        _expect(data, newer is None or newer in ids["memory"], "memory", memory, "superseded_by")
        evidence_ok = all(e in ids["episode"] for e in memory["evidence"])
        _expect(data, evidence_ok, "memory", memory, "evidence")


def _unique_ids(data: ExportData, kind: str) -> set[int]:
    seen: set[int] = set()
    for record in data.records[kind]:
        if record["id"] in seen:
            raise ImportFormatError(f"{data.path}: {kind} id {record['id']} appears twice")
        seen.add(record["id"])
    return seen


def _expect(data: ExportData, ok: bool, kind: str, record: dict[str, Any], name: str) -> None:
    if not ok:
        raise ImportFormatError(
            f"{data.path}: {kind} {record['id']} field '{name}' = {record[name]!r} refers to "
            "a record that is not in the export"
        )
