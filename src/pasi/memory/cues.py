"""Which kind of source a question is about: a recording ("yesterday's call", "the meeting",
"my memo") or what was on the screen ("the error on my screen", "what I saw in the terminal").

Both only boost (retrieval.RetrievalParams.source_boost): a question about "the call" may still
be answered by an email about it. Recordings are the files the audio connector reads (their
suffixes are listed here because memory sits left of ingest); captures are sources of kind
``capture`` (pasi.senses.capture.keep).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

RECORDING = "recording"
CAPTURE = "capture"
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac")

_RECORDING_WORDS = re.compile(
    r"\b(?:(?:phone |video |zoom )?calls?|recordings?|recorded|meetings?|memos?|voicemails?"
    r"|podcasts?|lectures?|interviews?|standups?|stand-ups?|heard|hear)\b"
)
_SCREEN_WORDS = re.compile(
    r"\b(?:screens?|saw|seen|see|windows?|display(?:ed)?|showed|shown|on-screen|popup|pop-up"
    r"|dialog|tab|terminal|console|browser|editor|app)\b"
)
# An app family named in a question, and words in the captured application's name (X11
# WM_CLASS) that belong to it: "the terminal" is xterm, konsole, kitty ...
APP_FAMILIES: Mapping[str, tuple[str, ...]] = {
    "terminal": ("term", "konsole", "kitty", "alacritty", "terminator", "tilix", "foot", "tmux"),
    "console": ("term", "konsole", "kitty", "alacritty", "terminator", "tilix", "foot", "tmux"),
    "browser": ("firefox", "chrom", "brave", "safari", "edge", "vivaldi", "opera", "epiphany"),
    "editor": ("code", "vim", "emacs", "gedit", "kate", "sublime", "jetbrains", "idea", "zed"),
    "mail": ("thunderbird", "evolution", "geary", "mail", "outlook"),
    "chat": ("slack", "signal", "telegram", "element", "discord", "teams", "whatsapp"),
}


def preferred_kind(question: str) -> str | None:
    """``recording``, ``capture`` or None, by the words of the question."""
    text = question.lower()
    recording = bool(_RECORDING_WORDS.search(text))
    screen = bool(_SCREEN_WORDS.search(text))
    if recording == screen:
        return None  # neither, or both ("the call I saw on screen"): no preference
    return RECORDING if recording else CAPTURE


def app_words(question: str) -> tuple[str, ...]:
    """Parts of application names the question's app family stands for."""
    text = question.lower()
    return tuple(w for family, names in APP_FAMILIES.items() if family in text for w in names)


def origin_kind(source_kind: str, uri: str) -> str | None:
    if source_kind == CAPTURE:
        return CAPTURE
    return RECORDING if uri.lower().endswith(AUDIO_SUFFIXES) else None


def preferred_units(
    origins: Mapping[int, tuple[str, str]],
    speakers: Mapping[int, str | None],
    kind: str | None,
    apps: tuple[str, ...],
) -> set[int]:
    """The units from the preferred kind of source; with an app family named, only captures
    of an application in it."""
    chosen = set()
    for unit_id, (source_kind, uri) in origins.items():
        origin = origin_kind(source_kind, uri)
        if origin is None or (kind is not None and origin != kind):
            continue
        if origin == CAPTURE and apps:
            app = (speakers.get(unit_id) or "").lower()
            if not any(word in app for word in apps):
                continue
        chosen.add(unit_id)
    return chosen
