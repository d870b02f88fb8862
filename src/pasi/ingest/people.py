"""One person, one entity: the same someone from contacts, email, calendars and chats.

A person is matched by email address first (addresses are unique and stable), then by
normalised name ("Berg, Anna", "anna  berg" and "Anna Berg" are one name; accents are ignored),
then, for a single word such as a chat speaker's "Anna", by a first name that only one known
person has. Every name and address seen is kept as an alias, so later matches get easier.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

from pasi.ingest.document import Person
from pasi.vault import items as it


def normalise_name(name: str) -> str:
    if "," in name and "@" not in name:  # "Berg, Anna" -> "Anna Berg"
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w@.]+", " ", plain.casefold()).split())


@dataclass
class _Known:
    name: str
    aliases: list[str]
    attributes: dict
    changed: bool = False


@dataclass
class People:
    """Entity lookups for one sync run, loaded once; :meth:`forget_cache` after a rollback."""

    _known: dict[int, _Known] = field(default_factory=dict)
    _by_email: dict[str, int] = field(default_factory=dict)
    _by_name: dict[str, int] = field(default_factory=dict)
    _by_first: dict[str, set[int]] = field(default_factory=dict)
    _loaded: bool = False

    def forget_cache(self) -> None:
        self._known, self._by_email, self._by_name, self._by_first = {}, {}, {}, {}
        self._loaded = False

    def _load(self, conn: sqlite3.Connection) -> None:
        for row in it.people_entities(conn):
            known = _Known(row["name"], json.loads(row["aliases"]), json.loads(row["attributes"]))
            self._index(row["id"], known)
        self._loaded = True

    def _index(self, entity_id: int, known: _Known) -> None:
        self._known[entity_id] = known
        for alias in [known.name, *known.aliases, *known.attributes.get("emails", [])]:
            key = normalise_name(alias)
            if "@" in key:
                self._by_email.setdefault(key, entity_id)
            elif key:
                self._by_name.setdefault(key, entity_id)
                if " " in key:
                    self._by_first.setdefault(key.split()[0], set()).add(entity_id)

    def _match(self, person: Person) -> int | None:
        for address in person.emails:
            if address.lower() in self._by_email:
                return self._by_email[address.lower()]
        names = [normalise_name(n) for n in (person.name, *person.aliases) if n]
        for key in names:
            if key in self._by_name:
                return self._by_name[key]
        for key in names:
            if " " not in key and len(self._by_first.get(key, ())) == 1:
                return next(iter(self._by_first[key]))
        return None

    def resolve(self, conn: sqlite3.Connection, person: Person) -> int | None:
        """The entity id for ``person``, creating or enriching the entity as needed."""
        if not self._loaded:
            self._load(conn)
        if not (person.name or person.emails):
            return None
        entity_id = self._match(person)
        if entity_id is None:
            return self._create(conn, person)
        self._merge(conn, entity_id, person)
        return entity_id

    def _create(self, conn: sqlite3.Connection, person: Person) -> int:
        name = (person.name or person.emails[0]).strip()
        aliases = [a for a in dict.fromkeys([*person.aliases, *person.emails]) if a != name]
        attributes = {"origin": "ingest", "emails": list(person.emails),
                      "phones": list(person.phones)}  # fmt: skip
        if conn.execute(
            "SELECT 1 FROM entities WHERE name = ? AND kind = 'person'", (name,)
        ).fetchone():
            name = f"{name} ({person.emails[0]})" if person.emails else f"{name} (2)"
        entity_id = it.insert_entity(conn, name, aliases, attributes)
        self._index(entity_id, _Known(name, aliases, attributes))
        return entity_id

    def _merge(self, conn: sqlite3.Connection, entity_id: int, person: Person) -> None:
        known = self._known[entity_id]
        emails = known.attributes.setdefault("emails", [])
        phones = known.attributes.setdefault("phones", [])
        before = (known.name, len(known.aliases), len(emails), len(phones))
        if person.name and "@" in known.name and not self._name_taken(conn, person.name):
            known.aliases.append(known.name)  # an address was all we knew; now a real name
            known.name = person.name
        for alias in (person.name, *person.aliases, *person.emails):
            if alias and alias != known.name and alias not in known.aliases:
                known.aliases.append(alias)
        emails.extend(e for e in person.emails if e not in emails)
        phones.extend(p for p in person.phones if p not in phones)
        if (known.name, len(known.aliases), len(emails), len(phones)) != before:
            it.update_entity(conn, entity_id, known.name, known.aliases, known.attributes)
            self._index(entity_id, known)

    @staticmethod
    def _name_taken(conn: sqlite3.Connection, name: str) -> bool:
        row = conn.execute(
            "SELECT 1 FROM entities WHERE name = ? AND kind = 'person'", (name,)
        ).fetchone()
        return row is not None
