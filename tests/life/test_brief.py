"""The daily brief from real files: calendar (recurring, in the user's zone), reminders,
birthdays from contacts, and a person who matters gone quiet for longer than usual."""

from __future__ import annotations

import mailbox
import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from pasi.clock import fixed_clock
from pasi.ingest.sync import Syncer
from pasi.life import jobs
from pasi.life.brief import sync_morning_brief, write_brief
from pasi.life.charter import set_charter_field
from pasi.life.people import parse_birthday, usual_gap_days
from pasi.life.reminders import Reminders
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 3, 10, 6, 30, tzinfo=UTC)  # Sunday 07:30 in Berlin

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:standup@example.org
DTSTART;TZID=Europe/Berlin:20240101T093000
DTEND;TZID=Europe/Berlin:20240101T094500
RRULE:FREQ=WEEKLY;BYDAY=SU
SUMMARY:Sunday planning
END:VEVENT
BEGIN:VEVENT
UID:late@example.org
DTSTART:20240309T233000Z
DTEND:20240310T003000Z
SUMMARY:Night train
END:VEVENT
BEGIN:VEVENT
UID:market@example.org
DTSTART;VALUE=DATE:20240310
SUMMARY:Flea market
END:VEVENT
BEGIN:VEVENT
UID:other@example.org
DTSTART:20240311T080000Z
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
"""

CONTACTS = """BEGIN:VCARD
VERSION:3.0
FN:Anna Berg
EMAIL:anna@example.org
BDAY:1990-03-12
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ben Okafor
EMAIL:ben@example.com
BDAY:--03-10
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Dev Patel
EMAIL:dev@example.org
BDAY:19850601
END:VCARD
"""


def _mbox(path: Path) -> None:
    """Anna writes every 7 days until 40 days ago; Dev every 7 days until 3 days ago."""
    box = mailbox.mbox(path)
    for name, address, last in (
        ("Anna Berg", "anna@example.org", 40),
        ("Dev Patel", "dev@example.org", 3),
    ):
        for week in range(6):
            message = EmailMessage()
            message["From"] = f"{name} <{address}>"
            message["To"] = "Sam <sam@example.com>"
            message["Subject"] = f"news {week}"
            message["Date"] = format_datetime(NOW - timedelta(days=last + 7 * week))
            message.set_content("Hello Sam")
            box.add(message)
    box.flush()
    box.close()


@pytest.fixture
def life_vault(vault: SQLiteVault, tmp_path: Path) -> SQLiteVault:
    store = MemoryStore(vault, None, fixed_clock(NOW))
    data = tmp_path / "data"
    data.mkdir()
    (data / "calendar.ics").write_text(CALENDAR)
    (data / "contacts.vcf").write_text(CONTACTS)
    _mbox(data / "mail.mbox")
    chat = [  # Ben Okafor writes every other day until 20 days ago
        f"{(NOW - timedelta(days=20 + 2 * n)):%d/%m/%Y, %H:%M} - Ben Okafor: hi, how are you?"
        for n in range(5)
    ]
    (data / "whatsapp.txt").write_text("\n".join(reversed(chat)) + "\n")
    Syncer(store, max_bytes=10**7).ingest([data])
    set_charter_field(vault.directory, "timezone", "Europe/Berlin")
    set_charter_field(vault.directory, "people", "Anna Berg; Dev Patel; Ben Okafor")
    return vault


def test_the_composed_brief_cites_every_line(life_vault: SQLiteVault) -> None:
    Reminders(life_vault, "Europe/Berlin", fixed_clock(NOW)).add("call mum", "today at 18:00")
    brief = write_brief(life_vault, NOW)
    text = brief.text
    assert brief.model is None and "Sunday 10 March 2024" in text
    calendar = [line for line in brief.lines if line.section == "calendar"]
    assert [line.text for line in calendar] == [
        "00:30 Night train",  # 23:30 UTC on the 9th is half past midnight in Berlin
        "all day Flea market",
        "09:30 Sunday planning",  # the recurring event, at local time
    ]
    assert all(re.fullmatch(r"i\d+", line.cite) and line.source for line in calendar)
    assert "Dentist" not in text  # tomorrow
    reminders = [line for line in brief.lines if line.section == "reminders"]
    assert [line.text for line in reminders] == ["18:00 call mum"]
    birthdays = [line.text for line in brief.lines if line.section == "birthdays"]
    assert birthdays == [
        "Ben Okafor's birthday is today",
        "Anna Berg's birthday is on Tuesday 12 March",
    ]
    people = [line for line in brief.lines if line.section == "people"]
    assert len(people) == 2  # Dev wrote three days ago, as usual: not listed
    anna = next(line for line in people if "Anna Berg" in line.text)
    assert "for 40 days (usually every 7)" in anna.text and anna.source.endswith("mail.mbox")
    ben = next(line for line in people if "Ben Okafor" in line.text)
    assert "for 20 days (usually every 2)" in ben.text
    assert ben.cite == "last contact 2024-02-19" and ben.source.endswith("whatsapp.txt")
    for line in brief.lines:
        assert f"[{line.cite}]" in text


def test_a_model_rewrites_the_brief_but_must_keep_the_citations(life_vault: SQLiteVault) -> None:
    def faithful(request: ChatRequest) -> str:
        tags = re.findall(r"\[[^\]]+\]", request.messages[-1].content)
        return "Good morning. Here is your day: " + " ".join(tags) + " Want me to add more?"

    brief = write_brief(life_vault, NOW, model=ScriptedModel(faithful))
    assert brief.model == "scripted" and brief.text.startswith("Good morning")
    assert not brief.text.endswith("?")  # no bait, here either

    def forgetful(request: ChatRequest) -> str:
        return "Good morning! A lovely day ahead."

    kept = write_brief(life_vault, NOW, model=ScriptedModel(forgetful))
    assert kept.model is None and kept.text.startswith("Your brief for")


def test_the_morning_brief_is_scheduled_only_when_asked_and_follows_the_charter(
    life_vault: SQLiteVault,
) -> None:
    assert sync_morning_brief(life_vault, NOW) is None
    set_charter_field(life_vault.directory, "morning_brief", "07:00")
    job_id = sync_morning_brief(life_vault, NOW)
    assert sync_morning_brief(life_vault, NOW) == job_id  # idempotent
    job = jobs.get_job(life_vault.read(), job_id)
    assert job.kind == "brief" and job.next_at == datetime(2024, 3, 11, 6, 0, tzinfo=UTC)
    set_charter_field(life_vault.directory, "morning_brief", "08:15")
    moved = sync_morning_brief(life_vault, NOW)
    assert moved != job_id
    assert jobs.get_job(life_vault.read(), moved).next_at == datetime(
        2024, 3, 10, 7, 15, tzinfo=UTC
    )
    assert jobs.get_job(life_vault.read(), job_id).status == "cancelled"
    set_charter_field(life_vault.directory, "morning_brief", "")
    assert sync_morning_brief(life_vault, NOW) is None
    assert [j for j in jobs.active_jobs(life_vault.read()) if j.kind == "brief"] == []


def test_the_scheduler_delivers_the_brief_composed_at_delivery(life_vault: SQLiteVault) -> None:
    from pasi.life.brief import brief_composer
    from pasi.life.scheduler import Scheduler

    set_charter_field(life_vault.directory, "morning_brief", "08:15")
    sync_morning_brief(life_vault, NOW)
    sent = []

    class Collect:
        name = "test"

        def deliver(self, notification) -> None:
            sent.append(notification)

    at = datetime(2024, 3, 10, 7, 15, tzinfo=UTC)
    scheduler = Scheduler(life_vault, [Collect()], clock=fixed_clock(at),
                          composers={"brief": brief_composer(life_vault)})  # fmt: skip
    scheduler.run_due()
    assert len(sent) == 1 and "Sunday planning" in sent[0].body


def test_rhythm_and_birthday_parsing() -> None:
    assert usual_gap_days([date(2024, 1, d) for d in (1, 8, 15, 29)]) == 7
    assert usual_gap_days([date(2024, 1, 1), date(2024, 1, 8)]) is None  # too few to tell
    assert parse_birthday("1990-03-12") == (3, 12)
    assert parse_birthday("--0312") == (3, 12)
    assert parse_birthday("19900312T000000") == (3, 12)
    assert parse_birthday("soon") is None


def test_a_remote_model_is_not_sent_lines_from_withheld_sources_or_sensitive_memories(
    life_vault: SQLiteVault,
) -> None:
    from pasi.vault.memories import NewMemory

    store = MemoryStore(life_vault, None, fixed_clock(NOW))
    # Ben matters because of a health memory now, not the charter; Anna's rhythm is email.
    set_charter_field(life_vault.directory, "people", "Anna Berg; Dev Patel")
    store.remember_many(
        [NewMemory("Ben Okafor is my oncologist", kind="relationship", sensitivity="health")]
    )
    turn = store.record_turn("Remind me to collect the chemo prescription at five")
    store.remember_many(
        [NewMemory("The user has chemotherapy", sensitivity="health", evidence=(turn,))]
    )
    reminders = Reminders(life_vault, "Europe/Berlin", fixed_clock(NOW))
    reminders.add("collect the prescription", "today at 17:00", episode_id=turn)
    reminders.add("call mum", "today at 18:00")

    def faithful(request: ChatRequest) -> str:
        tags = re.findall(r"\[[^\]]+\]", request.messages[-1].content)
        return "Good morning. Here is your day: " + " ".join(tags)

    cloud = ScriptedModel(faithful, local=False)
    brief = write_brief(life_vault, NOW, model=cloud)

    assert len(cloud.requests) == 1
    sent = "\n".join(message.content for message in cloud.requests[0].messages)
    held = [
        line for line in brief.lines
        if "Anna Berg for" in line.text or "Ben Okafor for" in line.text
        or "prescription" in line.text
    ]  # fmt: skip
    assert len(held) == 3
    for line in held:
        assert line.text not in sent and f"[{line.cite}]" not in sent
        assert line.render() in brief.text  # still in the brief, composed on this machine
    assert "call mum" in sent and "Sunday planning" in sent and "Anna Berg's birthday" in sent
    assert brief.model == "scripted" and brief.text.startswith("Good morning")
    assert "Kept on this machine" in brief.text

    local = ScriptedModel(faithful)
    write_brief(life_vault, NOW, model=local)
    assert all(line.text in local.requests[0].messages[-1].content for line in held)


def test_a_remote_model_gets_no_request_when_every_line_is_withheld(
    vault: SQLiteVault, tmp_path: Path
) -> None:
    store = MemoryStore(vault, None, fixed_clock(NOW))
    data = tmp_path / "mail"
    data.mkdir()
    _mbox(data / "mail.mbox")
    Syncer(store, max_bytes=10**7).ingest([data])
    set_charter_field(vault.directory, "timezone", "Europe/Berlin")
    set_charter_field(vault.directory, "people", "Anna Berg")

    cloud = ScriptedModel(lambda _request: "unused", local=False)
    brief = write_brief(vault, NOW, model=cloud)
    assert [line.section for line in brief.lines] == ["people"]
    assert cloud.requests == [] and brief.model is None
    assert brief.text.startswith("Your brief for") and "Anna Berg" in brief.text
