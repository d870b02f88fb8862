"""The day ``pasi bench day`` asks about: recordings, screens, typed decoys and the questions.

Written before any tuning and split in two: the time phrases, source words and boosts were
chosen looking at ``DEV`` only; ``HELD_OUT`` (other phrasings: "last night", "Friday's call",
"in my mail", no time at all) was run once, after.

Times are local (Europe/Berlin); the questions are asked on Monday 2026-12-07 at 11:30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Berlin")
ASKED = datetime(2026, 12, 7, 11, 30, tzinfo=ZONE)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ZONE)


@dataclass(frozen=True)
class Recording:
    name: str  # the file's name, what answers cite
    started: datetime
    said: str  # spoken by espeak-ng, transcribed by Whisper


@dataclass(frozen=True)
class Screen:
    app: str  # X11 WM_CLASS, as ScreenFrames reads it
    window: str
    at: datetime
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    text: str
    answer: str  # a recording's file name, or "app: window" of a screen


RECORDINGS = (
    Recording("call-jonas.wav", local(6, 14), "Jonas said the boat needs a new engine before "
              "the summer, and the repair will cost two thousand euros."),
    Recording("standup.wav", local(1, 9, 30), "Maria said the release moves to Thursday, "
              "because the database migration failed on the test server."),
    Recording("memo.wav", local(7, 8, 10), "Note to self: buy oat milk, call the dentist, "
              "and book the train to Hamburg."),
    Recording("call-anna.wav", local(4, 18), "Anna said the boat trip is cancelled because "
              "of the storm warning for the weekend."),
    Recording("budget-meeting.wav", local(6, 10), "We decided to hire two engineers next "
              "quarter, and the travel budget is cut by ten percent."),
)  # fmt: skip

SCREENS = (
    Screen("XTerm", "deploy log", local(7, 9, 12),
           ("ERROR: connection refused on port 5432", "deploy failed at step migrate")),
    Screen("Firefox", "Boat engines - Shop", local(6, 15),
           ("Outboard engine 20 hp", "price 2450 euros, free delivery")),
    Screen("XTerm", "build", local(7, 10, 5),
           ("pytest finished: 3 failed, 120 passed", "in 42 seconds")),
    Screen("Thunderbird", "Inbox", local(6, 9),
           ("Invoice 4471 from Hansen Marine", "due on 15 December")),
    Screen("Code", "main.py", local(1, 14),
           ("TypeError: unsupported operand type", "for int and str in line 88")),
    Screen("XTerm", "ssh server", local(6, 22),
           ("warning: disk usage 97 percent on /var", "clean the old logs")),
)  # fmt: skip

# Lines the user typed in chat, at these times: they share words with the answers.
TYPED = (
    ("Jonas told me the boat is fine for now.", local(2, 20)),
    ("I saw an error on the screen yesterday, I should look into it.", local(6, 23)),
    ("The dentist appointment is next month.", local(5, 12)),
    ("Remember that the budget for the party is two hundred euros.", local(3, 19)),
)

DEV = (
    Question("What did Jonas say about the boat in yesterday's call?", "call-jonas.wav"),
    Question("What was the error on my screen this morning?", "XTerm: deploy log"),
    Question("What did I see in the terminal at 10?", "XTerm: build"),
    Question("What was said in last Tuesday's meeting?", "standup.wav"),
    Question("What was the price of the engine I saw in the browser yesterday?",
             "Firefox: Boat engines - Shop"),
    Question("What did I put in my voice memo this morning?", "memo.wav"),
)  # fmt: skip

HELD_OUT = (
    Question("What did the budget meeting decide yesterday?", "budget-meeting.wav"),
    Question("Which invoice did I see in my mail yesterday morning?", "Thunderbird: Inbox"),
    Question("What error did the editor show last Tuesday?", "Code: main.py"),
    Question("What did Anna say in Friday's call?", "call-anna.wav"),
    Question("What warning was on the terminal last night?", "XTerm: ssh server"),
    Question("How many tests failed on my screen this morning?", "XTerm: build"),
    Question("Why does the release move, according to the standup recording?", "standup.wav"),
    Question("What did I need to buy, from my memo?", "memo.wav"),
)

SPLITS = {"dev": DEV, "held_out": HELD_OUT}
YESTERDAY = ASKED - timedelta(days=1)
