"""How pasi bench voice reads a loop's events: latency from the end of speech, barge-in stop
from the onset of the interrupting speech, and a barge-in before any audio stops nothing."""

from __future__ import annotations

from pasi.bench.voice import _measure
from pasi.senses.voice.loop import VoiceEvent

START = 100.0  # wall time of the microphone's time 0


def ev(kind: str, at: float, wall: float) -> VoiceEvent:
    return VoiceEvent(at, kind, "", START + wall)


def test_a_barge_in_before_the_replys_audio_is_not_timed_by_a_later_stop() -> None:
    events = [
        ev("speech_start", 0.5, 0.56), ev("speech_end", 1.5, 1.76),
        ev("first_audio", 1.76, 2.3),  # 0.8 s after the end of speech
        ev("speech_start", 3.0, 3.06), ev("barge_in", 3.06, 3.06),
        ev("playback_stopped", 3.06, 3.07),  # stopped 70 ms after the onset
        ev("speech_end", 4.0, 4.26),
        ev("speech_start", 4.5, 4.56), ev("barge_in", 4.56, 4.56),  # nothing was playing yet
        ev("speech_end", 5.5, 5.76),
        ev("speech_start", 7.1, 7.16), ev("barge_in", 7.16, 7.16),
        ev("playback_stopped", 7.16, 7.2),
    ]  # fmt: skip
    measured = _measure(events, [START + 0.02])
    assert [round(x, 3) for x in measured["barge_in_stop"]] == [0.07, 0.1]
    assert measured["silent"] == [1.0]
    assert [round(x, 3) for x in measured["latency"]] == [0.8]
    assert measured["missed"] == [2.0]  # two ends of speech followed by speech, not audio
