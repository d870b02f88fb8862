"""Markdown (Obsidian vaults included) and plain-text notes: the user's own writing.

Markdown is chunked by section so every chunk knows the heading path it sits under; front
matter becomes the document's attributes; ``#tags`` and ``[[wiki links]]`` are kept on the
first chunk's item-free metadata (in the document title line of each chunk they would be noise).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pasi.ingest.document import Chunk, Document, Item, file_uri, pack_paragraphs, read_text

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_WIKI = re.compile(r"\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]")
_TAG = re.compile(r"(?:^|\s)#([A-Za-z][\w/-]*)")
_FENCE = re.compile(r"^(```|~~~)")


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def split_front_matter(text: str) -> tuple[dict[str, str], str, int]:
    """Simple ``key: value`` YAML front matter, the body, and the body's first line number."""
    if not text.startswith("---\n"):
        return {}, text, 1
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text, 1
    meta: dict[str, str] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "-")):
            meta[key.strip().lower()] = value.strip().strip("\"'")
    rest = text[end + 4 :]
    body_start = text[: end + 4].count("\n") + 1
    if rest.startswith("\n"):
        rest = rest[1:]
        body_start += 1
    return meta, rest, body_start


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """(locator, paragraph) pairs from numbered lines, blank lines separating paragraphs."""
    found: list[tuple[str, str]] = []
    buffer: list[str] = []
    first = 0
    for number, line in [*lines, (0, "")]:
        if line.strip():
            if not buffer:
                first = number
            buffer.append(line.rstrip())
        elif buffer:
            found.append((f"L{first}", "\n".join(buffer)))
            buffer = []
    return found


def markdown_chunks(body: str, first_line: int) -> Iterator[Chunk]:
    """Chunks per section; each carries its heading path ("Trip > Day 1")."""
    path: list[str] = []
    section: list[tuple[int, str]] = []
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            yield from pack_paragraphs(_paragraphs(section), " > ".join(path) or None)
            section = []
            level = len(match.group(1))
            path = [*path[: level - 1], match.group(2)]
            continue
        section.append((first_line + offset, line))
    yield from pack_paragraphs(_paragraphs(section), " > ".join(path) or None)


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            return match.group(2)
    return None


class MarkdownConnector:
    """``.md`` and ``.markdown`` files, with front matter, tags and wiki links."""

    name = "markdown"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".md", ".markdown")

    def read(self, path: Path) -> Iterator[Document]:
        text = read_text(path)
        meta, body, first_line = split_front_matter(text)
        title = meta.get("title") or _first_heading(body) or path.stem
        tags = sorted(set(_TAG.findall(body)) | _meta_tags(meta.get("tags", "")))
        links = sorted(set(_WIKI.findall(body)))
        chunks = list(markdown_chunks(body, first_line))
        at = _front_matter_date(meta.get("date"))
        chunks = [Chunk(c.text, c.locator, c.heading, at=at) for c in chunks]
        fields = {"path": str(path), "tags": tags, "links": links, "front_matter": meta}
        yield Document(
            uri=file_uri(path),
            title=title,
            kind="markdown",
            chunks=chunks,
            modified=_modified(path),
            items=[Item("note", title, at or _modified(path), fields)],
            trust="user",
            remote_ok=not _marked_private(meta, tags),
        )


def _marked_private(meta: dict[str, str], tags: list[str]) -> bool:
    """``private: true`` or ``sensitive: true`` in the front matter, or a #private tag."""
    flagged = any(meta.get(k, "").lower() in ("true", "yes", "1") for k in ("private", "sensitive"))
    return flagged or bool({"private", "sensitive"} & {t.lower() for t in tags})


def _meta_tags(value: str) -> set[str]:
    return {t.strip(" #") for t in value.strip("[]").split(",") if t.strip(" #")}


def _front_matter_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class TextConnector:
    """Plain ``.txt`` notes: paragraphs with line numbers."""

    name = "text"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".txt", ".text")

    def read(self, path: Path) -> Iterator[Document]:
        text = read_text(path)
        lines = list(enumerate(text.splitlines(), start=1))
        chunks = list(pack_paragraphs(_paragraphs(lines), None))
        yield Document(
            uri=file_uri(path),
            title=path.stem,
            kind="text",
            chunks=chunks,
            modified=_modified(path),
            trust="user",
        )
