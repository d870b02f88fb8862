"""Read conversation files: pasi's own JSON format, LoCoMo and LongMemEval.

Every reader yields :class:`Conversation` objects whose turns carry stable external ids, so
importing the same file twice (or resuming an import a crash cut short) adds nothing twice.
The pasi format is documented in docs/formats.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pasi.errors import ImportFormatError
from pasi.memory.store import Turn

PASI_FORMAT = "pasi.conversation"
PASI_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Conversation:
    uri: str
    title: str | None
    turns: list[Turn]
    trust: str = "user"


def read_json(path: Path) -> Any:
    """Load a JSON file with errors that name the file and the position."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFormatError(f"{path}: {size:,} bytes is larger than the import limit")
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFormatError(f"cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{path}: not valid UTF-8 (byte {error.start}); save it as UTF-8 and try again"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def _parse_time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: time must be a string, got {type(value).__name__}")
    for parse in (_iso, _locomo_time, _longmemeval_time):
        parsed = parse(value)
        if parsed is not None:
            return parsed
    raise ImportFormatError(f"{where}: cannot read the time '{value}' (use ISO 8601)")


def _iso(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _locomo_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


def _longmemeval_time(value: str) -> datetime | None:
    cleaned = re.sub(r"\s*\([A-Za-z]{3}\)\s*", " ", value).strip()  # "2023/05/20 (Sat) 02:21"
    for pattern in ("%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(cleaned, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _require(obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise ImportFormatError(f"{where}: missing field '{key}'")
    value = obj[key]
    if not isinstance(value, kind):
        raise ImportFormatError(
            f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


# -- pasi ------------------------------------------------------------------------------------


def read_pasi(data: dict[str, Any], path: Path) -> Iterator[Conversation]:
    version = data.get("version")
    if version != PASI_VERSION:
        raise ImportFormatError(
            f"{path}: format version {version!r} is not supported (this pasi reads version "
            f"{PASI_VERSION}); upgrade pasi to import it"
        )
    sessions = _require(data, "sessions", list, str(path))
    turns: list[Turn] = []
    for s_index, session in enumerate(sessions):
        where = f"{path}: sessions[{s_index}]"
        session_id = str(session.get("id", s_index + 1)) if isinstance(session, dict) else ""
        session_time = _parse_time(
            session.get("date") if isinstance(session, dict) else None, where
        )
        for t_index, turn in enumerate(_require(session, "turns", list, where)):
            turn_where = f"{where}.turns[{t_index}]"
            text = _require(turn, "text", str, turn_where)
            if not text.strip():
                raise ImportFormatError(f"{turn_where}.text: empty")
            turns.append(Turn(
                text=text,
                role=str(turn.get("role", "user")),
                speaker=turn.get("speaker"),
                session=session_id,
                external_id=str(turn.get("id", f"{session_id}:{t_index + 1}")),
                occurred_at=_parse_time(turn.get("at"), turn_where) or session_time,
            ))  # fmt: skip
    uri = str(data.get("source") or f"file:{path.resolve()}")
    yield Conversation(uri, data.get("title"), turns)


# -- LoCoMo ----------------------------------------------------------------------------------


def locomo_turn_text(turn: dict[str, Any]) -> str:
    """LoCoMo's own convention for images: the caption as ``[shares ...]``."""
    text = str(turn.get("text", ""))
    caption = turn.get("blip_caption")
    return f"{text} [shares {caption}]" if caption else text


def read_locomo_sample(sample: dict[str, Any], where: str) -> Conversation:
    conv = _require(sample, "conversation", dict, where)
    sample_id = str(sample.get("sample_id", where))
    numbers = sorted(
        int(m.group(1))
        for key, value in conv.items()
        if (m := re.fullmatch(r"session_(\d+)", key)) and isinstance(value, list)
    )
    turns: list[Turn] = []
    for number in numbers:
        date_key = f"session_{number}_date_time"
        at = _parse_time(conv.get(date_key), f"{where}.conversation.{date_key}")
        for t_index, turn in enumerate(conv[f"session_{number}"]):
            turn_where = f"{where}.conversation.session_{number}[{t_index}]"
            _require(turn, "text", str, turn_where)
            turns.append(Turn(
                text=locomo_turn_text(turn),
                role="user",
                speaker=str(turn.get("speaker")) if turn.get("speaker") else None,
                session=str(number),
                external_id=str(turn.get("dia_id", f"D{number}:{t_index + 1}")),
                occurred_at=at,
            ))  # fmt: skip
    return Conversation(f"locomo:{sample_id}", f"LoCoMo {sample_id}", turns)


def is_locomo(data: Any) -> bool:
    sample = data[0] if isinstance(data, list) and data else data
    return isinstance(sample, dict) and "conversation" in sample and "qa" in sample


# -- LongMemEval -----------------------------------------------------------------------------


def is_longmemeval(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "haystack_sessions" in data[0]
    )


def read_longmemeval_item(item: dict[str, Any], where: str) -> Conversation:
    sessions = _require(item, "haystack_sessions", list, where)
    session_ids = item.get("haystack_session_ids") or [str(i) for i in range(len(sessions))]
    dates = item.get("haystack_dates") or [None] * len(sessions)
    if not (len(sessions) == len(session_ids) == len(dates)):
        raise ImportFormatError(
            f"{where}: haystack_sessions, haystack_session_ids and haystack_dates differ in length"
        )
    turns: list[Turn] = []
    for s_index, (session, session_id, date) in enumerate(
        zip(sessions, session_ids, dates, strict=True)
    ):
        at = _parse_time(date, f"{where}.haystack_dates[{s_index}]")
        if not isinstance(session, list):
            raise ImportFormatError(f"{where}.haystack_sessions[{s_index}]: expected a list")
        for t_index, turn in enumerate(session):
            turn_where = f"{where}.haystack_sessions[{s_index}][{t_index}]"
            text = _require(turn, "content", str, turn_where)
            if not text.strip():
                continue
            role = str(turn.get("role", "user"))
            turns.append(Turn(
                text=text, role=role, speaker=role, session=str(session_id),
                external_id=f"{session_id}:{t_index}", occurred_at=at,
            ))  # fmt: skip
    question_id = item.get("question_id", where)
    return Conversation(f"longmemeval:{question_id}", f"LongMemEval {question_id}", turns)


# -- dispatch --------------------------------------------------------------------------------


def read_conversations(path: Path) -> Iterator[Conversation]:
    """Detect the format of ``path`` and yield its conversations."""
    data = read_json(path)
    if isinstance(data, dict) and data.get("format") == PASI_FORMAT:
        yield from read_pasi(data, path)
    elif is_locomo(data):
        samples = data if isinstance(data, list) else [data]
        for index, sample in enumerate(samples):
            yield read_locomo_sample(sample, f"{path}: [{index}]")
    elif is_longmemeval(data):
        for index, item in enumerate(data):
            yield read_longmemeval_item(item, f"{path}: [{index}]")
    else:
        raise ImportFormatError(
            f"{path}: not a conversation file pasi knows (expected a pasi conversation with "
            f'"format": "{PASI_FORMAT}", a LoCoMo file or a LongMemEval file; see docs/formats.md)'
        )
