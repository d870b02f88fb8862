"""Email: mbox archives and single .eml files, through the stdlib ``mailbox`` and ``email``.

Each message becomes an ``email`` item (from, to, cc, date, subject, thread, attachment names)
and chunks of its text. Quoted lines (``> ...``) are dropped from the text: they repeat the
message being answered, which is already stored once. Chunks of one thread share a session, so
a message's neighbours in search are the replies around it. Email bodies are written by others,
so they are stored with trust 'external'.
"""

from __future__ import annotations

import email
import mailbox
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from pasi.ingest.document import (
    Chunk,
    Document,
    IngestError,
    Item,
    Person,
    file_uri,
    head,
    split_long,
)
from pasi.ingest.web import html_text

SNIPPET = 300


def header(message: Message, name: str) -> str:
    """A header as text, RFC 2047 encoded words decoded (compat32 parsing is 5x faster than
    the modern policy on large archives, so headers are decoded here, on demand)."""
    value = message.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value)))).strip()
    except (LookupError, UnicodeError, ValueError, TypeError):  # unknown charset, bad encoding
        return str(value).strip()


def _people(message: Message, name: str, role: str, at: datetime | None) -> list[Person]:
    values = [str(v) for v in message.get_all(name, [])]
    found = []
    for name, address in getaddresses(values):
        name = str(make_header(decode_header(name))) if "=?" in name else name
        address = address.strip().lower()
        if "@" not in address:
            continue
        found.append(Person(name.strip() or None, emails=(address,), role=role, at=at))
    return found


def _date(message: Message) -> datetime | None:
    value = message.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ids(value: object) -> list[str]:
    return [part for part in str(value or "").split() if part.startswith("<")]


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _is_attachment(part: Message) -> bool:
    return "attachment" in str(part.get("Content-Disposition", "")).lower()


def _body(message: Message) -> str:
    """The plain-text part, else the HTML part as text; quoted lines dropped."""
    parts = [p for p in message.walk() if not p.is_multipart() and not _is_attachment(p)]
    plain = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    html = next((p for p in parts if p.get_content_type() == "text/html"), None)
    if plain is not None:
        text = _decoded(plain)
    elif html is not None:
        text = html_text(_decoded(html))
    else:
        return ""
    kept = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


def _attachments(message: Message) -> list[str]:
    return [p.get_filename() or "(unnamed)" for p in message.walk()
            if not p.is_multipart() and _is_attachment(p)]  # fmt: skip


def message_document(message: Message, uri: str, number: int) -> Document:
    """One message as a document: an email item and the chunks of its text."""
    at = _date(message)
    subject = header(message, "Subject")
    message_id = (_ids(message.get("Message-ID")) or [f"<message-{number}>"])[0]
    references = _ids(message.get("References"))
    in_reply_to = _ids(message.get("In-Reply-To"))
    thread = (references or in_reply_to or [message_id])[0]
    senders = _people(message, "From", "from", at)
    people = senders + _people(message, "To", "to", at) + _people(message, "Cc", "cc", at)
    body = _body(message)
    sender = senders[0] if senders else None
    speaker = (sender.name or sender.emails[0]) if sender else None
    fields = {
        "from": sender.emails[0] if sender else None,
        "from_name": sender.name if sender else None,
        "to": [p.emails[0] for p in people if p.role == "to"],
        "cc": [p.emails[0] for p in people if p.role == "cc"],
        "date": at.isoformat() if at else None,
        "subject": subject,
        "message_id": message_id,
        "in_reply_to": in_reply_to[0] if in_reply_to else None,
        "thread": thread,
        "attachments": _attachments(message),
        "snippet": " ".join(body.split())[:SNIPPET],
    }
    text = f"Subject: {subject}\n{body}" if subject else body
    chunks = [
        Chunk(piece, message_id if i == 0 else f"{message_id} part {i + 1}",
              heading=None, speaker=speaker, at=at, session=f"thread:{thread}")
        for i, piece in enumerate(split_long(text))
    ]  # fmt: skip
    return Document(
        uri=f"{uri}#{message_id}",
        title=subject or "(no subject)",
        kind="email",
        chunks=chunks,
        items=[Item("email", subject or "(no subject)", at, fields, tuple(people))],
        modified=at,
        trust="external",
        remote_ok=False,  # other people's words to the user: kept off cloud models by default
    )


def _parse(handle) -> Message:  # type: ignore[no-untyped-def]
    return email.message_from_binary_file(handle, policy=policy.compat32)


class MboxConnector:
    name = "mbox"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".mbox", ".mbx") or (
            path.suffix == "" and head(path, 5) == b"From "
        )

    def read(self, path: Path) -> Iterator[Document]:
        if not head(path, 5).startswith(b"From "):
            raise IngestError(f"{path}: not an mbox file (it does not start with 'From ')")
        box = mailbox.mbox(path, factory=_parse, create=False)
        uri = file_uri(path)
        try:
            for number, message in enumerate(box, start=1):
                if message is None or not message.keys():
                    continue
                yield message_document(message, uri, number)
        finally:
            box.close()


class EmlConnector:
    name = "eml"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() == ".eml"

    def read(self, path: Path) -> Iterator[Document]:
        with path.open("rb") as handle:
            message = _parse(handle)
        if not message.keys() or not (message.get("From") or message.get("Subject")):
            raise IngestError(f"{path}: not an email message (no From or Subject header)")
        yield message_document(message, file_uri(path), 1)
