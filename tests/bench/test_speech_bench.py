"""The speech benchmark's measures: word error rate by edit distance, noise at a stated level."""

from __future__ import annotations

import numpy as np

from pasi.bench.speech import HELD_OUT, with_noise, word_error_rate, words
from pasi.senses.voice.tts import EspeakTTS


def test_word_error_rate_counts_substitutions_deletions_and_insertions() -> None:
    assert word_error_rate("what's on today", "What's on today?") == 0.0
    assert word_error_rate("book a table for 4", "Book a table for four.") == 0.0
    assert word_error_rate("remind me to buy milk", "remind me to by milk") == 0.2
    assert word_error_rate("remind me to buy milk", "remind me buy milk") == 0.2
    assert word_error_rate("buy milk", "please buy some milk") == 1.0
    assert words("Tomorrow's 9 o'clock") == ["tomorrow's", "nine", "o'clock"]


def test_noise_is_added_at_the_stated_level_below_the_speech() -> None:
    speech = EspeakTTS().synthesize(HELD_OUT[0]).samples
    for snr in (20.0, 10.0):
        noise = with_noise(speech, snr, seed=3).astype(np.float64) - speech
        frames = np.square(speech[: len(speech) // 320 * 320].astype(np.float64)).reshape(-1, 320)
        power = frames.mean(axis=1)
        active = power[power > power.max() * 1e-4].mean()
        assert abs(10 * np.log10(active / np.square(noise).mean()) - snr) < 0.3
    assert with_noise(speech, None, seed=3) is speech
