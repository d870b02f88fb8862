"""Each connector on a real file written by the tests, and on a corrupted variant of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from files import (
    write_chatgpt,
    write_csv,
    write_docx,
    write_html,
    write_ics,
    write_markdown,
    write_mbox,
    write_pdf,
    write_telegram,
    write_vcf,
    write_whatsapp,
    write_zip_bomb,
)

from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.ingest.document import Connector, Document, IngestError
from pasi.ingest.registry import Connectors, default_connectors, register_connectors


@pytest.fixture
def connectors() -> Connectors:
    return default_connectors(max_bytes=20 * 1024 * 1024, clock=fixed_clock(NOW))


def read(connectors: Connectors, path: Path) -> list[Document]:
    connector = connectors.for_path(path)
    assert connector is not None, path
    return list(connector.read(path))


def test_markdown_keeps_headings_front_matter_tags_and_links(connectors, tmp_path) -> None:
    path = write_markdown(tmp_path / "trip.md", "Lisbon trip", "We ate pastel de nata.")
    [doc] = read(connectors, path)
    assert doc.title == "Lisbon trip" and doc.trust == "user"
    assert [c.heading for c in doc.chunks] == ["Lisbon trip", "Lisbon trip > Links"]
    assert doc.chunks[0].locator == "L7"  # the line in the file, after the front matter
    [note] = doc.items
    assert note.fields["tags"] == ["ideas", "journal"] and note.fields["links"] == ["Other note"]


def test_mbox_messages_become_email_items_in_threads(connectors, tmp_path) -> None:
    docs = read(connectors, write_mbox(tmp_path / "mail.mbox", 300))
    assert len(docs) == 300
    emails = [d.items[0] for d in docs]
    assert {e.kind for e in emails} == {"email"}
    first, reply = emails[0].fields, emails[1].fields
    assert first["from"] == "anna@example.org" and first["to"] == ["sam@example.com"]
    assert reply["thread"] == first["message_id"] == reply["in_reply_to"]
    assert docs[1].chunks[0].session == docs[0].chunks[0].session
    assert "quoted" not in docs[0].chunks[0].text  # quoted lines are dropped
    assert emails[5].fields["attachments"] == ["invoice-5.pdf"]
    assert "x()" not in docs[3].chunks[0].text and docs[0].trust == "external"


def test_ics_expands_weekly_event_across_dst_keeping_local_time(connectors, tmp_path) -> None:
    [doc] = read(connectors, write_ics(tmp_path / "cal.ics"))
    standups = [i for i in doc.items if i.title == "Team standup"]
    assert [i.fields["start"][11:16] for i in standups] == ["09:00"] * 4
    assert [i.at.hour for i in standups] == [8, 8, 7, 7]  # UTC moves at the 31 March change
    assert {i.fields["timezone"] for i in standups} == {"Europe/Berlin"}
    dinner = next(i for i in doc.items if i.title == "Dinner with Anna")
    assert dinner.people[0].emails == ("anna@example.org",)


def test_vcard_keeps_every_email_and_phone(connectors, tmp_path) -> None:
    [doc] = read(connectors, write_vcf(tmp_path / "people.vcf"))
    anna = doc.items[0]
    assert anna.kind == "contact"
    assert anna.people[0].emails == ("anna@example.org", "anna.berg@work.example")
    assert len(doc.items[1].fields["phones"]) == 2


def test_csv_infers_numbers_dates_and_money(connectors, tmp_path) -> None:
    [doc] = read(connectors, write_csv(tmp_path / "Spending 2024.csv"))
    name, columns = doc.table
    assert name == "spending_2024"
    assert dict(columns) == {"date": "date", "description": "text", "amount": "money",
                             "count": "integer", "pasi_date": "date", "pasi_amount": "money",
                             "pasi_currency": "text"}  # fmt: skip
    roles = {c["name"]: c["role"] for c in doc.table_info["columns"]}
    assert roles == {"date": "date", "description": "description", "amount": "amount",
                     "count": "other"}  # fmt: skip
    assert doc.table_info["currency"] == "EUR"
    row = doc.items[0]
    assert row.kind == "row:spending_2024" and row.fields["amount"] == 42.5
    assert row.fields["pasi_amount"] == 42.5 and row.fields["pasi_raw"]["amount"] == "€42.50"
    assert row.at == datetime(2024, 1, 5, tzinfo=UTC)


def test_chat_exports_become_turns_with_speakers_and_times(connectors, tmp_path) -> None:
    [wa] = read(connectors, write_whatsapp(tmp_path / "WhatsApp Chat.txt"))
    assert [c.speaker for c in wa.chunks] == ["Anna Berg", "Sam Rivers", "Anna Berg"]
    assert wa.chunks[1].text.endswith("bring the photos")  # a continuation line
    assert wa.chunks[0].at == datetime(2024, 3, 13, 18, 2, tzinfo=UTC)
    [gpt] = read(connectors, write_chatgpt(tmp_path / "conversations.json"))
    assert [(c.speaker, c.role) for c in gpt.chunks] == [("user", "user"),
                                                        ("ChatGPT", "assistant")]  # fmt: skip
    [tg] = read(connectors, write_telegram(tmp_path / "result.json"))
    assert [c.text for c in tg.chunks] == ["Did you book the climbing gym?", "Yes, Saturday 10am"]


def test_documents_pdf_docx_html(connectors, tmp_path) -> None:
    [pdf] = read(connectors, write_pdf(tmp_path / "invoice.pdf"))
    assert "bicycle repair" in pdf.chunks[0].text and pdf.chunks[0].locator == "page 1"
    [word] = read(connectors, write_docx(tmp_path / "lease.docx"))
    assert [c.heading for c in word.chunks] == ["Lease agreement", "Deposit"]
    [page] = read(connectors, write_html(tmp_path / "soup.html"))
    assert page.title == "Recipe: lentil soup" and page.trust == "external"
    assert "alert" not in " ".join(c.text for c in page.chunks)


CORRUPT = {  # file name: (the connector that claims it, how to write it broken)
    "truncated.pdf": ("pdf", lambda p: p.write_bytes(write_pdf(p).read_bytes()[:60])),
    "broken.ics": (
        "ics",
        lambda p: p.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:notadate\n"),
    ),
    "binary.md": ("markdown", lambda p: p.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)),
    "latin1.txt": ("text", lambda p: p.write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))),
    "bomb.docx": ("docx", lambda p: write_zip_bomb(p)),
    "notazip.docx": ("docx", lambda p: p.write_bytes(b"hello")),
    "bad.vcf": ("vcard", lambda p: p.write_text("BEGIN:VCARD\nFN:\n")),
    "bad.csv": ("csv", lambda p: p.write_text("only a header\n")),
    "bad.mbox": ("mbox", lambda p: p.write_bytes(b"\x89PNG not mail")),
    "conversations.json": ("chatgpt", lambda p: p.write_text('[{"mapping": 5, "title": "x"}]')),
    "result.json": ("telegram", lambda p: p.write_text('{"messages": [1, 2')),
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_a_corrupted_file_raises_an_error_naming_it(connectors, tmp_path, name) -> None:
    path = tmp_path / name
    claimed_by, write_broken = CORRUPT[name]
    write_broken(path)
    connector = connectors.for_path(path)
    assert connector and connector.name == claimed_by
    with pytest.raises(IngestError) as caught:
        list(connector.read(path))
    assert str(path) in str(caught.value)


def test_third_party_connectors_register_like_builtins(tmp_path) -> None:
    class Dummy:
        name = "dummy"

        def matches(self, path: Path) -> bool:
            return path.suffix == ".dummy"

        def read(self, path: Path):
            yield Document(uri=f"file:{path}", title="d", kind="dummy")

    registry = Connectors()
    register_connectors(registry, Dummy())
    assert isinstance(Dummy(), Connector)
    assert registry.for_path(tmp_path / "x.dummy").name == "dummy"
    with pytest.raises(TypeError):
        register_connectors(registry, object())  # type: ignore[arg-type]
