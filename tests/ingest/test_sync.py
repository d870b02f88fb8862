"""Sync: incremental by content hash, one transaction per file, broken files skipped by name."""

from __future__ import annotations

import os
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

from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.vault.memories import NewMemory


def count(store: MemoryStore, sql: str, *args) -> int:
    return store.vault.read().execute(sql, args).fetchone()[0]


def populate(folder: Path) -> Path:
    """Every format, in nested folders."""
    write_mbox(folder / "mail" / "archive.mbox", 200) if (folder / "mail").mkdir() is None else 0
    (folder / "calendar" / "2024").mkdir(parents=True)
    write_ics(folder / "calendar" / "2024" / "work.ics")
    write_vcf(folder / "contacts.vcf")
    write_csv(folder / "spending.csv")
    (folder / "chats").mkdir()
    write_whatsapp(folder / "chats" / "WhatsApp Chat with Anna.txt")
    write_chatgpt(folder / "chats" / "conversations.json")
    write_telegram(folder / "chats" / "result.json")
    write_docx(folder / "lease.docx")
    write_pdf(folder / "invoice.pdf")
    write_html(folder / "soup.html")
    for n in range(5):
        write_markdown(folder / "notes" / f"sub{n % 2}" / f"note{n}.md", f"Note {n}", f"Body {n}.")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "app.json").write_text("{}")
    (folder / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")  # a kind pasi does not read
    return folder


@pytest.mark.sqlite_only(
    reason="the csv_ views read JSON values as text on PostgreSQL, where SQLite keeps numbers (sums and comparisons of amounts)"
)
def test_ingest_a_nested_folder_then_resync_skips_everything(syncer, data) -> None:
    populate(data)
    first = syncer.ingest([data])
    assert first.failed == []
    assert first.counts()["added"] == 15 and first.counts()["ignored"] == 1
    store = syncer.store
    assert count(store, "SELECT COUNT(*) FROM emails") == 200
    assert count(store, "SELECT COUNT(*) FROM events") == 5
    assert count(store, "SELECT COUNT(*) FROM contacts") == 2
    assert count(store, "SELECT SUM(amount) FROM csv_spending") == 127.4
    episodes = count(store, "SELECT COUNT(*) FROM episodes")
    again = syncer.sync()
    assert again.counts()["skipped"] == 15
    assert again.added == again.updated == again.removed == again.failed == []
    assert count(store, "SELECT COUNT(*) FROM episodes") == episodes


def test_file_episodes_are_searchable_with_a_pointer_back(syncer, data) -> None:
    populate(data)
    syncer.ingest([data])
    [hit] = syncer.store.recall("lentils cumin", k=1)
    assert hit.source == f"file:{(data / 'soup.html').resolve()}"
    assert hit.external_id.startswith("block ")
    trust = count(syncer.store, "SELECT trust = 'external' FROM sources WHERE uri = ?", hit.source)
    assert trust == 1


def test_a_modified_file_is_replaced_and_unchanged_chunks_keep_their_episodes(syncer, data) -> None:
    note = write_markdown(data / "n.md", "Plans", "I will visit Porto in May.")
    syncer.ingest([data])
    store = syncer.store
    title_id = count(store, "SELECT id FROM episodes WHERE text LIKE '%Porto%'")
    note.write_text(note.read_text().replace("Porto", "Seville"))
    report = syncer.sync()
    assert report.updated == [str(note.resolve())]
    assert count(store, "SELECT COUNT(*) FROM episodes WHERE text LIKE '%Porto%'") == 0
    assert store.recall("Seville", k=1)[0].text.endswith("I will visit Seville in May.")
    assert count(store, "SELECT COUNT(*) FROM episodes WHERE text LIKE '%Other note%'") == 1
    assert title_id not in [r.id for r in store.recall("Porto", k=5)]


def test_a_deleted_file_takes_its_episodes_items_and_sole_memories(syncer, data) -> None:
    populate(data)
    syncer.ingest([data])
    store = syncer.store
    mail_episode = count(store, "SELECT MIN(id) FROM episodes WHERE speaker = 'Anna Berg'"
                         " AND external_id LIKE '<%'")  # fmt: skip
    note_episode = count(store, "SELECT MIN(id) FROM episodes WHERE text LIKE '%Body 1%'")
    only_mail, both = store.remember_many([
        NewMemory("Anna reviews the budget", evidence=(mail_episode,)),
        NewMemory("Anna and I plan things", evidence=(mail_episode, note_episode)),
    ])  # fmt: skip
    os.remove(data / "mail" / "archive.mbox")
    report = syncer.sync()
    assert report.removed == [str((data / "mail" / "archive.mbox").resolve())]
    assert count(store, "SELECT COUNT(*) FROM emails") == 0
    assert count(store, "SELECT COUNT(*) FROM episodes WHERE external_id LIKE '<%'") == 0
    assert count(store, "SELECT COUNT(*) FROM memories WHERE id = ?", only_mail.id) == 0
    assert store.get(both.id).evidence == (note_episode,)
    recalled = store.recall("Anna reviews the budget", k=10)
    assert all(r.id != only_mail.id for r in recalled if r.kind == "memory")
    assert count(store, "SELECT COUNT(*) FROM search_units WHERE kind = 'episode'") == count(
        store, "SELECT COUNT(*) FROM episodes"
    )
    # Chloé was only ever in the mail: she goes; Anna is still in contacts, chats, calendar.
    names = {r[0] for r in store.vault.read().execute("SELECT name FROM entities")}
    assert "Anna Berg" in names and "Chloé Martin" not in names


def test_broken_and_hostile_files_are_reported_and_the_run_goes_on(syncer, data) -> None:
    write_markdown(data / "good.md", "Good", "Fine text.")
    syncer.ingest([data])
    (data / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (data / "truncated.pdf").write_bytes(write_pdf(data / "x.pdf").read_bytes()[:70])
    os.remove(data / "x.pdf")
    (data / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nonsense\n")
    (data / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    write_zip_bomb(data / "bomb.docx")
    with (data / "huge.txt").open("wb") as handle:  # sparse: larger than the limit, no disk
        handle.truncate(syncer.max_bytes + 1)
    write_markdown(data / "later.md", "Later", "Still stored.")
    report = syncer.sync()
    failed = dict(report.failed)
    assert set(map(lambda p: Path(p).name, failed)) == {
        "binary.md",
        "truncated.pdf",
        "broken.ics",
        "latin1.txt",
        "bomb.docx",
        "huge.txt",
    }
    assert "binary" in failed[str((data / "binary.md").resolve())]
    assert "UTF-8" in failed[str((data / "latin1.txt").resolve())]
    assert "larger than the limit" in failed[str((data / "huge.txt").resolve())]
    assert "expands to" in failed[str((data / "bomb.docx").resolve())]
    assert report.added == [str((data / "later.md").resolve())]
    assert report.skipped == [str((data / "good.md").resolve())]
    assert count(syncer.store, "SELECT COUNT(*) FROM sync_errors") == 6
    assert syncer.store.vault.integrity_check() == "ok"


def test_a_failure_while_writing_rolls_back_only_that_file(syncer, data, monkeypatch) -> None:
    import pasi.ingest.writer as writer

    write_markdown(data / "a.md", "A", "Alpha.")
    syncer.ingest([data])
    before = count(syncer.store, "SELECT COUNT(*) FROM episodes")
    write_markdown(data / "b.md", "B", "Beta.")

    def explode(*args, **kwargs):
        raise ValueError("disk on fire")

    monkeypatch.setattr(writer, "_write_tables", explode)
    report = syncer.sync()
    assert [Path(p).name for p, _ in report.failed] == ["b.md"]
    assert count(syncer.store, "SELECT COUNT(*) FROM episodes") == before
    assert count(syncer.store, "SELECT COUNT(*) FROM sources WHERE uri LIKE '%b.md'") == 0


def test_a_single_file_can_be_ingested_and_its_deletion_synced(syncer, data) -> None:
    path = write_vcf(data / "c.vcf")
    report = syncer.ingest([path, data / "missing.md"])
    assert report.added == [str(path.resolve())]
    assert "no such file" in report.failed[0][1]
    path.unlink()
    assert syncer.sync().removed == [str(path.resolve())]
    assert count(syncer.store, "SELECT COUNT(*) FROM items") == 0


def test_resync_of_many_notes_is_fast_and_skips_all(lexical_store, data) -> None:
    for n in range(300):
        write_markdown(data / f"d{n % 7}" / f"n{n}.md", f"N {n}", f"Text {n}.")
    syncer = Syncer(lexical_store, max_bytes=1 << 20)
    assert syncer.ingest([data]).counts()["added"] == 300
    assert syncer.sync().counts()["skipped"] == 300
