"""PDF files through pypdf: one chunk run per page, each chunk pointing at its page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pasi.ingest.document import Document, IngestError, clean, file_uri, pack_paragraphs


class PdfConnector:
    name = "pdf"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() == ".pdf"

    def read(self, path: Path) -> Iterator[Document]:
        import pypdf
        from pypdf.errors import PdfReadError

        try:
            reader = pypdf.PdfReader(path, strict=False)
            if reader.is_encrypted:
                raise IngestError(f"{path}: the PDF is encrypted; decrypt it to ingest it")
            pages = [(number, clean(page.extract_text() or "")) for number, page in
                     enumerate(reader.pages, start=1)]  # fmt: skip
            title = (reader.metadata or {}).get("/Title") if reader.metadata else None
        except PdfReadError as error:
            raise IngestError(f"{path}: not a readable PDF ({error})") from None
        chunks = []
        for number, text in pages:
            paragraphs = [(f"page {number}", p) for p in text.split("\n\n") if p.strip()]
            chunks.extend(pack_paragraphs(paragraphs, None))
        yield Document(
            uri=file_uri(path),
            title=str(title) if title else path.stem,
            kind="pdf",
            chunks=chunks,
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            trust="external",
        )
