"""The one shape every connector yields: a :class:`Document` with chunks, items and people.

Connectors only read; they never touch the vault. Whatever a file holds comes out as chunks
of text (which become searchable episodes), typed items (emails, events, contacts, table rows)
and the people it names (merged into entities). Every chunk carries a ``locator`` pointing
back into its file (a line, a page, a message id, a row), so an answer can be checked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pasi.errors import ImportFormatError

CHUNK_CHARS = 1500  # a paragraph run this long stays one search unit; longer text is split


class IngestError(ImportFormatError):
    """A file could not be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Person:
    """Someone a file names: a sender, an attendee, a contact, a chat speaker."""

    name: str | None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    role: str = "mention"  # from, to, cc, attendee, organizer, speaker, contact
    at: datetime | None = None


@dataclass(frozen=True)
class Chunk:
    """A piece of text small enough to search, with its place in the file and its context."""

    text: str
    locator: str  # "L12", "page 3", "<msg-id>", "row 7": where in the file it is
    heading: str | None = None  # the heading path it sits under ("Trip > Day 1")
    speaker: str | None = None
    at: datetime | None = None
    session: str = ""  # chunks of one session are each other's neighbours (a thread, a chat)
    role: str = "user"


@dataclass(frozen=True)
class Item:
    """A typed record: an email, a calendar event, a contact, a row of a table."""

    kind: str  # email, event, contact, row:<table>
    title: str | None
    at: datetime | None
    fields: dict[str, Any]
    people: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Remembered:
    """A memory a file states outright (a photo's caption), resting on the chunk at ``locator``."""

    text: str
    locator: str
    kind: str = "fact"
    at: datetime | None = None


@dataclass
class Document:
    """What one connector read from one file (or one part of it, such as a chat)."""

    uri: str
    title: str | None
    kind: str  # markdown, text, pdf, docx, html, email, calendar, contacts, table, chat
    chunks: list[Chunk] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    entities: list[Person] = field(default_factory=list)
    modified: datetime | None = None
    content_hash: str = ""
    trust: str = "user"  # 'external' when others wrote it (email, web pages, chats)
    remote_ok: bool = True  # False: never sent to a cloud model (email, notes marked private)
    table: tuple[str, list[tuple[str, str]]] | None = None  # CSV: name and (column, type)
    table_info: dict[str, Any] | None = None  # CSV: columns' roles and formats (ingest.tables)
    memories: list[Remembered] = field(default_factory=list)


@runtime_checkable
class Connector(Protocol):
    """Reads one file format. ``matches`` may look at the first bytes, never the whole file."""

    name: str

    def matches(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Iterator[Document]: ...


# -- helpers shared by connectors ------------------------------------------------------------


def file_uri(path: Path) -> str:
    return f"file:{path.resolve()}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused by name.

    A NUL byte in text that claims to be UTF-8 means a binary file with a text name: refused
    rather than stored as garbage.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IngestError(f"{path}: invalid UTF-16 at byte {error.start}") from None
    if b"\x00" in raw[:65536]:
        raise IngestError(f"{path}: looks like a binary file, not text (it holds NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{path}: not valid UTF-8 (byte {error.start}); save it as UTF-8 and sync again"
        ) from None


def read_text(path: Path) -> str:
    try:
        return decode_text(path.read_bytes(), path)
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror}") from None


def split_long(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Split text longer than ``limit`` at sentence or word boundaries."""
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(". ", 0, limit), text.rfind("\n", 0, limit))
        if cut < limit // 3:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 3:
            cut = limit - 1
        pieces.append(text[: cut + 1].strip())
        text = text[cut + 1 :].strip()
    if text:
        pieces.append(text)
    return pieces


def pack_paragraphs(
    paragraphs: list[tuple[str, str]], heading: str | None, limit: int = CHUNK_CHARS
) -> Iterator[Chunk]:
    """Join (locator, paragraph) pairs into chunks of at most ``limit`` characters.

    Each chunk keeps the locator of its first paragraph and the heading it sits under.
    """
    buffer: list[str] = []
    start = ""
    for locator, paragraph in paragraphs:
        for piece in split_long(paragraph, limit):
            if buffer and sum(len(b) + 2 for b in buffer) + len(piece) > limit:
                yield Chunk("\n\n".join(buffer), start, heading)
                buffer = []
            if not buffer:
                start = locator
            buffer.append(piece)
    if buffer:
        yield Chunk("\n\n".join(buffer), start, heading)


_SPACE = re.compile(r"[ \t\r\f\v]+")


def clean(text: str) -> str:
    """Collapse runs of spaces and blank lines, which PDFs and HTML produce in bulk."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
