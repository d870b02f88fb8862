"""Real files for the ingest tests, written with the same libraries users' programs use."""

from __future__ import annotations

import csv
import json
import mailbox
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

PEOPLE = [
    ("Anna Berg", "anna@example.org"),
    ("Ben Okafor", "ben@example.com"),
    ("Chloé Martin", "chloe@example.net"),
    ("Dev Patel", "dev@example.org"),
]
ME = ("Sam Rivers", "sam@example.com")
TOPICS = ["budget review", "hiking trip", "piano lessons", "garden plans", "tax return",
          "birthday party", "book club", "kitchen renovation"]  # fmt: skip


def write_mbox(path: Path, count: int, start: datetime | None = None) -> Path:
    """``count`` messages in threads of up to four, a few with HTML bodies and attachments."""
    start = start or datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    box = mailbox.mbox(path)
    box.lock()
    thread_root: str | None = None
    previous: str | None = None
    for n in range(count):
        name, address = PEOPLE[n % len(PEOPLE)]
        topic = TOPICS[n % len(TOPICS)]
        message = EmailMessage()
        message["From"] = f"{name} <{address}>"
        message["To"] = f"{ME[0]} <{ME[1]}>"
        message["Subject"] = f"{'Re: ' if n % 4 else ''}{topic} #{n // 4}"
        message["Date"] = format_datetime(start + timedelta(hours=7 * n))
        message_id = make_msgid(idstring=str(n), domain="example.org")
        message["Message-ID"] = message_id
        if n % 4:
            message["In-Reply-To"] = previous
            message["References"] = f"{thread_root} {previous}"
        else:
            thread_root = message_id
        body = f"Hi Sam, about the {topic}: message number {n}. Let us talk on Friday.\n> quoted"
        message.set_content(body)
        if n % 10 == 3:
            message.add_alternative(f"<html><body><p>{body}</p><script>x()</script></body></html>",
                                    subtype="html")  # fmt: skip
        if n % 25 == 5:
            message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                                   filename=f"invoice-{n}.pdf")  # fmt: skip
        box.add(message)
        previous = message_id
    box.flush()
    box.unlock()
    box.close()
    return path


def write_ics(path: Path) -> Path:
    """A weekly Berlin meeting across the 31 March 2024 DST change, and a one-off dinner."""
    from icalendar import Calendar, Event, vCalAddress

    calendar = Calendar()
    calendar.add("prodid", "-//pasi tests//")
    calendar.add("version", "2.0")
    berlin = ZoneInfo("Europe/Berlin")
    weekly = Event()
    weekly.add("uid", "weekly-standup@test")
    weekly.add("summary", "Team standup")
    weekly.add("dtstart", datetime(2024, 3, 18, 9, 0, tzinfo=berlin))
    weekly.add("dtend", datetime(2024, 3, 18, 9, 30, tzinfo=berlin))
    weekly.add("rrule", {"freq": "weekly", "count": 4})
    weekly.add("location", "Office")
    calendar.add_component(weekly)
    dinner = Event()
    dinner.add("uid", "dinner@test")
    dinner.add("summary", "Dinner with Anna")
    dinner.add("dtstart", datetime(2024, 3, 14, 19, 0, tzinfo=berlin))
    dinner.add("dtend", datetime(2024, 3, 14, 21, 0, tzinfo=berlin))
    attendee = vCalAddress("mailto:anna@example.org")
    attendee.params["cn"] = "Anna Berg"
    dinner.add("attendee", attendee, encode=0)
    calendar.add_component(dinner)
    path.write_bytes(calendar.to_ical())
    return path


