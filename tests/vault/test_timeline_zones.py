"""Life at a glance counts months in the user's time zone, not UTC: a real vault with memories
and passages on either side of a month's first midnight, in zones behind and ahead of UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pasi.errors import InputError
from pasi.vault import timeline as tl
from pasi.vault.episodes import NewEpisode, ensure_source, insert_episodes
from pasi.vault.memories import NewMemory, insert_memory
from pasi.vault.sqlite import SQLiteVault

BOGOTA = ZoneInfo("America/Bogota")  # UTC-5 all year
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+5:45
NOW = datetime(2024, 4, 20, tzinfo=UTC)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def filled(vault: SQLiteVault) -> SQLiteVault:
    with vault.write() as conn:
        # 23:30 on 31 March in Bogota, 04:30 on 1 April in UTC
        insert_memory(
            conn, NewMemory(text="Late on the 31st", kind="fact"), _utc("2024-04-01T04:30:00")
        )
        # 00:30 on 1 April in Bogota
        insert_memory(
            conn, NewMemory(text="Just after midnight", kind="fact"), _utc("2024-04-01T05:30:00")
        )
        insert_memory(conn, NewMemory(text="Mid-March", kind="plan"), _utc("2024-03-15T12:00:00"))
        source = ensure_source(conn, kind="file", uri="/notes/diary.md", now=NOW, title="diary.md")
        insert_episodes(conn, source, [
            NewEpisode("late entry", occurred_at=_utc("2024-04-01T04:59:59")),  # 23:59:59 local
            NewEpisode("new month", occurred_at=_utc("2024-04-01T05:00:00")),  # 00:00 local
            NewEpisode("leap day, late", occurred_at=_utc("2024-02-29T18:10:00")),
        ], NOW)  # fmt: skip
    return vault


def test_a_memory_at_2330_on_31_march_in_utc_minus_5_belongs_to_march(filled: SQLiteVault) -> None:
    conn = filled.read()
    assert tl.memory_counts(conn, BOGOTA) == [("2024-03", "fact", 1), ("2024-03", "plan", 1),
                                              ("2024-04", "fact", 1)]  # fmt: skip
    assert tl.memory_counts(conn, UTC) == [("2024-03", "plan", 1), ("2024-04", "fact", 2)]
    march = tl.memories_of_month(conn, "2024-03", 10, BOGOTA)
    assert [m.text for m in march] == ["Late on the 31st", "Mid-March"]
    april = tl.memories_of_month(conn, "2024-04", 10, BOGOTA)
    assert [m.text for m in april] == ["Just after midnight"]


def test_passages_fall_in_the_local_month_to_the_second(filled: SQLiteVault) -> None:
    conn = filled.read()
    by_month = {(r.month, r.title): r.count for r in tl.source_months(conn, zone=BOGOTA)}
    assert by_month == {("2024-02", "diary.md"): 1, ("2024-03", "diary.md"): 1,
                        ("2024-04", "diary.md"): 1}  # fmt: skip
    [march] = tl.source_months(conn, "2024-03", BOGOTA)
    assert march.count == 1 and march.uri == "/notes/diary.md"
    # 18:10 UTC on 29 February is 23:55 in Kathmandu (February); 05:00 UTC on 1 April is April
    ahead = {r.month: r.count for r in tl.source_months(conn, zone=KATHMANDU)}
    assert ahead == {"2024-02": 1, "2024-04": 2}
    assert {r.month: r.count for r in tl.source_months(conn)} == {"2024-02": 1, "2024-04": 2}


def test_month_bounds_are_the_local_midnights_in_utc() -> None:
    assert tl.month_bounds("2024-03", BOGOTA) == (
        "2024-03-01T05:00:00+00:00", "2024-04-01T05:00:00+00:00")  # fmt: skip
    assert tl.month_bounds("2024-12", KATHMANDU) == (
        "2024-11-30T18:15:00+00:00", "2024-12-31T18:15:00+00:00")  # fmt: skip
    with pytest.raises(InputError, match="not a month"):
        tl.month_bounds("2024-13", UTC)
