"""How text from the vault is shown to a model: tagged for citation and quoted as data.

Every memory and turn is written as ``[m12] <where it came from>: "<text>"``. The text is a JSON
string, so quotes and newlines inside it cannot end the quotation, and ``</`` is escaped so a
stored text cannot close the ``<data>`` block it sits in. The model is told to cite the tags;
:func:`parse_tag` turns a tag in its answer back into a memory or turn id, or the id of an
item (an email, event, contact or CSV row) that ``query_data`` returned as ``[i42]``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo

from pasi.memory.retrieval import Recalled

TAG_PATTERN = re.compile(r"\[([mti])(\d+)\]")
_PREFIX = {"memory": "m", "episode": "t", "item": "i"}
_KIND = {"m": "memory", "t": "episode", "i": "item"}


def tag(kind: str, item_id: int) -> str:
    """``m12`` for memory 12, ``t345`` for turn (episode) 345, ``i42`` for item 42."""
    return f"{_PREFIX[kind]}{item_id}"


def parse_tag(text: str) -> tuple[str, int]:
    """``"m12"`` → ``("memory", 12)``; raises ValueError for anything else."""
    match = re.fullmatch(r"([mti])(\d+)", text.strip().strip("[]"))
    if match is None:
        raise ValueError(f"not a citation tag: {text!r}")
    return _KIND[match.group(1)], int(match.group(2))


def cited_tags(text: str) -> list[str]:
    """The tags cited in a model's text, in order of first appearance."""
    return list(dict.fromkeys(m.group(1) + m.group(2) for m in TAG_PATTERN.finditer(text)))


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")


def when(at: datetime | None, zone: tzinfo | None = None) -> str:
    """``at`` as the model reads it: a day alone (a date with no time is kept as midnight), else
    the day and time in ``zone`` (the user's), so they match the context's "Now" line."""
    if at is None:
        return "undated"
    if (at.hour, at.minute) == (0, 0):
        return at.date().isoformat()
    local = at.astimezone(zone) if zone is not None and at.tzinfo is not None else at
    return local.strftime("%Y-%m-%d %H:%M")


def quote_line(
    kind: str,
    item_id: int,
    text: str,
    *,
    at: datetime | None,
    speaker: str | None,
    source: str | None,
    current: bool = True,
    zone: tzinfo | None = None,
) -> str:
    """One item as the model sees it: tag, provenance, then the quoted text."""
    if kind == "memory":
        about = f"memory about {speaker or 'user'}, {when(at, zone)}"
        about += "" if current else ", since superseded"
    else:
        about = (
            f"{speaker + ' ' if speaker else ''}{when(at, zone)} in {source or 'unknown source'}"
        )
    return f"[{tag(kind, item_id)}] {about}: {quoted(text)}"


def quote_recalled(result: Recalled, zone: tzinfo | None = None) -> str:
    return quote_line(
        result.kind,
        result.id,
        result.text,
        at=result.at,
        speaker=result.speaker,
        source=result.source,
        current=result.current,
        zone=zone,
    )
