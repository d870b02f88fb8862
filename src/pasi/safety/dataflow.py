"""Where each argument of a side-effecting call came from: the user, their records, or others.

CaMeL (Debenedetti et al., 2025) lets only the user's query choose what happens and follows
every value from the data it was read from. pasi's model plans for itself, so pasi follows the
values instead, by where they occur in what the turn has read (a :class:`Ledger`):

- **user**: in the user's own words, or in text with trust ``user`` (their notes, contacts,
  calendar entries they made, their sent mail, ids the vault or a tool assigned);
- **external**: only in text written by others (email bodies, web pages, shared documents);
- **unseen**: nowhere: the model wrote it (a summary, a time it computed, or a value it
  rewrote from something it read, which string matching cannot see).

Arguments play two parts. A **target** names who or what a call acts on or reaches: recipients,
participants, an address to share with, the id of the file to delete, and every e-mail address
or link written inside other text. **Content** is what is written: a body, a title, a time.
Targets decide who receives the user's data and what is destroyed, so they must be the user's;
content may come from anything the user asked pasi to use, since it only goes where the
targets (the user's choice) send it. Each decision is made in :mod:`pasi.safety.consent_rule`.

Matching: texts and values are compared case-folded with white space collapsed. A target
matches only as a whole token (``13`` is not found in ``2024-05-13`` or ``13:00``). A value the user
typed or keeps in their records counts as theirs even when others wrote it too (the user may
well have meant it; a record a side effect of this turn wrote does not count, since the model
may have copied it there from others' text), unless it is short (under
:data:`SHORT` characters: an id, a number, "yes"): so short a value is common and cannot show
which copy the model used. Others' text names a short value only where something is named by
it (``ID '13'``, ``file 13``, ``#13``), not where it counts (``3 cups``, ``2024-05-13``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pasi.safety.provenance import Provenance

Kind = Literal["user", "external", "unseen", "fixed"]
SHORT = 5
LONG = 12  # content this long is also found with white space and quotes squeezed out
SHOWN = 60  # characters of a value shown in a confirmation
# Words in an argument's name that make it a target: it names who or what the call reaches.
TARGET_WORDS = frozenset(
    "id ids recipient recipients to cc bcc participant participants attendee attendees email "
    "emails address addresses url urls link links path paths phone number contact contacts "
    "user users account channel attachment attachments goal memory reminder".split()
)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[^\s'\"<>)\]]+", re.IGNORECASE)
_EDGE = r"[\w@:/\-]"  # a token's neighbours that make it part of a longer value
# What names a record by a short value: a word for an id or a record, or a quote, just before.
_NAMING = (
    r"(?:(?:\bids?|\bno\.?|\bnumbers?|\bfiles?|\bevents?|\be-?mails?|\bmessages?|"
    r"\bdocuments?|\bitems?|\bmemor(?:y|ies)|\breminders?|\bgoals?)\s*[:=]?\s*['\"`]?|#|['\"`])"
)


def normal(text: str) -> str:
    """Text as values are compared: case-folded, escapes and white space folded to one space."""
    return " ".join(re.sub(r"\\[nrt]", " ", text).casefold().split())


def plain(text: str) -> str:
    """Text without white space, quotes or escapes (YAML folds and quotes long strings)."""
    return re.sub(r"[\s'\"\\]+", "", re.sub(r"\\[nrt]", " ", text)).casefold()


@dataclass(frozen=True)
class Passage:
    """A piece of text the model has read, and who wrote it."""

    text: str
    provenance: Provenance


@dataclass(frozen=True)
class Origin:
    """Where one argument value came from."""

    path: str  # where in the arguments: ``recipients[0]``, ``body``
    value: str
    kind: Kind
    source: str  # "your message", a source uri or a tool's name, "written by the model"
    target: bool

    @property
    def clean(self) -> bool:
        """The user's (or a fixed option of the tool), so it needs no question."""
        return self.kind in ("user", "fixed")

    def describe(self) -> str:
        shown = self.value if len(self.value) <= SHOWN else self.value[: SHOWN - 1] + "…"
        where = {
            "user": f"from {self.source}",
            "external": f"from text written by others ({self.source})",
            "unseen": "written by the model (found in nothing you wrote)",
            "fixed": "one of the tool's fixed options",
        }[self.kind]
        return f"{self.path} {shown!r} {where}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "value": self.value, "kind": self.kind, "source": self.source,
            "target": self.target,
        }  # fmt: skip


@dataclass
class _Read:
    source: str
    normal: str
    plain: str


