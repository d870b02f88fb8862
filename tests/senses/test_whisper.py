"""Open-vocabulary speech: real faster-whisper with real Whisper base on espeak-ng speech."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from speech import conversation, spoken

from pasi.bench.speech import word_error_rate
from pasi.config import Settings
from pasi.models.whisper import Whisper, fitted_window, whisper_choice
from pasi.senses.voice import VoiceLoop, WhisperSTT
from pasi.senses.voice.audio import FRAME_SECONDS, Audio
from pasi.senses.voice.factory import make_stt
from pasi.senses.voice.tts import EspeakTTS

SENTENCE = "my sister moved to Lisbon last spring and she works as a nurse at the city hospital"
ERRAND = "remind me to call Jonas about the boat repair tomorrow morning and buy some milk"


class _Discard:
    def write(self, frame: np.ndarray) -> None:
        return


def test_whisper_writes_down_an_open_sentence_nearly_word_for_word(whisper: Whisper) -> None:
    heard = whisper.transcribe(spoken(SENTENCE).samples)
    assert word_error_rate(SENTENCE, heard) <= 0.15, heard
    assert "Lisbon" in heard and "nurse" in heard


def test_a_short_command_is_decoded_in_a_window_fitted_to_it(whisper: Whisper) -> None:
    audio = spoken("what's on today")
    frames = len(audio.samples) // 160
    assert fitted_window(frames) == 800  # 8 s, not the 30 s faster-whisper pads to
    assert word_error_rate("what's on today", whisper.transcribe(audio.samples)) == 0.0


def test_noise_alone_is_heard_as_no_words(whisper: Whisper) -> None:
    noise = np.random.default_rng(1).normal(0, 400, 16_000 * 2).astype(np.int16)
    assert whisper.transcribe(noise) == ""


def test_auto_uses_whisper_once_it_is_pulled_and_pocketsphinx_before(
    tmp_path: Path, whisper_base: Path
) -> None:
    empty = Settings(vault=tmp_path / "fresh")
    assert whisper_choice("auto", empty) is None  # make_stt falls back to pocketsphinx
    pulled = Settings(vault=tmp_path / "v")
    (tmp_path / "v" / "models").mkdir(parents=True)
    (tmp_path / "v" / "models" / "whisper-base").symlink_to(whisper_base)
    stt = make_stt(pulled)
    assert isinstance(stt, WhisperSTT) and stt.name == "faster-whisper:whisper-base"
    explicit = whisper_choice(f"faster-whisper:{whisper_base}#de", empty)
    assert explicit is not None and explicit.folder == whisper_base and explicit.language == "de"


def test_the_voice_loop_hears_open_speech_with_whisper(whisper: Whisper) -> None:
    said: list[str] = []

    def respond(text: str) -> Iterator[str]:
        said.append(text)
        yield "Noted."

    audio = conversation(0.5, SENTENCE, 1.0, ERRAND, 1.5)
    loop = VoiceLoop(WhisperSTT(whisper), EspeakTTS(), respond)
    events = loop.run(audio.frames(), _Discard())
    assert len(said) == 2, said
    assert word_error_rate(SENTENCE, said[0]) <= 0.15
    assert word_error_rate(ERRAND, said[1]) <= 0.1
    assert [e.kind for e in events].count("first_audio") == 2


class _Loaded:
    """Whisper on a machine so busy that each decode takes 1.5 s longer."""

    def __init__(self, whisper: Whisper) -> None:
        self.stt = WhisperSTT(whisper)
        self.name = self.stt.name

    def transcribe(self, audio: Audio) -> str:
        time.sleep(1.5)
        return self.stt.transcribe(audio)


def test_on_a_microphone_the_loop_hears_the_next_words_while_it_still_decodes(
    whisper: Whisper,
) -> None:
    """Threaded, at real-time pace: the decode of one utterance does not stop the loop from
    hearing the next one start (a barge-in is heard on time, not after the decode)."""
    said: list[str] = []

    def respond(text: str) -> Iterator[str]:
        said.append(text)
        yield "Noted."

    audio = conversation(0.5, "what's on today", 0.6, ERRAND, 1.5)
    started = time.perf_counter()

    def paced() -> Iterator[np.ndarray]:
        for index, frame in enumerate(audio.frames()):
            time.sleep(max(0.0, started + index * FRAME_SECONDS - time.perf_counter()))
            yield frame

    loop = VoiceLoop(_Loaded(whisper), EspeakTTS(), respond, threaded=True)
    events = loop.run(paced(), _Discard())
    second = [e for e in events if e.kind == "speech_start"][1]
    # heard when its frames came in, while the first utterance was still being decoded
    assert second.wall - (started + second.at) < 0.3
    assert [e.kind for e in events].index("transcript") > events.index(second)
    assert len(said) == 2 and word_error_rate(ERRAND, said[1]) <= 0.1
