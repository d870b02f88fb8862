"""Commands spoken by espeak-ng are understood offline by pocketsphinx with the grammar."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech import conversation, wav

from pasi.errors import ConfigError
from pasi.senses.voice import PocketSphinxSTT, parse_command, read_wav
from pasi.senses.voice.audio import RATE
from pasi.senses.voice.grammar import Command, jsgf


@pytest.fixture(scope="module")
def sphinx() -> PocketSphinxSTT:
    return PocketSphinxSTT()


@pytest.mark.parametrize(
    ("said", "kind", "slot_words"),
    [
        ("remind me to call dad tonight", "remind", {"call", "dad", "tonight"}),
        ("remind me to water the plants", "remind", {"water", "plants"}),
        ("what's on today", "today", set()),
        ("what do you remember about my sister", "recall", {"sister"}),
        ("remind me to buy milk", "remind", {"buy", "milk"}),
    ],
)
def test_a_spoken_command_is_understood(
    sphinx: PocketSphinxSTT, tmp_path: Path, said: str, kind: str, slot_words: set[str]
) -> None:
    path = wav(tmp_path / "said.wav", conversation(0.3, said, 0.3))
    audio = read_wav(path)  # espeak-ng's 22,050 Hz resampled to 16 kHz on the way in
    command = parse_command(sphinx.transcribe(audio))
    assert command is not None and command.kind == kind
    assert slot_words <= set(command.words.split())


def test_wav_input_at_another_rate_is_resampled_to_16_khz(tmp_path: Path) -> None:
    audio = conversation("hello", 0.5)
    assert read_wav(wav(tmp_path / "a.wav", audio)).seconds == pytest.approx(audio.seconds)
    assert RATE == 16_000


def test_typed_sentences_parse_as_the_same_commands() -> None:
    assert parse_command("Remind me to  water the plants") == Command("remind", "water the plants")
    assert parse_command("what\u2019s on today") == Command("today")
    assert parse_command("what is the weather") is None


def test_a_wake_phrase_the_recogniser_cannot_know_is_refused_by_name(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict"
    dictionary.write_text("hey HH EY\ncomputer K AH M P Y UW T ER\n")
    assert "[hey computer] (" in jsgf(dictionary, "hey computer")
    with pytest.raises(ConfigError, match="xyzzy"):
        jsgf(dictionary, "hey xyzzy")
