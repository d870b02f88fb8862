"""Word documents (.docx) through python-docx, guarded against zip bombs.

A .docx is a zip archive; a hostile one can expand to gigabytes. The archive's declared sizes
are checked against the ingest size limit before python-docx opens it, and the compression
ratio is bounded because declared sizes can lie only downwards for deflate streams we read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pasi.ingest.document import Chunk, Document, IngestError, file_uri, pack_paragraphs

MAX_RATIO = 200  # real Word files compress 3-20x; a bomb compresses thousands of times


def check_zip(path: Path, max_bytes: int) -> None:
    """Refuse archives that expand past ``max_bytes`` or compress suspiciously well."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise IngestError(f"{path}: not a valid .docx (zip) file ({error})") from None
    expanded = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if expanded > max_bytes:
        raise IngestError(
            f"{path}: expands to {expanded:,} bytes, more than the limit of {max_bytes:,} "
            "(setting ingest_max_bytes)"
        )
    if expanded > 1_000_000 and expanded / packed > MAX_RATIO:
        raise IngestError(f"{path}: compression ratio {expanded // packed}:1 looks like a zip bomb")


class DocxConnector:
    name = "docx"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() == ".docx"

    def read(self, path: Path) -> Iterator[Document]:
        check_zip(path, self.max_bytes)
        import docx

        try:
            document = docx.Document(str(path))
        except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
            raise IngestError(f"{path}: not a readable .docx ({error})") from None
        chunks: list[Chunk] = []
        heading: str | None = None
        section: list[tuple[str, str]] = []
        for number, paragraph in enumerate(document.paragraphs, start=1):
            text = paragraph.text.strip()
            if not text:
                continue
            if (paragraph.style.name or "").lower().startswith(("heading", "title")):
                chunks.extend(pack_paragraphs(section, heading))
                heading, section = text, []
            else:
                section.append((f"paragraph {number}", text))
        chunks.extend(pack_paragraphs(section, heading))
        title = document.core_properties.title or path.stem
        yield Document(
            uri=file_uri(path),
            title=title,
            kind="docx",
            chunks=chunks,
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            trust="external",
        )
