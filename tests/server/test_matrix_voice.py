"""The parts of answering by voice that need no homeserver: when a message asks for it, the
Ogg/Opus file espeak-ng's speech becomes, and encrypted attachments that were tampered with."""

from __future__ import annotations

import io

import av
import pytest

from pasi.errors import InputError
from pasi.senses.voice.tts import EspeakTTS
from pasi.server.matrix_crypto import open_attachment, seal_attachment
from pasi.server.matrix_voice import asked_for_voice, speak, voice_content


@pytest.mark.parametrize(
    "text",
    ["Answer by voice please", "what's the weather? say it", "reply with a voice message",
     "Read it out loud", "tell me in audio what I have today"],
)  # fmt: skip
def test_a_message_asking_for_a_spoken_answer_is_recognised(text: str) -> None:
    assert asked_for_voice(text)


@pytest.mark.parametrize(
    "text", ["What's on today?", "my voice is hoarse", "remind me to call the dentist"]
)
def test_an_ordinary_message_is_answered_in_text_only(text: str) -> None:
    assert not asked_for_voice(text)


def test_a_reply_becomes_an_ogg_opus_voice_message_of_its_length() -> None:
    spoken = speak(EspeakTTS(), "It will rain tomorrow morning [m12].")
    assert spoken is not None and spoken.data[:4] == b"OggS"
    with av.open(io.BytesIO(spoken.data)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name) == ("ogg", "opus")
        assert stream.codec_context.sample_rate == 48_000
        seconds = sum(frame.samples for frame in container.decode(audio=0)) / 48_000
    assert 1.0 < seconds < 5.0 and abs(seconds - spoken.seconds) < 0.05
    assert len(spoken.waveform) == 100 and max(spoken.waveform) == 1024
    content = voice_content(spoken, "mxc://example.org/abc", None)
    assert content["info"]["duration"] == round(spoken.seconds * 1000)
    assert "org.matrix.msc3245.voice" in content and content["url"] == "mxc://example.org/abc"
    assert speak(EspeakTTS(), " [m3] ") is None  # nothing to say: no voice message


def test_an_encrypted_attachment_opens_and_a_tampered_one_is_refused() -> None:
    ciphertext, file = seal_attachment(b"OggS voice bytes", "audio/ogg")
    assert b"voice" not in ciphertext
    assert open_attachment(ciphertext, file) == b"OggS voice bytes"
    with pytest.raises(InputError, match="does not decrypt"):
        open_attachment(ciphertext[:-1] + bytes([ciphertext[-1] ^ 1]), file)
    with pytest.raises(InputError, match="without its"):
        open_attachment(ciphertext, {"url": "mxc://x/y"})
