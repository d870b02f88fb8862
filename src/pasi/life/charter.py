"""The user's charter: what pasi works for, in a file the user owns and edits.

The charter lives in the vault as ``charter.toml``, plain TOML a person can read and change
(``pasi charter edit``); in an encrypted vault it is sealed like every vault file
(:mod:`pasi.vault.files`), since values, the never-list and people are personal. pasi reads it before every answer and every delivery: quiet hours, the
daily chat budget and the morning brief are rules in code, the goals, values and "never" list
go into every context. A missing file is written with defaults on first use; a malformed one is
an error naming the file and the field, and is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pasi.errors import CharterError
from pasi.vault.sqlite import vault_files

CHARTER_FILE = "charter.toml"

DEFAULT_CHARTER = '''\
# Your charter: what pasi works for. pasi reads this file before every answer.
# Edit it with `pasi charter edit` or `pasi charter set FIELD VALUE`.

# Your time zone (IANA name such as "Europe/Berlin"); "" means this machine's zone.
timezone = ""

# Quiet hours ("HH:MM", may cross midnight): pasi sends nothing between them.
# Set both to "" to have no quiet hours.
quiet_start = "22:00"
quiet_end = "07:00"

# Minutes a day you want to spend chatting with pasi; 0 means no budget.
# When you reach it, pasi says so gently, once a day.
daily_budget_minutes = 60

# Time ("HH:MM") of the morning brief pasi prepares for you; "" means no scheduled brief.
morning_brief = ""

# What you are working towards, in your own words.
goals = """
"""

# What matters to you, and how you want pasi to speak to you.
values = """
"""

# What pasi must never do, e.g. ["give me medical advice without sources", "flatter me"].
# pasi already never uses streaks or points, never messages you unasked, and never ends an
# answer with a question meant to keep you talking: those rules are in its code.
never = []

# People who matter to you (names as in your contacts): the brief tells you when you have not
# been in touch for longer than usual.
people = []
'''


def _parse_clock_time(value: str) -> time | None:
    if value == "":
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a time of day like \"07:30\"") from None


class CharterFile(BaseModel):
    """What the file may say: checked at the boundary, so errors name the field."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = ""
    quiet_start: str = ""
    quiet_end: str = ""
    daily_budget_minutes: int = Field(default=0, ge=0, le=24 * 60)
    morning_brief: str = ""
    goals: str = ""
    values: str = ""
    never: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)

    @field_validator("quiet_start", "quiet_end", "morning_brief")
    @classmethod
    def _is_clock_time(cls, value: str) -> str:
        _parse_clock_time(value.strip())
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _is_zone(cls, value: str) -> str:
        if value.strip():
            _zone(value.strip())
        return value.strip()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not a time zone name like \"Europe/Berlin\"") from None


def machine_zone() -> ZoneInfo:
    """This machine's zone, by IANA name so DST rules apply (UTC when it cannot be told)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("zoneinfo/")[2])
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


@dataclass(frozen=True)
class Charter:
    """The charter as pasi uses it. Times of day are in :attr:`timezone`."""

    path: Path
    timezone: ZoneInfo
    quiet_start: time | None
    quiet_end: time | None
    daily_budget_minutes: int | None
    morning_brief: time | None
    goals: str
    values: str
    never: tuple[str, ...]
    people: tuple[str, ...] = ()

    def local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("the charter needs timezone-aware times")
        return at.astimezone(self.timezone)

    def local_day(self, at: datetime) -> date:
        return self.local(at).date()

    def is_quiet(self, at: datetime) -> bool:
        """Whether ``at`` falls in the quiet hours (start inclusive, end exclusive)."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        now = self.local(at).time().replace(tzinfo=None)
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= now < self.quiet_end
        return now >= self.quiet_start or now < self.quiet_end  # crosses midnight

    def quiet_until(self, at: datetime) -> datetime:
        """When the quiet hours holding ``at`` end (``at`` itself when it is not quiet)."""
        if not self.is_quiet(at) or self.quiet_end is None:
            return at
        local = self.local(at)
        end = datetime.combine(local.date(), self.quiet_end, tzinfo=self.timezone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.quiet_end, self.timezone)
        return end.astimezone(at.tzinfo)

    def to_json(self) -> dict[str, Any]:
        """The fields as ``pasi charter --json`` and ``GET /api/charter`` show them."""

        def clock(value: time | None) -> str | None:
            return value.strftime("%H:%M") if value else None

        return {
            "path": str(self.path),
            "timezone": self.timezone.key,
            "quiet_start": clock(self.quiet_start),
            "quiet_end": clock(self.quiet_end),
            "daily_budget_minutes": self.daily_budget_minutes,
            "morning_brief": clock(self.morning_brief),
            "goals": self.goals.strip(),
            "values": self.values.strip(),
            "never": list(self.never),
            "people": list(self.people),
        }

    def context_text(self) -> str:
        """The charter as the model reads it in every context."""
        lines = []
        if self.goals.strip():
            lines.append("The user's goals: " + " ".join(self.goals.split()))
        if self.values.strip():
            lines.append("The user's values: " + " ".join(self.values.split()))
        if self.never:
            lines.append("Never: " + "; ".join(self.never) + ".")
        return "\n".join(lines)


