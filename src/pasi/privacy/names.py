"""The names of the people the vault knows, found in text.

Names come from the ``entities`` table (each person's name and aliases, as pasi.ingest.people
merges them across contacts, email, calendars and chats) and the speakers of conversations. A full name also makes its first and last name findable on their
own ("Anna" and "Berg" for "Anna Berg"), since people are rarely called by their full name.
All spellings of one person map to one key, so they share one placeholder; a first name that
two people share gets a key of its own.

Matching is by words, not one big regular expression: the text is split into words once and
each run of up to :data:`MAX_WORDS` words is looked up in a dict, so thousands of known names
cost no more than a few. A match must start with a capital letter ("Will" is a name, "will"
is not) and may carry a possessive ("Anna's").
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pasi.ingest.people import normalise_name

MAX_WORDS = 5
MIN_PART = 3  # a first or last name shorter than this ("Al", "Li") is only found in full
_WORD = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
NOT_PEOPLE = {"user", "pasi", "assistant", "system", "me", "i"}


@dataclass
class KnownNames:
    """Spellings (normalised) → the key of the person they name."""

    keys: dict[str, str] = field(default_factory=dict)
    longest: int = 1
    _exact: set[str] = field(default_factory=set)  # whole names and aliases, not just parts

    def add(self, key: str, spellings: Iterable[str]) -> None:
        """One person's spellings; parts of multi-word names are added after full names."""
        given = [s for s in spellings if s and "@" not in s]
        for spelling in given:
            self._claim(normalise_name(spelling), key, exact=True)
        for spelling in given:
            words = _in_order(spelling).split()  # by spaces: "O'Neill" stays one part
            if len(words) > 1:
                for part in (normalise_name(words[0]), normalise_name(words[-1])):
                    if len(part.replace(" ", "")) >= MIN_PART:
                        self._claim(part, key, exact=False)

    def _claim(self, name: str, key: str, *, exact: bool) -> None:
        if not name or name in NOT_PEOPLE:
            return
        held = self.keys.get(name)
        if held is None or (exact and name not in self._exact):
            self.keys[name] = key
        elif held != key and exact == (name in self._exact):
            self.keys[name] = f"name:{name}"  # two people share it: its own placeholder
        if exact:
            self._exact.add(name)
        self.longest = max(self.longest, min(MAX_WORDS, len(name.split())))

    def find(self, text: str) -> list:  # -> list[detect.Span]
        from pasi.privacy.detect import Span

        if not self.keys:
            return []
        words = list(_WORD.finditer(text))
        spans = []
        index = 0
        while index < len(words):
            found = self._longest_at(text, words, index)
            if found is None:
                index += 1
                continue
            end_index, end, key = found
            spans.append(Span(words[index].start(), end, "PERSON", key))
            index = end_index + 1
        return spans

    def _longest_at(self, text: str, words: list[re.Match], index: int):
        first = words[index]
        if not first.group()[0].isupper():
            return None
        for last in range(min(len(words), index + self.longest) - 1, index - 1, -1):
            if any(text[words[i].end() : words[i + 1].start()].strip() for i in range(index, last)):
                continue  # the words of a name are separated by spaces only
            for end, name in self._candidates(text, words[index].start(), words[last]):
                key = self.keys.get(name)
                if key is not None:
                    return last, end, key
        return None

    @staticmethod
    def _candidates(text: str, start: int, last: re.Match) -> Iterator[tuple[int, str]]:
        yield last.end(), normalise_name(text[start : last.end()])
        possessive = _POSSESSIVE.search(last.group())
        if possessive:
            end = last.start() + possessive.start()
            yield end, normalise_name(text[start:end])


def _in_order(name: str) -> str:
    """ "Berg, Anna" as "Anna Berg"."""
    last, comma, first = name.partition(",")
    return f"{first} {last}" if comma else name


def load_known_names(conn: sqlite3.Connection, speakers: Iterable[str] | None = None) -> KnownNames:
    """Every person the vault knows: its entities, and the speakers (read here unless given)."""
    names = KnownNames()
    for row in conn.execute("SELECT id, name, aliases FROM entities WHERE kind = 'person'"):
        names.add(f"entity:{row[0]}", [row[1], *_aliases(row[2])])
    if speakers is None:
        speakers = new_speakers(conn, 0)[0]
    for name in speakers:
        if name and normalise_name(name) not in names.keys:
            names.add(f"name:{normalise_name(name)}", [name])
    return names


def new_speakers(conn: sqlite3.Connection, after: int) -> tuple[set[str], int]:
    """Speakers of the search units after unit ``after``, and the last unit read: a chat
    writes units every turn, and re-reading every speaker of a large vault costs ~0.1 s."""
    last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM search_units").fetchone()[0]
    rows = conn.execute(
        "SELECT DISTINCT speaker FROM search_units"
        " WHERE id > ? AND id <= ? AND speaker IS NOT NULL",
        (after, last),
    )
    return {row[0] for row in rows}, last


def _aliases(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except json.JSONDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
