"""Contacts (.vcf) through vobject: each card is a person entity and a ``contact`` item.

All of a card's email addresses and phone numbers are kept, so the same person is recognised
whichever address they write from (see pasi.ingest.people).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pasi.ingest.document import Chunk, Document, IngestError, Item, Person, file_uri, read_text


def _values(card: Any, name: str) -> list[str]:
    return [str(c.value).strip() for c in card.contents.get(name, []) if str(c.value).strip()]


def _name(card: Any) -> str | None:
    full = _values(card, "fn")
    if full:
        return full[0]
    structured = card.contents.get("n")
    if structured:
        n = structured[0].value
        return " ".join(p for p in (n.given, n.family) if p) or None
    return None


def card_document_parts(card: Any, number: int) -> tuple[Item, Chunk] | None:
    name = _name(card)
    emails = tuple(dict.fromkeys(e.lower() for e in _values(card, "email")))
    phones = tuple(dict.fromkeys(_values(card, "tel")))
    if not (name or emails):
        return None
    aliases = tuple(_values(card, "nickname"))
    org = next(iter(_values(card, "org")), None)
    birthday = next(iter(_values(card, "bday")), None)
    person = Person(name, emails, phones, aliases, role="contact")
    fields = {"name": name, "emails": list(emails), "phones": list(phones),
              "nicknames": list(aliases), "organisation": org, "birthday": birthday,
              "uid": next(iter(_values(card, "uid")), None)}  # fmt: skip
    text = "Contact: " + "; ".join(
        str(v) for v in (name, ", ".join(emails), ", ".join(phones), org, birthday) if v
    )
    chunk = Chunk(text, f"card {number}", session="contacts")
    return Item("contact", name or emails[0], None, fields, (person,)), chunk


class VcardConnector:
    name = "vcard"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".vcf", ".vcard")

    def read(self, path: Path) -> Iterator[Document]:
        import vobject

        text = read_text(path)
        try:
            cards = list(vobject.readComponents(text, ignoreUnreadable=True))
        except Exception as error:  # vobject raises ParseError, ValueError, AttributeError...
            raise IngestError(f"{path}: not a readable vCard file ({error})") from None
        if not cards:
            raise IngestError(f"{path}: no contacts found (expected BEGIN:VCARD ... END:VCARD)")
        document = Document(
            uri=file_uri(path), title=path.stem, kind="contacts",
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC), trust="user",
        )  # fmt: skip
        for number, card in enumerate(cards, start=1):
            parts = card_document_parts(card, number)
            if parts is None:
                continue
            item, chunk = parts
            document.items.append(item)
            document.chunks.append(chunk)
        yield document
