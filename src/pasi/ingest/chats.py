"""Chat exports: WhatsApp (.txt), ChatGPT (conversations.json), Telegram (result.json).

Messages become chunks with a speaker and a time, one session per chat, and go through the
same path as imported conversations (``MemoryStore.record_turns``). Speakers are linked to
people. Others wrote most of a chat, so chats are stored with trust 'external'.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pasi.ingest.document import (
    Chunk,
    Document,
    IngestError,
    Person,
    decode_text,
    file_uri,
    head,
    read_text,
    split_long,
)

# "12/31/23, 21:15 - Anna: hi" (Android) or "[31.12.23, 21:15:03] Anna: hi" (iOS)
_WHATSAPP = re.compile(
    r"^\u200e?\[?(\d{1,2})[./-](\d{1,2})[./-](\d{2,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*([AaPp][Mm])?\]?\s*(?:-\s*)?([^:]{1,60}):\s(.*)$"
)


def _chunks_for(speaker: str, text: str, at: datetime | None, locator: str, session: str):
    for index, piece in enumerate(split_long(text)):
        yield Chunk(piece, locator if index == 0 else f"{locator} part {index + 1}",
                    speaker=speaker, at=at, session=session)  # fmt: skip


def _speakers(chunks: list[Chunk]) -> list[Person]:
    return [Person(c.speaker, role="speaker", at=c.at) for c in chunks if c.speaker]


class WhatsAppConnector:
    """WhatsApp's "Export chat" text file. Day/month order is found from the dates themselves."""

    name = "whatsapp"

    def matches(self, path: Path) -> bool:
        if path.suffix.lower() != ".txt":
            return False
        try:
            first = head(path, 2048).decode("utf-8-sig", errors="replace").splitlines()
        except UnicodeError:
            return False
        return any(_WHATSAPP.match(line) for line in first[:3])

    def read(self, path: Path) -> Iterator[Document]:
        messages: list[tuple[int, list[str]]] = []  # line number, the pattern's groups
        for number, line in enumerate(read_text(path).splitlines(), start=1):
            match = _WHATSAPP.match(line)
            if match:
                messages.append((number, list(match.groups())))
            elif messages and line.strip():  # a message continuing on the next line
                messages[-1][1][8] += "\n" + line
        day_first = any(int(g[0]) > 12 for _, g in messages) or not any(
            int(g[1]) > 12 for _, g in messages
        )
        chunks: list[Chunk] = []
        for number, groups in messages:
            text = groups[8].strip()
            if not text or text == "<Media omitted>":
                continue
            at = _whatsapp_time(groups, day_first)
            chunks.extend(_chunks_for(groups[7].strip(), text, at, f"L{number}", "chat"))
        if not chunks:
            raise IngestError(f"{path}: no WhatsApp messages found")
        yield Document(
            uri=file_uri(path), title=path.stem, kind="chat", chunks=chunks,
            entities=_speakers(chunks), modified=chunks[-1].at, trust="external",
        )  # fmt: skip


def _whatsapp_time(groups: list[str], day_first: bool) -> datetime | None:
    first, second, year = int(groups[0]), int(groups[1]), int(groups[2])
    day, month = (first, second) if day_first else (second, first)
    hour, minute, sec = int(groups[3]), int(groups[4]), int(groups[5] or 0)
    if groups[6]:
        hour = hour % 12 + (12 if groups[6].lower() == "pm" else 0)
    try:
        return datetime(year + 2000 if year < 100 else year, month, day, hour, minute, sec,
                        tzinfo=UTC)  # fmt: skip
    except ValueError:
        return None


def _load_json(path: Path) -> Any:
    try:
        return json.loads(decode_text(path.read_bytes(), path))
    except json.JSONDecodeError as error:
        raise IngestError(f"{path}: invalid JSON at line {error.lineno}: {error.msg}") from None


def _json_kind(path: Path) -> str | None:
    if path.suffix.lower() != ".json":
        return None
    start = head(path, 4096).decode("utf-8", errors="replace")
    if '"mapping"' in start and ("[" in start[:5] or '"title"' in start):
        return "chatgpt"
    if '"messages"' in start or '"chats"' in start or '"personal_information"' in start:
        return "telegram"
    return None


