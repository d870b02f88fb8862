"""The voice backends the settings name, and the assistant as the voice loop's responder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from pasi.errors import ConfigError, InputError, PasiError
from pasi.senses.voice.loop import Responder
from pasi.senses.voice.stt import (
    OpenAISTT,
    PocketSphinxSTT,
    SpeechToText,
    WhisperSTT,
    spec_parts,
)
from pasi.senses.voice.tts import EspeakTTS, OpenAITTS, TextToSpeech

if TYPE_CHECKING:
    from pasi.agent.assistant import Assistant
    from pasi.config import Settings
    from pasi.memory.store import MemoryStore
    from pasi.models.chat import ChatModel


class Host(Protocol):
    """What the voice loop needs of :class:`pasi.app.Pasi` (senses may not import the app)."""

    memory: MemoryStore

    @property
    def chat_model(self) -> ChatModel | None: ...

    @property
    def learner(self) -> Any: ...

    @property
    def safety(self) -> Any: ...

    def assistant(self, *, learner: Any = None) -> Assistant: ...


def _provider(url: str, settings: Settings):  # -> openai_compat.Provider
    from pasi.models.openai_compat import Provider
    from pasi.models.registry import _secret

    return Provider(url, _secret(settings.model_api_key), settings.model_timeout,
                    settings.model_retries)  # fmt: skip


def make_stt(settings: Settings, spec: str | None = None) -> SpeechToText:
    """``auto``: Whisper when faster-whisper and the pulled model are there, else pocketsphinx."""
    from pasi.models.whisper import Whisper, whisper_choice

    text = (spec or settings.stt).strip()
    if text == "pocketsphinx":
        return PocketSphinxSTT(wake_phrase=settings.voice_wake_phrase)
    if text.startswith("openai-compatible:"):
        url, (model, *_) = spec_parts(text, "stt")
        return OpenAISTT(model, _provider(url, settings))
    choice = whisper_choice(text, settings)
    if choice is not None:
        whisper = Whisper(choice.folder, language=choice.language or "en",
                          beam_size=settings.whisper_beam)  # fmt: skip
        return WhisperSTT(whisper)
    if text == "auto":
        return PocketSphinxSTT(wake_phrase=settings.voice_wake_phrase)
    raise ConfigError(
        f"invalid stt '{text}': use auto, faster-whisper[:FOLDER][#LANGUAGE], pocketsphinx or "
        "openai-compatible:URL#MODEL"
    )


def make_tts(settings: Settings, spec: str | None = None) -> TextToSpeech:
    text = (spec or settings.tts).strip()
    if text == "espeak-ng":
        return EspeakTTS()
    if text.startswith("openai-compatible:"):
        url, (model, *voice) = spec_parts(text, "tts")
        return OpenAITTS(model, _provider(url, settings), *(voice[:1]))
    raise ConfigError(f"invalid tts '{text}': use espeak-ng or openai-compatible:URL#MODEL[#VOICE]")


def pasi_responder(pasi: Host) -> Responder:
    """Each utterance is a turn of the assistant, recorded like a typed one; with no chat
    model, the offline agent answers from memory."""
    if pasi.chat_model is None:
        from pasi.agent.offline import OfflineAgent

        agent = OfflineAgent(pasi.memory, safety=pasi.safety)

        def offline(text: str) -> Iterator[str]:
            yield agent.respond(text).text

        return offline
    assistant = pasi.assistant(learner=pasi.learner)

    def assisted(text: str) -> Iterator[str]:
        from pasi.agent.events import TextDelta

        try:
            for event in assistant.turn(text):
                if isinstance(event, TextDelta):
                    yield event.text
        except InputError:
            raise
        except PasiError as error:
            yield f"Sorry, I could not answer: {error}"

    return assisted
