"""The offline command grammar: what pocketsphinx is good at.

pocketsphinx's open-vocabulary model mishears most free speech, but constrained to a JSGF
grammar it reliably hears a few command shapes with a slot of everyday words: "remind me to
buy milk", "what's on today", "what do you remember about my sister". A recognised sentence
is passed on as the user's message, exactly as if it had been typed; :func:`parse_command`
says which command it is (for tests and for the offline responder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pasi.errors import ConfigError

COMMANDS = {
    "remind": "remind me to <words>",
    "remember": "remember that <words>",
    "recall": "what do you remember about <words>",
    "today": "what is on today | what's on today | what do i have today | what's my day",
    "tomorrow": "what is on tomorrow | what's on tomorrow | what do i have tomorrow",
}

# Everyday words a command's slot may hold: errands, people, places, times, numbers.
SLOT_WORDS = """
a the my to at on in for with and about is
buy get call pay book pick up water feed walk clean send bring take cancel
milk bread eggs coffee medicine flowers tickets bills rent dinner lunch plants dog cat
mom dad sister brother wife husband son daughter friend boss doctor dentist ana john
home work office school bank shop gym station airport park paris berlin london
today tonight tomorrow morning evening week weekend
monday tuesday wednesday thursday friday saturday sunday
one two three four five six seven eight nine ten
birthday meeting appointment trip party
""".split()


@dataclass(frozen=True)
class Command:
    kind: str  # a key of COMMANDS
    words: str = ""  # the slot: "buy milk", "my sister"


def parse_command(text: str) -> Command | None:
    """The command a sentence is, if it is one of the grammar's shapes."""
    spoken = " ".join(text.lower().replace("\u2019", "'").split())
    for kind, shapes in COMMANDS.items():
        for shape in (s.strip() for s in shapes.split("|")):
            prefix, slot, _ = shape.partition("<words>")
            if slot and spoken.startswith(prefix) and len(spoken) > len(prefix):
                return Command(kind, spoken[len(prefix) :].strip())
            if not slot and spoken == shape:
                return Command(kind)
    return None


def jsgf(dictionary: Path | None = None, wake_phrase: str = "") -> str:
    """The grammar as JSGF text; slot words missing from the dictionary are left out. A wake
    phrase may precede every command (the loop decides whether it must)."""
    known = _dictionary_words(dictionary) if dictionary else None
    words = sorted({w for w in SLOT_WORDS if known is None or w in known})
    wake = wake_phrase.lower().split()
    unknown = [w for w in wake if known is not None and w not in known]
    if unknown:
        raise ConfigError(
            f"voice_wake_phrase '{wake_phrase}': pocketsphinx does not know the word(s) "
            f"{', '.join(unknown)}; choose common English words (e.g. 'hey computer')"
        )
    rules = [f"<{kind}> = {shapes};" for kind, shapes in COMMANDS.items()]
    prefix = f"[{' '.join(wake)}] " if wake else ""
    return "\n".join([
        "#JSGF V1.0;", "grammar pasi;",
        f"public <command> = {prefix}({' | '.join(f'<{k}>' for k in COMMANDS)});", *rules,
        "<words> = <word>+;", f"<word> = {' | '.join(words)};",
    ])  # fmt: skip


@cache
def _dictionary_words(path: Path) -> frozenset[str]:
    words = set()
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            words.add(re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0]))
    return frozenset(words)