class ChatGptConnector:
    """ChatGPT's data export: ``conversations.json``, one session per conversation."""

    name = "chatgpt"

    def matches(self, path: Path) -> bool:
        return _json_kind(path) == "chatgpt"

    def read(self, path: Path) -> Iterator[Document]:
        data = _load_json(path)
        if not isinstance(data, list):
            raise IngestError(f"{path}: expected a list of ChatGPT conversations")
        for index, conversation in enumerate(data):
            if not isinstance(conversation, dict) or not isinstance(
                conversation.get("mapping"), dict
            ):
                raise IngestError(f"{path}: conversation {index} has no 'mapping'")
            yield _chatgpt_document(conversation, path, index)


def _chatgpt_document(conversation: dict[str, Any], path: Path, index: int) -> Document:
    session = str(conversation.get("id") or conversation.get("conversation_id") or index)
    nodes = []
    for node_id, node in conversation["mapping"].items():
        message = (node or {}).get("message") or {}
        parts = (message.get("content") or {}).get("parts") or []
        text = "\n".join(p for p in parts if isinstance(p, str)).strip()
        role = ((message.get("author") or {}).get("role")) or "user"
        if text and role in ("user", "assistant"):
            at = message.get("create_time")
            when = datetime.fromtimestamp(float(at), UTC) if at else None
            nodes.append((when or datetime.min.replace(tzinfo=UTC), node_id, role, text, when))
    nodes.sort(key=lambda n: n[0])
    chunks: list[Chunk] = []
    for _, node_id, role, text, when in nodes:
        speaker = "ChatGPT" if role == "assistant" else "user"
        for chunk in _chunks_for(speaker, text, when, node_id, f"chatgpt:{session}"):
            chunks.append(Chunk(chunk.text, chunk.locator, None, chunk.speaker, chunk.at,
                                chunk.session, role))  # fmt: skip
    return Document(
        uri=f"{file_uri(path)}#{session}",
        title=str(conversation.get("title") or f"ChatGPT conversation {index + 1}"),
        kind="chat", chunks=chunks, trust="external",
        modified=chunks[-1].at if chunks else None,
    )  # fmt: skip


def _telegram_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str((p or {}).get("text", "")) for p in value)
    return ""


class TelegramConnector:
    """Telegram Desktop's JSON export: one chat (``result.json``) or all chats."""

    name = "telegram"

    def matches(self, path: Path) -> bool:
        return _json_kind(path) == "telegram"

    def read(self, path: Path) -> Iterator[Document]:
        data = _load_json(path)
        if not isinstance(data, dict):
            raise IngestError(f"{path}: expected a Telegram export object")
        chats = (data.get("chats") or {}).get("list") if "chats" in data else [data]
        if not isinstance(chats, list):
            raise IngestError(f"{path}: 'chats.list' is not a list")
        for index, chat in enumerate(chats):
            if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
                raise IngestError(f"{path}: chat {index} has no 'messages' list")
            yield _telegram_document(chat, path, index)


def _telegram_document(chat: dict[str, Any], path: Path, index: int) -> Document:
    session = f"telegram:{chat.get('id', index)}"
    chunks: list[Chunk] = []
    for message in chat["messages"]:
        if not isinstance(message, dict) or message.get("type", "message") != "message":
            continue
        text = _telegram_text(message.get("text")).strip()
        if not text:
            continue
        at = _telegram_time(message)
        speaker = str(message.get("from") or "unknown")
        chunks.extend(_chunks_for(speaker, text, at, f"message {message.get('id')}", session))
    return Document(
        uri=f"{file_uri(path)}#{session}", title=str(chat.get("name") or session),
        kind="chat", chunks=chunks, entities=_speakers(chunks), trust="external",
        modified=chunks[-1].at if chunks else None,
    )  # fmt: skip


def _telegram_time(message: dict[str, Any]) -> datetime | None:
    unix = message.get("date_unixtime")
    if unix:
        return datetime.fromtimestamp(int(unix), UTC)
    value = message.get("date")
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
