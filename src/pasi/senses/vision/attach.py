"""An image attached to a chat message becomes words the assistant can use and remember.

Each attachment is read like an ingested photo (EXIF time and place, OCR text) and, when a
vision model is configured, described by it with the user's question in view ("what is this
plant?"). What was found is appended to the message, so the chat model (which need not see
images itself) answers from it, and the user's turn episode keeps it: a receipt added in chat
is in memory afterwards. Without a vision model the message says so, and the assistant is
asked to tell the user its answer rests on the image's text and metadata only.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pasi.errors import InputError
from pasi.ingest.document import IngestError
from pasi.ingest.images import Sight, look
from pasi.models.chat import Message
from pasi.models.vision import Captioner

if TYPE_CHECKING:
    from pasi.agent.assistant import Assistant
    from pasi.agent.events import Event

MAX_IMAGE_BYTES = 20 * 1024 * 1024
_DATA_URL = re.compile(r"^data:(image/[\w.+-]+)?(;[\w=.-]+)*;base64,(.*)$", re.S)
_NO_VISION = (
    "No vision model is configured (setting vision_model), so pasi could not look at the image "
    "itself: it read only the text in it (OCR) and its metadata. Say so in the answer."
)


@dataclass(frozen=True)
class Attachment:
    """The bytes of one attached image and a name to call it by."""

    data: bytes
    name: str = "image"

    @classmethod
    def from_path(cls, path: Path) -> Attachment:
        try:
            data = Path(path).expanduser().read_bytes()
        except OSError as error:
            raise InputError(f"cannot read the image {path}: {error.strerror}") from None
        return cls(_checked_size(data, str(path)), Path(path).name)

    @classmethod
    def from_data_url(cls, url: str, name: str = "image") -> Attachment:
        """An OpenAI ``image_url`` part's ``data:image/...;base64,...`` URL."""
        match = _DATA_URL.match(url.strip())
        if not match:
            shown = url[:40] + ("..." if len(url) > 40 else "")
            raise InputError(
                f"the image URL '{shown}' is not a base64 data URL (data:image/png;base64,...); "
                "pasi does not fetch images from the web"
            )
        try:
            data = base64.b64decode(match.group(3), validate=False)
        except (binascii.Error, ValueError) as error:
            raise InputError(f"the image data URL is not valid base64: {error}") from None
        return cls(_checked_size(data, name), name)


def _checked_size(data: bytes, name: str) -> bytes:
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(
            f"the image {name} is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,}"
        )
    if not data:
        raise InputError(f"the image {name} is empty")
    return data


def vision_notice(captioner: Captioner | None) -> str | None:
    """What the user should be told before the answer, if anything."""
    if captioner is not None:
        return None
    return "no vision model is configured: answering from the image's text (OCR) and metadata"


def _question_prompt(message: str) -> str:
    return (
        "Describe this image: a one-sentence caption, then the people (appearance only, never "
        "guess names), objects, place and any text you see. The user attached it with this "
        f"message, so include what answers it: {message!r}"
    )


def look_at(
    attachment: Attachment, message: str, captioner: Captioner | None, ocr_languages: str
) -> Sight:
    try:
        return look(attachment.data, attachment.name, captioner=captioner,
                    ocr_languages=ocr_languages, prompt=_question_prompt(message))  # fmt: skip
    except IngestError as error:
        raise InputError(str(error)) from None


def attachment_message(message: str, sights: Sequence[Sight], *, vision: bool) -> str:
    """The message with what was found in each image appended, for the model and the vault."""
    blocks = [message.strip()]
    for sight in sights:
        lines = [f"[Attached: {sight.summary()}"]
        if sight.caption:
            lines.append(f"What the vision model {sight.captioned_by} sees: {sight.caption}")
        lines.append(f"Text in it (OCR): {sight.text}" if sight.text else "No text found in it.")
        blocks.append("\n".join(lines) + "]")
    if sights and not vision:
        blocks.append(f"[{_NO_VISION}]")
    return "\n\n".join(b for b in blocks if b)


def image_turn(
    assistant: Assistant,
    message: str,
    attachments: Sequence[Attachment],
    *,
    captioner: Captioner | None = None,
    ocr_languages: str = "eng",
    history: Sequence[Message] = (),
) -> Iterator[Event]:
    """One assistant turn about a message with images attached; the events of
    :meth:`Assistant.turn`. The images are read before the turn starts, so a bad image fails
    before anything is recorded."""
    sights = [look_at(a, message, captioner, ocr_languages) for a in attachments]
    text = attachment_message(message or "What is in this image?", sights,
                              vision=captioner is not None)  # fmt: skip
    # history: earlier messages of a conversation an API client keeps (Assistant.turn)
    yield from assistant.turn(text, **({"history": history} if history else {}))
