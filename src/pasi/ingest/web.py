"""Saved web pages (.html) through BeautifulSoup: visible text by section, scripts dropped.

Web pages are written by others, so they are stored with trust 'external': their text can
inform answers but never instruct the assistant.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pasi.ingest.document import Chunk, Document, clean, decode_text, file_uri, pack_paragraphs

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = ("p", "li", "pre", "blockquote", "td", "th", "dd", "dt", *_HEADINGS)


def html_text(markup: str) -> str:
    """Visible text of an HTML fragment (also used for HTML email parts)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return clean(soup.get_text("\n"))


class HtmlConnector:
    name = "html"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".html", ".htm")

    def read(self, path: Path) -> Iterator[Document]:
        from bs4 import BeautifulSoup

        markup = decode_text(path.read_bytes(), path)
        soup = BeautifulSoup(markup, "html.parser")
        title = soup.title.get_text(strip=True) if soup.title else None
        for tag in soup(["script", "style", "noscript", "template", "head"]):
            tag.decompose()
        chunks: list[Chunk] = []
        heading: str | None = None
        section: list[tuple[str, str]] = []
        blocks = soup.find_all(_BLOCKS)
        for number, block in enumerate(blocks, start=1):
            if block.find(_BLOCKS):  # a container: its inner blocks are visited themselves
                continue
            text = clean(block.get_text(" "))
            if not text:
                continue
            if block.name in _HEADINGS:
                chunks.extend(pack_paragraphs(section, heading))
                heading, section = text, []
            else:
                section.append((f"block {number}", text))
        chunks.extend(pack_paragraphs(section, heading))
        if not blocks:  # no block structure: fall back to all visible text
            text = clean(soup.get_text("\n"))
            chunks = list(pack_paragraphs([("block 1", p) for p in text.split("\n\n")], None))
        yield Document(
            uri=file_uri(path),
            title=title or path.stem,
            kind="html",
            chunks=chunks,
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            trust="external",
        )
