"""Voice: speech in and out, and the full-duplex loop of ``pasi voice`` (docs/senses.md)."""

from pasi.senses.voice.audio import Audio, read_wav
from pasi.senses.voice.grammar import Command, parse_command
from pasi.senses.voice.loop import VoiceEvent, VoiceLoop
from pasi.senses.voice.stt import OpenAISTT, PocketSphinxSTT, SpeechToText, WhisperSTT
from pasi.senses.voice.tts import EspeakTTS, OpenAITTS, TextToSpeech

__all__ = [
    "Audio",
    "Command",
    "EspeakTTS",
    "OpenAISTT",
    "OpenAITTS",
    "PocketSphinxSTT",
    "SpeechToText",
    "TextToSpeech",
    "VoiceEvent",
    "VoiceLoop",
    "WhisperSTT",
    "parse_command",
    "read_wav",
]
