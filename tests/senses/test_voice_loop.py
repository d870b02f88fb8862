"""The full-duplex loop on WAV input: real espeak-ng and pocketsphinx, a scripted model.

Times on the timeline are the audio clock (input position), so these runs are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from speech import conversation, spoken

from pasi.agent.context import user_words
from pasi.app import Pasi
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.models.chat import ScriptedModel
from pasi.senses.voice import EspeakTTS, PocketSphinxSTT, VoiceEvent, VoiceLoop
from pasi.senses.voice.audio import FRAME_SECONDS, Audio
from pasi.senses.voice.factory import pasi_responder

LONG_REPLY = (
    "Noted, I will remind you to call your mother tomorrow morning. I put it on your list "
    "with the other things for tomorrow. I will tell you again at nine, when you have coffee."
)


class Recorder:
    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []

    def write(self, frame: np.ndarray) -> None:
        self.frames.append(frame)

    def audible(self, start: float, end: float) -> bool:
        first, last = round(start / FRAME_SECONDS), round(end / FRAME_SECONDS)
        return any(np.abs(f).max() > 500 for f in self.frames[first:last])


@pytest.fixture(scope="module")
def sphinx() -> PocketSphinxSTT:
    return PocketSphinxSTT()


@pytest.fixture
def pasi(tmp_path: Path) -> Iterator[Pasi]:
    model = ScriptedModel(lambda r: LONG_REPLY if "sister" in user_words(r.messages[-1].content)
                          else "Today you have a dentist appointment at five.")  # fmt: skip
    settings = Settings(vault=tmp_path / "vault", embedder="none", model="none")
    clock = fixed_clock(datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    with Pasi(settings, chat_model=model, clock=clock) as opened:
        yield opened


def _first(events: list[VoiceEvent], kind: str, after: float = -1.0) -> VoiceEvent:
    return next(e for e in events if e.kind == kind and e.at > after)


def test_interrupting_pasi_stops_its_speech_at_once_and_the_new_words_are_heard(
    sphinx: PocketSphinxSTT, pasi: Pasi
) -> None:
    # (a clear "remind me to ... tonight" is set without the model: its reply is short)
    said = conversation(0.3, "what do you remember about my sister", 1.6, "what's on today", 0.5)
    loop = VoiceLoop(sphinx, EspeakTTS(), pasi_responder(pasi))
    output = Recorder()
    events = loop.run(said.frames(), output)
    kinds = [e.kind for e in events if e.kind != "say"]
    assert kinds == [
        "speech_start", "speech_end", "transcript", "reply_start", "first_audio",
        "playback_start", "speech_start", "barge_in", "playback_stopped",
        "speech_end", "transcript", "reply_start", "first_audio", "playback_start",
        "playback_end",
    ]  # fmt: skip
    first, second = [e.text for e in events if e.kind == "transcript"]
    assert first == "what do you remember about my sister" and second == "what's on today"
    interrupted = _first(events, "speech_start", after=_first(events, "playback_start").at)
    stopped = _first(events, "playback_stopped")
    assert stopped.at - interrupted.at <= 0.2  # on the audio clock: the frame it was sure
    assert output.audible(_first(events, "playback_start").at, stopped.at)
    resumed = [e for e in events if e.kind == "playback_start"][1]
    assert not output.audible(stopped.at + FRAME_SECONDS, resumed.at)
    assert output.audible(resumed.at, resumed.at + 1.0)
    # the spoken conversation is remembered like a typed one
    turns = [t.text for t in pasi.memory.recent_turns()]
    assert turns == ["what do you remember about my sister", LONG_REPLY, "what's on today",
                     "Today you have a dentist appointment at five."]  # fmt: skip


def test_the_same_wav_gives_the_same_timeline(sphinx: PocketSphinxSTT) -> None:
    said = conversation(0.3, "what's on today", 0.5)

    def run() -> list[dict[str, object]]:
        loop = VoiceLoop(sphinx, EspeakTTS(), lambda text: iter(["You said " + text + "."]))
        return [e.to_json() for e in loop.run(said.frames(), Recorder())]

    assert run() == run()


def test_the_reply_is_spoken_sentence_by_sentence_as_the_model_writes_it(
    sphinx: PocketSphinxSTT,
) -> None:
    spoken_sentences: list[str] = []

    class Tracking(EspeakTTS):
        def synthesize(self, text: str) -> Audio:
            spoken_sentences.append(text)
            return super().synthesize(text)

    def respond(_: str) -> Iterator[str]:
        yield from ["First", " sentence [m1]. Second", " one! Third without end"]

    loop = VoiceLoop(sphinx, Tracking(), respond)
    loop.run(conversation(0.3, "what's on today", 0.4).frames(), Recorder())
    assert spoken_sentences == ["First sentence.", "Second one!", "Third without end"]


def test_without_the_wake_phrase_pasi_stays_quiet(sphinx: PocketSphinxSTT) -> None:
    heard: list[str] = []
    wake = PocketSphinxSTT(wake_phrase="computer")
    loop = VoiceLoop(wake, EspeakTTS(), lambda t: iter(heard.append(t) or ["Yes."]),
                     wake_phrase="computer")  # fmt: skip
    said = conversation(0.3, "what's on today", 0.6, "computer what's on today", 0.5)
    events = loop.run(said.frames(), Recorder())
    assert [e.kind for e in events if e.kind in ("ignored", "reply_start")] == [
        "ignored", "reply_start",
    ]  # fmt: skip
    assert heard == ["what's on today"]


def test_push_to_talk_takes_the_utterance_between_press_and_release(
    sphinx: PocketSphinxSTT,
) -> None:
    speech = spoken("what do you remember about my sister")
    said = Audio.join([Audio.silence(0.4), speech, Audio.silence(1.0)])
    release = 0.4 + speech.seconds + 0.2
    clock = {"frame": 0}

    def key() -> bool:
        clock["frame"] += 1
        return 0.2 <= clock["frame"] * FRAME_SECONDS < release

    loop = VoiceLoop(sphinx, EspeakTTS(), lambda t: iter(["Your sister Ana lives in Porto."]),
                     talk_key=key)  # fmt: skip
    events = loop.run(said.frames(), Recorder())
    assert _first(events, "speech_start").at == pytest.approx(0.2, abs=0.03)
    assert _first(events, "speech_end").at == pytest.approx(release, abs=0.03)
    assert _first(events, "transcript").text == "what do you remember about my sister"
