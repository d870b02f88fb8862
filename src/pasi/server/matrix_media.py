"""Images and voice messages sent to pasi on Matrix: read, answered, and kept as sources.

An ``m.image`` is downloaded from the homeserver's media repository and read the way an image
attached in the web app is (pasi.server.images: EXIF, Tesseract OCR, and the configured vision
model's caption when there is one); the turn is about what was read, and with no language model
the answer is what was read. An ``m.audio`` (a voice message, or a recording sent as a file) is
decoded by PyAV (Ogg/Opus, M4A, MP3, WAV...) and transcribed by the configured speech-to-text
(Whisper when pulled, pocketsphinx otherwise); the transcript is the message of the turn and the
answer starts with what pasi heard.

In an encrypted room the file is encrypted too (the event carries its key, iv and SHA-256):
it is downloaded, checked against the hash and decrypted (pasi.server.matrix_crypto), then
read the same way.

The file itself is stored in the vault (``uploads/matrix/``, sealed in an encrypted vault) and
read as a source by the same connectors as ``pasi ingest``: a photo's text and caption, a
recording's timed transcript (that needs Whisper; without it the transcript pocketsphinx made is
the source's text, and ``pasi sync`` reads the file again once Whisper is pulled).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pasi.errors import InputError
from pasi.life.matrix import MatrixClient
from pasi.server.images import ImageMessage
from pasi.server.matrix_crypto import open_attachment
from pasi.server.matrix_turns import Reply, TextSink, turn_reply

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.senses.voice.stt import SpeechToText

MAX_MEDIA_BYTES = 20 * 1024 * 1024
FOLDER = "uploads/matrix"
IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
AUDIO_SUFFIX = {"audio/ogg": ".ogg", "audio/wav": ".wav", "audio/x-wav": ".wav",
                "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/webm": ".webm",
                "audio/flac": ".flac"}  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_recognisers: dict[str, tuple[SpeechToText, threading.Lock]] = {}
_recognisers_lock = threading.Lock()


@dataclass(frozen=True)
class Media:
    kind: str  # "image" or "audio"
    url: str  # mxc://server/id
    name: str  # the file name the sender's client gave
    mimetype: str
    caption: str = ""  # text sent with it, when the client sends a caption
    file: dict[str, Any] | None = None  # in an encrypted room: the attachment's key, iv, hash


def media_of(content: dict[str, Any]) -> Media | None:
    """The image or audio an ``m.room.message`` carries, or None. In an encrypted room the
    file is encrypted too: ``file`` holds its address and keys instead of ``url``."""
    kind = {"m.image": "image", "m.audio": "audio"}.get(str(content.get("msgtype")))
    file = content.get("file") if isinstance(content.get("file"), dict) else None
    url = file.get("url") if file is not None else content.get("url")
    if kind is None or not isinstance(url, str):
        return None
    info = content.get("info") if isinstance(content.get("info"), dict) else {}
    body = str(content.get("body") or kind)
    name = str(content.get("filename") or body)
    caption = body if content.get("filename") and body != content.get("filename") else ""
    mimetype = str(info.get("mimetype") or (file or {}).get("mimetype") or "")
    return Media(kind, url, name, mimetype, caption, file)


def media_reply(
    pasi: Pasi, client: MatrixClient, media: Media, event_id: str, uri: str, shown: TextSink
) -> Reply:
    """Read ``media``, keep it as a source, and answer the turn about it."""
    data = client.download(media.url, MAX_MEDIA_BYTES)
    if media.file is not None:  # checked against its hash, then decrypted
        data = open_attachment(data, media.file)
    if media.kind == "image":
        read = _see(pasi, media, data)
        _keep(pasi, media, event_id, data, transcript=None)
        return turn_reply(pasi, read.text, uri, shown, image=read)
    heard = _hear(pasi, media, data)
    _keep(pasi, media, event_id, data, transcript=heard)
    if not heard:
        return Reply("pasi heard no words in that voice message.")
    reply = turn_reply(pasi, heard, uri, lambda text: shown(_heard(heard, text)))
    return Reply(_heard(heard, reply.text), reply.waiting, spoken=reply.text)


def _heard(transcript: str, text: str) -> str:
    return f'(heard: "{transcript}")\n\n{text}'


def _see(pasi: Pasi, media: Media, data: bytes) -> ImageMessage:
    from pasi.senses.vision import Attachment, attachment_message, vision_notice
    from pasi.senses.vision.attach import look_at
    from pasi.server.images import DEFAULT_QUESTION

    captioner = pasi.captioner()
    question = media.caption.strip() or DEFAULT_QUESTION
    sight = look_at(Attachment(data, _safe(media.name)), question, captioner,
                    pasi.settings.ocr_languages)  # fmt: skip
    return ImageMessage(
        text=attachment_message(question, [sight], vision=captioner is not None),
        recorded=attachment_message(question, [sight], vision=True),
        found=attachment_message("", [sight], vision=True),
        notice=vision_notice(captioner),
    )


def _hear(pasi: Pasi, media: Media, data: bytes) -> str:
    """The voice message's words, decoded from a private plaintext copy (deleted after)."""
    from pasi.ingest.audio import decode
    from pasi.ingest.document import IngestError
    from pasi.ingest.sealed import private_folder
    from pasi.senses.voice.audio import Audio

    folder = private_folder(len(data))
    try:
        path = folder / _file_name(media, "")
        path.write_bytes(data)
        try:
            recording = decode(path)
        except IngestError as error:
            raise InputError(f"pasi cannot play that voice message: {error}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    stt, lock = _recogniser(pasi)
    with lock:
        return stt.transcribe(Audio(recording.samples)).strip()


def _recogniser(pasi: Pasi) -> tuple[SpeechToText, threading.Lock]:
    """One recogniser per spec, used one message at a time (building one takes seconds)."""
    from pasi.senses.voice.factory import make_stt

    with _recognisers_lock:
        key = pasi.settings.stt
        if key not in _recognisers:
            _recognisers[key] = (make_stt(pasi.settings), threading.Lock())
        return _recognisers[key]


def _keep(pasi: Pasi, media: Media, event_id: str, data: bytes, transcript: str | None) -> Path:
    """The file in the vault, read as a source; a recording no connector could read (no
    Whisper) gets the transcript as its text."""
    from pasi.ingest.document import file_uri
    from pasi.ingest.sync import Syncer
    from pasi.memory.store import Turn

    path = pasi.vault.files.write_bytes(f"{FOLDER}/{_file_name(media, event_id)}", data)
    syncer = Syncer(pasi.memory, max_bytes=pasi.settings.ingest_max_bytes,
                    connectors=pasi.connectors())  # fmt: skip
    report = syncer.ingest([path])
    if report.failed and transcript:
        pasi.memory.record_turns(
            [Turn(transcript, role="user")], source_uri=file_uri(path), source_kind="audio",
            title=path.name,
        )  # fmt: skip
    return path


def _file_name(media: Media, event_id: str) -> str:
    table = IMAGE_SUFFIX if media.kind == "image" else AUDIO_SUFFIX
    name = _safe(media.name)
    suffix = Path(name).suffix.lower()
    if suffix not in table.values():
        suffix = table.get(media.mimetype.split(";")[0].strip().lower(), suffix or ".bin")
    stem = Path(name).stem[:60] or media.kind
    tag = hashlib.sha256(event_id.encode()).hexdigest()[:10] if event_id else ""
    return f"{stem}-{tag}{suffix}" if tag else f"{stem}{suffix}"


def _safe(name: str) -> str:
    return _UNSAFE.sub("-", Path(name).name).strip("-.") or "file"