@dataclass
class Ledger:
    """What one turn has read, by who wrote it: the user's words, user records, others' text."""

    words: list[_Read] = field(default_factory=list)
    records: list[_Read] = field(default_factory=list)
    external: list[_Read] = field(default_factory=list)
    made: list[_Read] = field(default_factory=list)  # written by this turn's side effects

    def hear(self, text: str, source: str = "your message") -> None:
        """The user's own words (this turn's message; earlier messages they typed)."""
        if text.strip():
            self.words.append(_Read(source, normal(text), plain(text)))

    def read(self, passages: Iterable[Passage], *, made: bool = False) -> None:
        """``made``: what a side effect of this turn wrote or reported (a file it created):
        it may hold what the model copied from others, so others' copy wins over it."""
        for passage in passages:
            if not passage.text.strip():
                continue
            source = passage.provenance.source
            if passage.provenance.tag:
                source = f"{source} [{passage.provenance.tag}]"
            read = _Read(source, normal(passage.text), plain(passage.text))
            if passage.provenance.trust == "external":
                self.external.append(read)
            else:
                (self.made if made else self.records).append(read)

    def said(self) -> str:
        """The user's words, for what they asked pasi to do."""
        return " ".join(read.normal for read in self.words)

    def origin(self, path: str, value: str, *, target: bool) -> Origin:
        def found(reads: list[_Read], named: bool = False) -> _Read | None:
            return next((r for r in reads if _occurs(value, r, token=target, named=named)), None)

        said, others = found(self.words), found(self.external, named=True)
        kept = said or found(self.records)
        if others is not None and (kept is None or len(normal(value)) < SHORT):
            return Origin(path, value, "external", others.source, target)
        mine = kept or found(self.made)
        if mine is not None:
            return Origin(path, value, "user", mine.source, target)
        return Origin(path, value, "unseen", "the model", target)

    def origins(self, arguments: Any, fixed: frozenset[str] = frozenset()) -> list[Origin]:
        """Every value of a call's arguments, with where it came from; addresses and links
        inside content are followed as targets of their own."""
        found = []
        for path, value, target in leaves(arguments):
            if path.split("[")[0] in fixed:
                found.append(Origin(path, value, "fixed", "the tool", target))
                continue
            found.append(self.origin(path, value, target=target))
            if not target:
                for address in dict.fromkeys(_ADDRESS.findall(value)):
                    found.append(self.origin(f"{path} (inside)", address, target=True))
        return found


def _occurs(value: str, read: _Read, *, token: bool, named: bool = False) -> bool:
    """``named``: a short value counts only where the text names something by it (``ID
    '13'``, ``file 13``, ``#13``), not as a quantity (``3 cups``, ``for 11 minutes``)."""
    wanted = normal(value)
    if not wanted:
        return False
    if token or len(wanted) < LONG:
        edge = _EDGE if len(wanted) < SHORT else r"[\w@\-]"
        before = _NAMING if named and len(wanted) < SHORT else ""
        pattern = rf"{before}(?<!{edge}){re.escape(wanted)}(?!{edge}|\.\w)"
        return re.search(pattern, read.normal) is not None
    squeezed = plain(value)
    return bool(squeezed) and squeezed in read.plain


def is_target(name: str) -> bool:
    words = re.split(r"[_\W]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())
    return any(word in TARGET_WORDS for word in words)


def leaves(arguments: Any, path: str = "", target: bool = False) -> Iterator[tuple[str, str, bool]]:
    """``(path, value, is target)`` for each string or number in a call's arguments; a value
    inside a target field (``attachments[0].file_id``) is a target too."""
    if isinstance(arguments, dict):
        for key, value in arguments.items():
            inner = f"{path}.{key}" if path else str(key)
            yield from leaves(value, inner, target or is_target(str(key)))
    elif isinstance(arguments, list | tuple):
        for number, value in enumerate(arguments):
            yield from leaves(value, f"{path}[{number}]", target)
    elif isinstance(arguments, bool) or arguments is None:
        return
    elif isinstance(arguments, int | float | str):
        text = str(arguments)
        if text.strip():
            yield path or "arguments", text, target


def fixed_fields(schema: dict[str, Any]) -> frozenset[str]:
    """Top-level arguments whose schema allows only listed options (an enum, a boolean)."""
    defs = schema.get("$defs", {})
    fixed = set()
    for name, prop in schema.get("properties", {}).items():
        ref = prop.get("$ref", "")
        resolved = defs.get(ref.rsplit("/", 1)[-1], {}) if ref else prop
        if "enum" in resolved or "const" in resolved or resolved.get("type") == "boolean":
            fixed.add(name)
    return frozenset(fixed)
