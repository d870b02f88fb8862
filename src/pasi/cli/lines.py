"""Input lines for the commands that turn each line into one JSON line (``pasi privacy mask``,
``pasi safety check``): plain text, or ``{"text": ...}`` objects with ``--jsonl``.

Plain text keeps every line, blank ones too, so output line N answers input line N; with
``--jsonl`` a blank line is no record and is skipped. A line that is not UTF-8, not JSON or has
no ``text`` string stops the command with its place named.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from pasi.errors import InputError


def input_texts(source: str, *, jsonl: bool) -> Iterator[str]:
    """The text of each line of ``source`` ('-': stdin), in order."""
    name = "stdin" if source == "-" else source
    for number, line in enumerate(_decoded(source, name), start=1):
        if not jsonl:
            yield line
        elif line.strip():
            yield _text(line, number, name)


def _decoded(source: str, name: str) -> Iterator[str]:
    if source == "-":
        yield from _lines(sys.stdin.buffer, name)
        return
    path = Path(source).expanduser()
    if not path.is_file():
        raise InputError(f"no such file: {source}")
    with path.open("rb") as stream:
        yield from _lines(stream, name)


def _lines(stream: object, name: str) -> Iterator[str]:
    for number, raw in enumerate(stream, start=1):  # type: ignore[call-overload]
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{name} line {number} is not valid UTF-8 (byte {error.start})"
            ) from None


def _text(line: str, number: int, name: str) -> str:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{name} line {number} is not JSON: {error.msg}") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InputError(f'{name} line {number} is not a JSON object with a "text" string')
    return row["text"]
