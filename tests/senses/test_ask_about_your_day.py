"""Ask about your day: real espeak-ng recordings transcribed by real Whisper and ingested with
their file time, real screens read by the capture loop (Tesseract), then questions with a time
and a kind of source, answered offline, by `pasi ask`, and placed first in a model's context."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pasi.agent.context import ContextAssembler
from pasi.agent.offline import OfflineAgent
from pasi.app import Pasi
from pasi.bench import day_cases as cases
from pasi.bench.day import build_day
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.ingest.ask import ask
from pasi.life.brief import compose, remote_safe, render
from pasi.life.charter import charter_path, set_charter_field
from pasi.memory.store import MemoryStore, Turn
from pasi.models.whisper import Whisper

RECORDINGS = [r for r in cases.RECORDINGS if r.name in ("call-jonas.wav", "call-anna.wav")]
SCREENS = [s for s in cases.SCREENS if s.app in ("XTerm", "Firefox")]


@pytest.fixture
def day(store: MemoryStore, whisper: Whisper, tmp_path: Path) -> MemoryStore:
    store.clock = fixed_clock(cases.ASKED)
    store.zone = lambda: cases.ZONE
    build_day(store, tmp_path, lambda: whisper, RECORDINGS, SCREENS)
    return store


def _first_cited(answer: str) -> str:
    return answer.splitlines()[1]


def test_yesterdays_call_is_cited_by_file_time_in_it_and_when_it_was_said(
    day: MemoryStore,
) -> None:
    reply = OfflineAgent(day).respond("What did Jonas say about the boat in yesterday's call?")
    first = _first_cited(reply.text)
    assert "call-jonas.wav at 0:00, said 2026-12-06 14:00" in first, reply.text
    assert "engine" in first  # the words Whisper heard, not the heading again
    # Anna's call also speaks of the boat, three days earlier: it does not come first
    assert "call-anna.wav" not in first


def test_the_error_on_my_screen_this_morning_is_the_capture_with_app_window_and_time(
    day: MemoryStore,
) -> None:
    reply = OfflineAgent(day).respond("What was the error on my screen this morning?")
    first = _first_cited(reply.text)
    assert "(Screen at 2026-12-07 09:12:00 in XTerm: deploy log)" in first, reply.text
    assert "connection refused" in first.lower()


def test_the_terminal_at_ten_finds_the_screen_without_sharing_a_word(day: MemoryStore) -> None:
    found = day.recall("What did I see in the terminal at 10?", k=3)
    assert found and found[0].text.startswith("Screen at 2026-12-07 10:05:00 in XTerm: build")
    late = day.recall("What did I see in the terminal yesterday at 10 pm?", k=3)
    assert late and late[0].text.startswith("Screen at 2026-12-06 22:00:00 in XTerm: ssh server")


def test_pasi_ask_and_a_models_context_put_the_recording_first(day: MemoryStore) -> None:
    question = "What did Anna say in Friday's call?"
    answer = ask(day, question)
    assert answer.recalled and answer.recalled[0].text.startswith("call-anna.wav at 0:00")
    context = ContextAssembler(day, day.clock).assemble(question)
    relevant = context.section("relevant")
    assert relevant and relevant[0].line.find("call-anna.wav at 0:00") > 0


def test_the_brief_names_yesterdays_recordings_and_counts_its_captures(day: MemoryStore) -> None:
    charter = set_charter_field(day.vault.directory, "timezone", "Europe/Berlin")
    lines = [
        line for line in compose(day.vault, charter, cases.ASKED) if line.section == "yesterday"
    ]
    texts = [line.text for line in lines]
    # call-jonas.wav started yesterday at 14:00 Berlin time; call-anna.wav was on Friday
    assert re.fullmatch(r"Recording call-jonas\.wav at 14:00, [4-9] s", texts[0]), texts
    assert not any("call-anna" in text for text in texts)
    # yesterday's screens: Firefox at 15:00 and the XTerm ssh session at 22:00
    assert texts[1] == "2 screen capture(s) kept, mostly Firefox, XTerm" or texts[1] == (
        "2 screen capture(s) kept, mostly XTerm, Firefox"
    )
    assert remote_safe(day.vault.read(), lines) == lines[:1]  # captures stay on this machine
    assert "Recorded and seen yesterday:" in render(cases.ASKED.date(), lines)


def test_recall_takes_the_days_of_the_charters_zone(tmp_path: Path) -> None:
    settings = Settings(vault=tmp_path / "vault", embedder="none", model="none")
    asked = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
    with Pasi(settings, clock=fixed_clock(asked)) as pasi:
        set_charter_field(pasi.vault.directory, "timezone", "Europe/Berlin")
        pasi.memory.record_turns([
            # 6 December 23:30 UTC is already the 7th in Berlin: today, not yesterday
            Turn("The plumber fixed the boiler.", occurred_at=datetime(2026, 12, 6, 23, 30, tzinfo=UTC)),
            # 5 December 23:30 UTC is the 6th in Berlin: yesterday
            Turn("The plumber sent the invoice.", occurred_at=datetime(2026, 12, 5, 23, 30, tzinfo=UTC)),
        ])  # fmt: skip
        found = pasi.memory.recall("What did the plumber do yesterday?", k=2)
        assert "invoice" in found[0].text
        # a charter that cannot be read leaves recall on the machine's zone, working
        charter_path(pasi.vault.directory).write_text('timezone = "Mars/Olympus"\n')
        assert len(pasi.memory.recall("What did the plumber do yesterday?", k=2)) == 2
