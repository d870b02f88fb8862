"""What every command shares: the lazily opened assistant, text from arguments or stdin, times.

Nothing heavy is imported at module level: ``pasi chat`` must reach its prompt quickly, and
``pasi --help`` should not load NumPy, SQLite indexes or the embedding model.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pasi.errors import InputError

if TYPE_CHECKING:
    from pasi.app import Pasi
    from pasi.cli.logs import LogSetup
    from pasi.config import Settings
    from pasi.models.embedder import Embedder

MAX_STATEMENT_CHARS = 100_000  # mirrors pasi.memory.text, kept here to avoid importing it early
_STDIN_LIMIT = 4 * MAX_STATEMENT_CHARS + 4  # UTF-8 needs at most 4 bytes per character


@dataclass
class State:
    """Global flags of one invocation, and the assistant opened on first use."""

    flags: dict[str, Any]
    logs: LogSetup | None = None  # the invocation's logging (pasi.cli.logs), told the vault
    _settings: Settings | None = None
    _pasi: Pasi | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            from pasi.config import load_settings

            self._settings = load_settings(**self.flags)
            if self.logs is not None:
                self.logs.attach(self._settings.vault)
        return self._settings

    def embedder(self) -> Embedder | None:
        from pasi.models.embedder import make_embedder

        return make_embedder(self.settings().embedder)

    def pasi(self) -> Pasi:
        if self._pasi is None:
            from pasi.app import Pasi
            from pasi.cli.unlock import unlock

            self._pasi = Pasi(unlock(self.settings()))
        return self._pasi

    def close(self) -> None:
        if self._pasi is not None:
            self._pasi.close()
            self._pasi = None
        if self.logs is not None:
            self.logs.close()
            self.logs = None


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):  # a sub-command run on its own, e.g. from a test
        root.obj = State({})
        root.call_on_close(root.obj.close)
    return root.obj


def check_utf8(text: str, what: str) -> str:
    """Arguments that were not UTF-8 arrive as lone surrogates; SQLite would reject them later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            f"the {what} is not valid UTF-8 (character {error.start + 1}); "
            "check your terminal's encoding"
        ) from None
    return text


def read_stdin_text(what: str) -> str:
    """All of stdin as UTF-8 text, refusing undecodable bytes and text past the size limit."""
    raw = sys.stdin.buffer.read(_STDIN_LIMIT + 1)
    if len(raw) > _STDIN_LIMIT:
        raise InputError(
            f"the {what} on stdin is longer than the limit of {MAX_STATEMENT_CHARS:,} characters; "
            "split it, or import it as a document"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the {what} on stdin is not valid UTF-8 (byte {error.start}); "
            "convert it to UTF-8 and try again"
        ) from None


def text_argument(value: str, what: str) -> str:
    """A TEXT argument: the value itself, or stdin when it is '-'."""
    return read_stdin_text(what) if value == "-" else check_utf8(value, what)


def parse_when(value: str) -> datetime:
    """--when: ISO 8601 first; otherwise a phrase such as 'last May' read by dateparser."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = _parse_phrase(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_phrase(value: str) -> datetime:
    import dateparser  # ~0.3 s to import: only when a phrase is given

    parsed = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True})
    if parsed is None:
        raise InputError(
            f"cannot read the date '{value}' given to --when: use YYYY-MM-DD "
            "(or a full ISO 8601 time such as 2024-05-01T09:30)"
        )
    return parsed


def show_time(at: datetime | None) -> str:
    if at is None:
        return ""
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return at.date().isoformat()
    return at.strftime("%Y-%m-%d %H:%M")


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file")
    return path
