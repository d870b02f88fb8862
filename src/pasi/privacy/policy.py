"""What may reach a remote model at all, pseudonymised or not.

Two rules, applied where the context is assembled (pasi.agent.context) and where tools read
the vault (recall, search, query_data), before any request exists:

- a source with ``remote_ok = 0`` (email by default, and anything the user marks so) stays on
  the machine: its turns, its items, and the memories learnt from it;
- a memory whose ``sensitivity`` is not ``normal`` (health, finances, religion, sexuality,
  politics) stays on the machine, and so do the turns it was learnt from.

A local model sees everything. When a remote model is asked something the withheld data would
answer, pasi says how many items it kept back (:func:`withheld_note`) instead of sending them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pasi.vault.withheld import (
    withheld_episode_ids,
    withheld_item_ids,
    withheld_memory_ids,
    withheld_source_ids,
)

SENSITIVE_KINDS = ("health", "finances", "religion", "sexuality", "politics")

T = TypeVar("T")


def withheld_note(count: int) -> str:
    """What the user is told when a remote model answered without some of their data."""
    items = "item" if count == 1 else "items"
    return (
        f"I have {count} {items} about this that I keep off cloud models; use a local model "
        "to include them."
    )


def model_note(count: int) -> str:
    """What the remote model is told, so it does not guess at what it cannot see."""
    return (
        f"{count} more item(s) matching this were withheld from you for the user's privacy; "
        "do not guess their content."
    )


class Withholding:
    """Which vault items a remote model may not see; built per turn from one read connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.source_ids = withheld_source_ids(conn)
        self._memories: dict[int, bool] = {}
        self._episodes: dict[int, bool] = {}

    def withholds(self, kind: str, item_id: int) -> bool:
        if kind == "memory":
            return bool(self._withheld(self._memories, withheld_memory_ids, [item_id]))
        if kind == "episode":
            return bool(self._withheld(self._episodes, withheld_episode_ids, [item_id]))
        if kind == "item":
            return bool(self.withheld_items([item_id]))
        return False

    def keep(self, found: Sequence[T]) -> tuple[list[T], int]:
        """Recalled results (anything with ``kind`` and ``id``) a remote model may see, and how
        many were held back."""
        kinds = {"memory": (self._memories, withheld_memory_ids),
                 "episode": (self._episodes, withheld_episode_ids)}  # fmt: skip
        held: set[tuple[str, int]] = set()
        for kind, (cache, lookup) in kinds.items():
            ids = [r.id for r in found if r.kind == kind]  # type: ignore[attr-defined]
            held |= {(kind, i) for i in self._withheld(cache, lookup, ids)}
        kept = [r for r in found if (r.kind, r.id) not in held]  # type: ignore[attr-defined]
        return kept, len(found) - len(kept)

    def withheld_items(self, ids: Iterable[int]) -> set[int]:
        return withheld_item_ids(self.conn, ids) if self.source_ids else set()

    def _withheld(self, cache: dict[int, bool], lookup: Any, ids: list[int]) -> set[int]:
        unknown = [i for i in dict.fromkeys(ids) if i not in cache]
        if unknown:
            held = lookup(self.conn, unknown)
            cache.update({i: i in held for i in unknown})
        return {i for i in ids if cache[i]}


_LEADING_WITH = re.compile(r"^\s*WITH(\s+RECURSIVE)?\s", re.I)


def views_without_withheld(sql: str, views: Iterable[str], source_ids: Iterable[int]) -> str:
    """``sql`` reading each view without the rows of withheld sources.

    Each view is shadowed by a common table expression of the same name that reads the real
    view (``main.emails``) and drops those rows; the query itself is unchanged. Callers must
    refuse a query that defines its own CTE with a view's name (pasi.tools.data does).
    """
    held = sorted(set(source_ids))
    if not held:
        return sql
    listed = ", ".join(str(int(i)) for i in held)
    ctes = ", ".join(
        f'"{v}" AS (SELECT * FROM main."{v}" WHERE source_id IS NULL OR source_id NOT IN ({listed}))'
        for v in views
    )
    if not ctes:
        return sql
    match = _LEADING_WITH.match(sql)
    if match is None:
        return f"WITH {ctes} {sql}"
    recursive = " RECURSIVE" if match.group(1) else ""
    return f"WITH{recursive} {ctes}, {sql[match.end() :]}"
