"""SQL for sources and episodes. Every function takes a connection from the vault."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import to_iso
from pasi.vault.records import Episode, Source


def ensure_source(
    conn: sqlite3.Connection,
    *,
    kind: str,
    uri: str,
    now: datetime,
    title: str | None = None,
    trust: str = "user",
    remote_ok: bool = True,
) -> int:
    """Return the id of the source with this uri, creating it if needed."""
    row = conn.execute("SELECT id FROM sources WHERE uri = ?", (uri,)).fetchone()
    if row:
        return row[0]
    cur = conn.execute(
        "INSERT INTO sources (kind, uri, title, trust, remote_ok, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (kind, uri, title, trust, int(remote_ok), to_iso(now)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def get_source(conn: sqlite3.Connection, source_id: int) -> Source | None:
    row = conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
    return Source.from_row(row) if row else None


def set_source_title(conn: sqlite3.Connection, source_id: int, title: str | None) -> None:
    conn.execute("UPDATE sources SET title = ? WHERE id = ?", (title, source_id))


def source_episode_ids(conn: sqlite3.Connection, source_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM episodes WHERE source_id = ? ORDER BY position", (source_id,)
    )
    return [row[0] for row in rows]


def delete_source(conn: sqlite3.Connection, source_id: int) -> None:
    """Delete the source row (erase its turns first, through the memory store's indexes)."""
    conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))


def list_sources(conn: sqlite3.Connection) -> list[Source]:
    return [Source.from_row(r) for r in conn.execute("SELECT * FROM sources ORDER BY id")]


@dataclass(frozen=True)
class NewEpisode:
    text: str
    role: str = "user"
    speaker: str | None = None
    session: str = ""
    external_id: str | None = None
    occurred_at: datetime | None = None


def next_position(conn: sqlite3.Connection, source_id: int) -> int:
    row = conn.execute(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM episodes WHERE source_id = ?", (source_id,)
    ).fetchone()
    return int(row[0])


def insert_episodes(
    conn: sqlite3.Connection, source_id: int, episodes: Sequence[NewEpisode], now: datetime
) -> list[int | None]:
    """Insert in order; an episode whose external id already exists is skipped (None)."""
    position = next_position(conn, source_id)
    ids: list[int | None] = []
    for episode in episodes:
        cur = conn.execute(
            "INSERT OR IGNORE INTO episodes (source_id, external_id, session, position, role,"
            " speaker, text, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                episode.external_id,
                episode.session,
                position,
                episode.role,
                episode.speaker,
                episode.text,
                to_iso(episode.occurred_at),
                to_iso(now),
            ),
        )
        if cur.rowcount:
            ids.append(int(cur.lastrowid))  # type: ignore[arg-type]
            position += 1
        else:
            ids.append(None)
    return ids


def get_episodes(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Episode]:
    wanted = list(dict.fromkeys(ids))
    found: dict[int, Episode] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM episodes WHERE id IN ({marks})", chunk):
            found[row["id"]] = Episode.from_row(row)
    return found


def session_episodes(conn: sqlite3.Connection, source_id: int, session: str) -> list[Episode]:
    rows = conn.execute(
        "SELECT * FROM episodes WHERE source_id = ? AND session = ? ORDER BY position",
        (source_id, session),
    )
    return [Episode.from_row(r) for r in rows]


def session_tail(
    conn: sqlite3.Connection, source_id: int, session: str, from_position: int, before: int
) -> list[Episode]:
    """The turns of a session from ``from_position`` on, after the ``before`` turns preceding
    it, in order: what indexing a turn appended to a long session needs of it."""
    rows = conn.execute(
        "SELECT * FROM (SELECT * FROM episodes WHERE source_id = ? AND session = ?"
        " AND position < ? ORDER BY position DESC LIMIT ?)"
        " UNION ALL SELECT * FROM episodes WHERE source_id = ? AND session = ? AND position >= ?"
        " ORDER BY position",
        (source_id, session, from_position, before, source_id, session, from_position),
    )
    return [Episode.from_row(r) for r in rows]


def recent_episodes(conn: sqlite3.Connection, source_id: int, limit: int) -> list[Episode]:
    rows = conn.execute(
        "SELECT * FROM episodes WHERE source_id = ? ORDER BY position DESC LIMIT ?",
        (source_id, limit),
    ).fetchall()
    return [Episode.from_row(r) for r in reversed(rows)]


def all_episodes(conn: sqlite3.Connection) -> Iterable[Episode]:
    for row in conn.execute("SELECT * FROM episodes ORDER BY source_id, position"):
        yield Episode.from_row(row)


def delete_episodes(conn: sqlite3.Connection, ids: Iterable[int]) -> int:
    """Delete turns and the record of what shaped a reply to or from them (``pasi why``), which
    quotes what the turns used: an erased turn leaves nothing behind."""
    count = 0
    for episode_id in ids:
        conn.execute(
            "DELETE FROM answers WHERE question_episode_id = ? OR answer_episode_id = ?",
            (episode_id, episode_id),
        )
        count += conn.execute("DELETE FROM episodes WHERE id = ?", (episode_id,)).rowcount
    return count


def source_id_for(conn: sqlite3.Connection, uri: str) -> int | None:
    row = conn.execute("SELECT id FROM sources WHERE uri = ?", (uri,)).fetchone()
    return int(row[0]) if row else None


def nearby_episodes(conn: sqlite3.Connection, episode: Episode, window: int) -> list[Episode]:
    """The turns up to ``window`` places before and after one turn in its session, in order."""
    rows = conn.execute(
        "SELECT * FROM episodes WHERE source_id = ? AND session = ? AND position BETWEEN ? AND ?"
        " AND id != ? ORDER BY position",
        (
            episode.source_id,
            episode.session,
            episode.position - window,
            episode.position + window,
            episode.id,
        ),
    )
    return [Episode.from_row(r) for r in rows]
