"""Write what a connector read into the vault: one file, one transaction.

Chunks become episodes through ``MemoryStore.record_turns`` (the same path as conversations,
so they are indexed and searchable); items and their people links are replaced wholesale.
Episode external ids are ``locator#hash``: a chunk whose text did not change keeps its episode
(and the memories that cite it) when its file is re-synced; a chunk that changed or vanished
is erased through ``MemoryStore.erase_episodes``, which also rebuilds its neighbours' index
entries and drops memories that rested only on it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from pasi.clock import to_iso
from pasi.ingest.document import Chunk, Document, file_uri, split_long
from pasi.ingest.kept_local import kept_local
from pasi.ingest.people import People
from pasi.ingest.table_meta import stored_cursor
from pasi.memory.store import MemoryStore, Turn
from pasi.vault import episodes as ep
from pasi.vault import items as it
from pasi.vault import memories as mem


def _fragment(document: Document) -> str:
    return document.uri.partition("#")[2]


def _turns(documents: list[Document]) -> list[Turn]:
    """Every chunk as a turn with a unique external id pointing back into the file."""
    turns: list[Turn] = []
    seen: set[str] = set()
    for document in documents:
        session_default = _fragment(document)
        for chunk in documents_chunks(document):
            text = chunk.text.replace("\x00", "")
            if chunk.heading:
                text = f"{chunk.heading}\n{text}"
            if not text.strip():
                continue
            digest = hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:10]
            external_id = f"{chunk.locator}#{digest}"
            while external_id in seen:
                external_id += "+"
            seen.add(external_id)
            turns.append(Turn(text=text, role=chunk.role, speaker=chunk.speaker,
                              session=chunk.session or session_default,
                              external_id=external_id,
                              occurred_at=chunk.at or document.modified))  # fmt: skip
    return turns


def documents_chunks(document: Document) -> list[Chunk]:
    """The document's chunks, any over-long one split (a search unit stays small)."""
    out: list[Chunk] = []
    for chunk in document.chunks:
        pieces = split_long(chunk.text, 4000) if len(chunk.text) > 4000 else [chunk.text]
        for index, piece in enumerate(pieces):
            locator = chunk.locator if index == 0 else f"{chunk.locator} part {index + 1}"
            out.append(Chunk(piece, locator, chunk.heading, chunk.speaker, chunk.at,
                             chunk.session, chunk.role))  # fmt: skip
    return out


def _title(path: Path, documents: list[Document]) -> str:
    return documents[0].title or path.name if len(documents) == 1 else path.name


def write_documents(
    store: MemoryStore, people: People, path: Path, digest: str, documents: list[Document]
) -> None:
    """Replace everything stored from ``path`` with ``documents``, in one transaction."""
    uri = file_uri(path)
    trust = "external" if any(d.trust == "external" for d in documents) else "user"
    remote_ok = all(d.remote_ok for d in documents)
    title = _title(path, documents)
    turns = _turns(documents)
    now = store.clock()
    with store.vault.write() as conn:
        remote_ok = remote_ok and not kept_local(conn, path)  # a new file in a keep-local folder
        source_id = ep.ensure_source(conn, kind="file", uri=uri, now=now, title=title, trust=trust,
                                     remote_ok=remote_ok)  # fmt: skip
        if not remote_ok:  # marked private since the last sync; the reverse is the user's call
            conn.execute("UPDATE sources SET remote_ok = 0 WHERE id = ?", (source_id,))
        existing = it.source_episode_ids(conn, source_id)
        wanted = {t.external_id for t in turns}
        store.erase_episodes([i for x, i in existing.items() if x not in wanted])
        new = [t for t in turns if t.external_id not in existing]
        if new:
            ids = store.record_turns(new, source_uri=uri, source_kind="file", title=title,
                                     trust=trust)  # fmt: skip
            _remember(store, documents, source_id, dict(zip([t.external_id for t in new], ids,
                                                            strict=True)))  # fmt: skip
        old_tables = _tables(conn, source_id)
        it.delete_source_items(conn, source_id)
        _write_items(conn, people, source_id, documents)
        _write_tables(conn, documents, old_tables)
        if it.drop_unlinked_ingested_entities(conn):
            people.forget_cache()
        kinds = sorted({d.kind for d in documents})
        # A view cannot declare column types, so a table's inferred ones (and roles, and the
        # user's corrections) are kept with its source (pasi.ingest.table_meta).
        infos = {d.table[0]: d.table_info for d in documents if d.table and d.table_info}
        cursor = json.dumps(stored_cursor(conn, source_id, kinds, infos))
        conn.execute(
            "UPDATE sources SET title = ?, trust = ?, content_hash = ?, synced_at = ?, cursor = ?"
            " WHERE id = ?",
            (title, trust, digest, to_iso(now), cursor, source_id),
        )
        it.clear_errors(conn, [str(path)])


def _remember(
    store: MemoryStore, documents: list[Document], source_id: int, new: dict[str | None, int | None]
) -> None:
    """Memories a file states (a photo's caption), each resting on its chunk's new episode; a
    chunk that did not change kept its episode, and so its memory, from the last sync."""
    wanted = []
    for document in documents:
        for fact in document.memories:
            episode = next((i for x, i in new.items() if x and x.startswith(f"{fact.locator}#")
                            and i is not None), None)  # fmt: skip
            if episode is not None:
                valid_from = fact.at if fact.kind == "event" else None
                wanted.append(mem.NewMemory(fact.text, fact.kind, "user", valid_from,
                                            source_id=source_id, evidence=(episode,)))  # fmt: skip
    if wanted:
        store.remember_many(wanted)


def _write_items(
    conn: sqlite3.Connection, people: People, source_id: int, documents: list[Document]
) -> None:
    for document in documents:
        for item in document.items:
            item_id = it.insert_item(conn, source_id, item.kind, item.title, item.at, item.fields)
            for person in item.people:
                entity_id = people.resolve(conn, person)
                if entity_id is not None:
                    at = person.at or item.at
                    it.link_entity(conn, entity_id, source_id, item_id, person.role, at)
        for person in document.entities:
            entity_id = people.resolve(conn, person)
            if entity_id is not None:
                it.link_entity(conn, entity_id, source_id, None, person.role, person.at)


def _tables(conn: sqlite3.Connection, source_id: int) -> set[str]:
    rows = conn.execute(
        "SELECT DISTINCT kind FROM items WHERE source_id = ? AND kind LIKE 'row:%'", (source_id,)
    )
    return {r[0].removeprefix("row:") for r in rows}


def _write_tables(conn: sqlite3.Connection, documents: list[Document], old: set[str]) -> None:
    for document in documents:
        if document.table is not None:
            name, columns = document.table
            it.create_table_view(conn, name, [c for c, _ in columns])
    for name in old:
        it.drop_table_view_if_unused(conn, name)


def remove_source(store: MemoryStore, uri: str, path: str) -> None:
    """Erase a file's source and everything derived from it, in one transaction."""
    with store.vault.write() as conn:
        source_id = it.source_id(conn, uri)
        if source_id is None:
            return
        store.erase_episodes(list(it.source_episode_ids(conn, source_id).values()))
        tables = _tables(conn, source_id)
        it.delete_source_items(conn, source_id)
        conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        for name in tables:
            it.drop_table_view_if_unused(conn, name)
        it.drop_unlinked_ingested_entities(conn)
        it.clear_errors(conn, [path])