def charter_path(vault_dir: Path) -> Path:
    return Path(vault_dir) / CHARTER_FILE


def charter_text(vault_dir: Path) -> str:
    """The charter file's text, decrypted when the vault is encrypted."""
    path = charter_path(vault_dir)
    try:
        return vault_files(vault_dir).read_text(CHARTER_FILE)
    except UnicodeDecodeError:
        raise CharterError(f"the charter {path} is not UTF-8 text") from None
    except OSError as error:
        raise CharterError(f"cannot read the charter {path}: {error.strerror}") from None


def _read_file(vault_dir: Path) -> dict[str, Any]:
    path = charter_path(vault_dir)
    text = charter_text(vault_dir)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CharterError(f"the charter {path} is not valid TOML: {error}") from None


def _validate(path: Path, data: dict[str, Any]) -> CharterFile:
    try:
        return CharterFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "charter"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field (see docs/life.md for the charter's fields)"
        raise CharterError(f"the charter {path}: field '{field}': {message}") from None


def write_default_charter(vault_dir: Path) -> Path:
    files = vault_files(vault_dir)
    if not files.exists(CHARTER_FILE):  # never overwrite the user's charter
        return files.write_text(CHARTER_FILE, DEFAULT_CHARTER)
    return charter_path(vault_dir)


def write_charter_text(vault_dir: Path, text: str) -> Path:
    """Replace the charter's text (atomically; sealed in an encrypted vault), unchecked: the
    next :func:`load_charter` reports a mistake, naming the field."""
    return vault_files(vault_dir).write_text(CHARTER_FILE, text)


_LOADED: dict[Path, tuple[tuple[int, int, int], Charter]] = {}  # re-read when it changes


def load_charter(vault_dir: Path) -> Charter:
    """The vault's charter; written with defaults when the vault has none yet.

    Read before every turn and delivery, so a parsed charter is kept until the file changes
    (its inode, modification time or size): an edit in any process is seen at once.
    """
    path = charter_path(vault_dir)
    vault_files(vault_dir)  # cached or not, an encrypted vault not open here stays unreadable
    if not path.exists():
        write_default_charter(vault_dir)
    stat = path.stat()
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # `set` replaces the file: new inode
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == version:
        return cached[1]
    charter = _parse(vault_dir)
    _LOADED[path] = (version, charter)
    return charter


def _parse(vault_dir: Path) -> Charter:
    path = charter_path(vault_dir)
    checked = _validate(path, _read_file(vault_dir))
    budget = checked.daily_budget_minutes
    return Charter(
        path=path,
        timezone=_zone(checked.timezone) if checked.timezone else machine_zone(),
        quiet_start=_parse_clock_time(checked.quiet_start),
        quiet_end=_parse_clock_time(checked.quiet_end),
        daily_budget_minutes=budget if budget > 0 else None,
        morning_brief=_parse_clock_time(checked.morning_brief),
        goals=checked.goals,
        values=checked.values,
        never=tuple(item.strip() for item in checked.never if item.strip()),
        people=tuple(name.strip() for name in checked.people if name.strip()),
    )


def _coerce(field: str, value: str) -> Any:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CharterError(f"charter field '{field}': the value is not valid UTF-8 text") from None
    kind = CharterFile.model_fields[field].annotation
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise CharterError(
                f"charter field '{field}' needs a whole number, not '{value}'"
            ) from None
    if field in ("never", "people"):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def set_charter_field(vault_dir: Path, field: str, value: str) -> Charter:
    """Change one field, keeping the file's comments and layout; checked before it is saved."""
    if field not in CharterFile.model_fields:
        known = ", ".join(CharterFile.model_fields)
        raise CharterError(f"the charter has no field '{field}' (fields: {known})")
    path = charter_path(vault_dir)
    if not path.exists():
        write_default_charter(vault_dir)
    _validate(path, _read_file(vault_dir))  # a broken file is reported, not silently rewritten
    import tomlkit  # only here: reading needs just tomllib

    document = tomlkit.parse(charter_text(vault_dir))
    document[field] = _coerce(field, value)
    _validate(path, document.unwrap())
    write_charter_text(vault_dir, tomlkit.dumps(document))
    return load_charter(vault_dir)
