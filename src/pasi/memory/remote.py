"""What learning may send to a model that is not on the user's machine (pasi.privacy.policy).

The fast model reads conversation turns to extract memories and compares new memories with
similar ones it already holds. When that model is remote, turns from withheld sources (email,
private notes), turns that are the evidence of a sensitive memory, turns that touch a
sensitive kind (pasi.memory.sensitive), and withheld memories stay here. A turn kept back is
learnt from only by a local model (``pasi memories reextract`` once one is configured).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from pasi.memory.sensitive import classify
from pasi.vault.records import Episode
from pasi.vault.withheld import withheld_episode_ids, withheld_memory_ids


def turns_for_remote(conn: sqlite3.Connection, turns: Sequence[Episode]) -> list[Episode]:
    held = withheld_episode_ids(conn, [t.id for t in turns])
    return [t for t in turns if t.id not in held and not classify(t.text)]


def memories_for_remote(conn: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    """Of ``ids``, the memories a remote model may see."""
    return set(ids) - withheld_memory_ids(conn, ids)
