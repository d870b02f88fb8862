"""``pasi privacy mask``: each input line as the privacy gateway would send it, one JSON line out.

The lines go through the gateway's own masking (pasi.privacy.pseudonyms over the detector the
gateway builds, with the people the vault knows and the configured ``phone_regions``), with one
mapping for the whole input, as for one conversation: the same person, number or address keeps
its placeholder from line to line. ``masked`` is the text that would leave the machine;
``spans`` say where, in the line as given, the replaced values were.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pasi.errors import PasiError


def mask_lines(pasi: Any, file: str, *, jsonl: bool, out: IO[str] | None = None) -> int:
    """Mask every line of ``file`` ('-': stdin); returns the number of lines written."""
    from pasi.privacy.detect import PiiDetector
    from pasi.privacy.gateway import VaultNames
    from pasi.privacy.pseudonyms import Pseudonyms

    pseudonyms = Pseudonyms(PiiDetector(VaultNames(pasi.vault)(), pasi.settings.phone_regions))
    out = out or sys.stdout
    written = 0
    for text in _texts(file, jsonl=jsonl):
        masked, spans = pseudonyms.mask_with_spans(text)
        found = [{"start": s.start, "end": s.end, "kind": s.kind} for s in spans]
        out.write(json.dumps({"masked": masked, "spans": found}, ensure_ascii=False) + "\n")
        written += 1
    out.flush()
    return written


def _texts(file: str, *, jsonl: bool) -> Iterator[str]:
    for number, line in enumerate(_lines(file), start=1):
        line = line.rstrip("\r\n")
        if not jsonl:
            yield line
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise PasiError(f"Line {number} is not JSON ({error.msg}).") from error
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            raise PasiError(f'Line {number} has no "text" string: expected {{"text": "..."}}.')
        yield value["text"]


def _lines(file: str) -> Iterator[str]:
    if file == "-":
        yield from sys.stdin
        return
    path = Path(file).expanduser()
    if not path.is_file():
        raise PasiError(f"{file} is not a file.")
    try:
        with path.open(encoding="utf-8") as handle:
            yield from handle
    except UnicodeDecodeError as error:
        raise PasiError(f"{file} is not UTF-8 text.") from error
