"""The charter file: defaults on first use, quiet hours across midnight and DST, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pasi.errors import CharterError
from pasi.life.charter import charter_path, load_charter, set_charter_field

BERLIN = ZoneInfo("Europe/Berlin")


def _charter_in_berlin(tmp_path: Path, **fields: str):
    load_charter(tmp_path)
    set_charter_field(tmp_path, "timezone", "Europe/Berlin")
    for name, value in fields.items():
        set_charter_field(tmp_path, name, value)
    return load_charter(tmp_path)


def test_first_use_writes_a_commented_default_that_loads(tmp_path: Path) -> None:
    charter = load_charter(tmp_path)
    text = charter_path(tmp_path).read_text()
    assert text.startswith("# Your charter")
    assert charter.daily_budget_minutes == 60
    assert charter.morning_brief is None
    assert charter.never == () and charter.people == ()
    assert charter.context_text() == ""  # nothing to spend tokens on until the user writes it


def test_quiet_hours_cross_midnight_in_the_users_zone(tmp_path: Path) -> None:
    charter = _charter_in_berlin(tmp_path, quiet_start="22:00", quiet_end="07:00")
    # 21:30 UTC in March is 22:30 in Berlin (UTC+1): quiet; 06:30 UTC is 07:30 there: not.
    assert charter.is_quiet(datetime(2024, 3, 1, 21, 30, tzinfo=UTC))
    assert charter.is_quiet(datetime(2024, 3, 2, 5, 59, tzinfo=UTC))
    assert not charter.is_quiet(datetime(2024, 3, 2, 6, 0, tzinfo=UTC))
    assert not charter.is_quiet(datetime(2024, 3, 1, 20, 59, tzinfo=UTC))


def test_quiet_hours_follow_daylight_saving_time(tmp_path: Path) -> None:
    charter = _charter_in_berlin(tmp_path, quiet_start="22:00", quiet_end="07:00")
    # After the switch to summer time (31 March 2024) Berlin is UTC+2: 05:30 UTC is 07:30.
    assert not charter.is_quiet(datetime(2024, 4, 2, 5, 30, tzinfo=UTC))
    assert charter.is_quiet(datetime(2024, 3, 29, 5, 30, tzinfo=UTC))


def test_quiet_until_is_the_next_end_of_quiet_hours(tmp_path: Path) -> None:
    charter = _charter_in_berlin(tmp_path, quiet_start="22:00", quiet_end="07:00")
    late = datetime(2024, 3, 1, 23, 0, tzinfo=BERLIN)
    assert charter.quiet_until(late) == datetime(2024, 3, 2, 7, 0, tzinfo=BERLIN)
    early = datetime(2024, 3, 2, 3, 0, tzinfo=BERLIN)
    assert charter.quiet_until(early) == datetime(2024, 3, 2, 7, 0, tzinfo=BERLIN)
    day = datetime(2024, 3, 2, 12, 0, tzinfo=BERLIN)
    assert charter.quiet_until(day) == day


def test_quiet_hours_within_one_day_and_none(tmp_path: Path) -> None:
    charter = _charter_in_berlin(tmp_path, quiet_start="13:00", quiet_end="14:00")
    assert charter.is_quiet(datetime(2024, 3, 2, 13, 30, tzinfo=BERLIN))
    assert not charter.is_quiet(datetime(2024, 3, 2, 23, 30, tzinfo=BERLIN))
    charter = _charter_in_berlin(tmp_path, quiet_start="", quiet_end="")
    assert not charter.is_quiet(datetime(2024, 3, 2, 3, 0, tzinfo=BERLIN))


def test_budget_zero_means_no_budget(tmp_path: Path) -> None:
    assert _charter_in_berlin(tmp_path, daily_budget_minutes="0").daily_budget_minutes is None
    assert _charter_in_berlin(tmp_path, daily_budget_minutes="25").daily_budget_minutes == 25


def test_set_keeps_the_users_comments_and_other_fields(tmp_path: Path) -> None:
    load_charter(tmp_path)
    path = charter_path(tmp_path)
    path.write_text(path.read_text() + "\n# my own note\n")
    charter = set_charter_field(tmp_path, "never", "lecture me; share my diary")
    assert charter.never == ("lecture me", "share my diary")
    assert "# my own note" in path.read_text()
    assert charter.daily_budget_minutes == 60


def test_malformed_charter_names_file_and_field_and_is_kept(tmp_path: Path) -> None:
    path = charter_path(tmp_path)
    path.write_text('quiet_start = "late"\n')
    with pytest.raises(CharterError, match=r"charter\.toml.*quiet_start.*late"):
        load_charter(tmp_path)
    assert path.read_text() == 'quiet_start = "late"\n'
    path.write_text("timezone = 'Mars/Olympus'\n")
    with pytest.raises(CharterError, match=r"timezone.*Mars/Olympus"):
        load_charter(tmp_path)
    path.write_text("daily_budget_minutes = = 3\n")
    with pytest.raises(CharterError, match=r"charter\.toml is not valid TOML"):
        load_charter(tmp_path)
    path.write_text("bedtime = '22:00'\n")
    with pytest.raises(CharterError, match=r"field 'bedtime': unknown field"):
        load_charter(tmp_path)


def test_set_rejects_unknown_fields_and_bad_values_without_saving(tmp_path: Path) -> None:
    load_charter(tmp_path)
    before = charter_path(tmp_path).read_text()
    with pytest.raises(CharterError, match="no field 'mood'"):
        set_charter_field(tmp_path, "mood", "happy")
    with pytest.raises(CharterError, match=r"daily_budget_minutes.*whole number"):
        set_charter_field(tmp_path, "daily_budget_minutes", "lots")
    with pytest.raises(CharterError, match="quiet_end"):
        set_charter_field(tmp_path, "quiet_end", "25:00")
    assert charter_path(tmp_path).read_text() == before


def test_context_text_carries_goals_values_and_never(tmp_path: Path) -> None:
    charter = _charter_in_berlin(
        tmp_path, goals="Run a half marathon in April", never="flatter me", values="Be blunt"
    )
    text = charter.context_text()
    assert "Run a half marathon in April" in text and "Be blunt" in text
    assert "Never: flatter me." in text


def test_an_edit_made_outside_pasi_is_seen_on_the_next_load(tmp_path: Path) -> None:
    assert load_charter(tmp_path).daily_budget_minutes == 60
    path = charter_path(tmp_path)
    path.write_text(
        path.read_text().replace("daily_budget_minutes = 60", "daily_budget_minutes = 5")
    )
    assert load_charter(tmp_path).daily_budget_minutes == 5


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    load_charter(tmp_path)
    with pytest.raises(CharterError, match=r"goals.*UTF-8"):
        set_charter_field(tmp_path, "goals", "bad \udc80 text")