def write_vcf(path: Path) -> Path:
    import vobject

    cards = []
    for name, emails, phones in [
        ("Anna Berg", ["anna@example.org", "anna.berg@work.example"], ["+49 30 1234567"]),
        ("Ben Okafor", ["ben@example.com"], ["+44 20 7946 0000", "+44 7700 900123"]),
    ]:
        card = vobject.vCard()
        card.add("fn").value = name
        family, given = name.split()[1], name.split()[0]
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        for address in emails:
            card.add("email").value = address
        for phone in phones:
            card.add("tel").value = phone
        cards.append(card.serialize())
    path.write_text("".join(cards), encoding="utf-8")
    return path


def write_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Date", "Description", "Amount", "Count"])
        writer.writerow(["2024-01-05", "Groceries", "€42.50", "3"])
        writer.writerow(["2024-02-11", "Train ticket", "€19.90", "1"])
        writer.writerow(["2024-03-02", "Concert", "€65.00", "2"])
    return path


def write_whatsapp(path: Path) -> Path:
    path.write_text(
        "13/03/2024, 18:02 - Anna Berg: Are we still on for dinner on Thursday?\n"
        "13/03/2024, 18:05 - Sam Rivers: Yes! The Thai place at 7\n"
        "and I will bring the photos\n"
        "14/03/2024, 09:10 - Anna Berg: <Media omitted>\n"
        "14/03/2024, 09:11 - Anna Berg: Great, see you there\n",
        encoding="utf-8",
    )
    return path


def write_chatgpt(path: Path) -> Path:
    conversation = {
        "id": "conv-1",
        "title": "Sourdough help",
        "mapping": {
            "a": {"message": {"author": {"role": "user"}, "create_time": 1709800000,
                              "content": {"parts": ["How long should sourdough proof?"]}}},
            "b": {"message": {"author": {"role": "assistant"}, "create_time": 1709800010,
                              "content": {"parts": ["Usually 4 to 6 hours at room temperature."]}}},
            "c": {"message": None},
        },
    }  # fmt: skip
    path.write_text(json.dumps([conversation]), encoding="utf-8")
    return path


def write_telegram(path: Path) -> Path:
    chat = {
        "name": "Dev Patel",
        "type": "personal_chat",
        "id": 42,
        "messages": [
            {"id": 1, "type": "message", "date": "2024-03-01T10:00:00", "from": "Dev Patel",
             "text": "Did you book the climbing gym?"},
            {"id": 2, "type": "message", "date": "2024-03-01T10:02:00", "from": "Sam Rivers",
             "text": ["Yes, ", {"type": "bold", "text": "Saturday 10am"}]},
            {"id": 3, "type": "service", "date": "2024-03-01T10:03:00", "action": "pin"},
        ],
    }  # fmt: skip
    path.write_text(json.dumps(chat), encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Lease agreement", level=1)
    document.add_paragraph("The flat at Lindenstrasse 5 is rented from 1 May 2024.")
    document.add_heading("Deposit", level=2)
    document.add_paragraph("The deposit is three months of rent.")
    document.save(str(path))
    return path


def write_pdf(path: Path, text: str = "Invoice for the bicycle repair, 80 euros.") -> Path:
    """A minimal one-page PDF with real text, its xref offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    path.write_bytes(bytes(out))
    return path


def write_html(path: Path) -> Path:
    path.write_text(
        "<html><head><title>Recipe: lentil soup</title><script>alert(1)</script></head>"
        "<body><h1>Lentil soup</h1><p>Simmer red lentils with cumin for 20 minutes.</p>"
        "<h2>Serving</h2><ul><li>Add lemon juice</li><li>Serve with bread</li></ul></body></html>",
        encoding="utf-8",
    )
    return path


def write_markdown(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {title}\ntags: [journal]\n---\n# {title}\n\n{body}\n\n"
        "## Links\n\nSee [[Other note]] and #ideas.\n",
        encoding="utf-8",
    )
    return path


def write_zip_bomb(path: Path, expanded: int = 50 * 1024 * 1024) -> Path:
    """A .docx-named zip whose one member expands to ``expanded`` bytes of zeros."""
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w") as member,
    ):
        for _ in range(expanded // len(block)):
            member.write(block)
    return path
