"""Images attached to a chat request (``/v1/chat/completions`` and ``/api/chat``).

An image arrives as a ``data:`` URL and is read the way ``pasi chat --image`` reads one
(:mod:`pasi.senses.vision`): EXIF and OCR always, the configured vision model when there is
one (through ``Pasi.captioner``, which puts a remote vision model behind the privacy
gateway). What was found joins the message before the turn starts, so the model answers from
it and the recorded turn keeps it. Every image is read before the response begins: a bad one
is a 422 that names the part it came in, never a broken stream, and nothing is recorded.
pasi never fetches an ``http(s)`` image URL: the server would reach out to the web on a
client's behalf and the image would not be the user's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pasi.agent.events import TextDelta
from pasi.errors import InputError
from pasi.memory.store import DEFAULT_CONVERSATION
from pasi.models.chat import Message
from pasi.senses.vision import Attachment, attachment_message, vision_notice
from pasi.senses.vision.attach import look_at
from pasi.server.errors import FieldError
from pasi.server.turns import OfflineAnswer, TurnEvent, run_turn

if TYPE_CHECKING:
    from pasi import Pasi

MAX_IMAGES = 8  # per message
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp"}
DEFAULT_QUESTION = "What is in this image?"
NO_MODEL = "pasi has no language model configured, so this is what it read from the image"
_MEDIA_TYPE = re.compile(r"^data:([^;,]*)", re.I)


@dataclass(frozen=True)
class GivenImage:
    """An image URL as the client sent it, and where: ``param`` names the part in errors."""

    url: str
    param: str


@dataclass(frozen=True)
class ImageMessage:
    """What was read from a message's images: ``text`` is the message for the chat model (with
    the instruction to say when there was no vision model), ``recorded`` the same without that
    instruction, ``found`` only what was read, ``notice`` a sentence for the user or None."""

    text: str
    recorded: str
    found: str
    notice: str | None


def check_count(images: Sequence[GivenImage], param: str) -> None:
    if len(images) > MAX_IMAGES:
        raise FieldError(f"a message may carry at most {MAX_IMAGES} images", param)


def attachment(image: GivenImage, number: int) -> Attachment:
    """The image's bytes, or a FieldError naming the part: a remote URL, another media type,
    bad base64, an empty or oversized image."""
    url = image.url.strip()
    if url.lower().startswith(("http://", "https://")):
        raise FieldError(
            f"'{url[:60]}' is a web address: pasi does not fetch images; send the image itself "
            "as a data URL (data:image/png;base64,...)",
            image.param,
        )
    media = _MEDIA_TYPE.match(url)
    kind = media.group(1).lower() if media else ""
    if media and kind not in IMAGE_TYPES:
        raise FieldError(
            f"the image is '{kind or 'of no stated type'}'; pasi reads PNG, JPEG and WebP "
            "(data:image/png, image/jpeg or image/webp)",
            image.param,
        )
    name = f"image-{number}.{IMAGE_TYPES.get(kind, 'img')}"
    try:
        return Attachment.from_data_url(url, name)
    except InputError as error:
        raise FieldError(str(error), image.param) from None


def read_images(pasi: Pasi, message: str, images: Sequence[GivenImage]) -> ImageMessage:
    """``message`` with each image read (blocking: OCR and the vision model take seconds, so
    the server calls this on a worker thread)."""
    attachments = [attachment(image, n) for n, image in enumerate(images, start=1)]
    captioner = pasi.captioner()
    question = message.strip() or DEFAULT_QUESTION
    sights = []
    for image, given in zip(attachments, images, strict=True):
        try:
            sights.append(look_at(image, question, captioner, pasi.settings.ocr_languages))
        except InputError as error:  # not an image Pillow can read
            raise FieldError(str(error), given.param) from None
    return ImageMessage(
        text=attachment_message(question, sights, vision=captioner is not None),
        recorded=attachment_message(question, sights, vision=True),
        found=attachment_message("", sights, vision=True),
        notice=vision_notice(captioner),
    )


def image_turn(
    pasi: Pasi,
    read: ImageMessage,
    history: Sequence[Message] = (),
    max_tokens: int | None = None,
    conversation: str | None = None,
) -> Iterator[TurnEvent]:
    """The turn about a message whose images were read; with no language model at all, the
    message is recorded (its images' text is remembered) and the answer is what was read, as
    ``pasi chat --image`` answers offline."""
    if pasi.chat_model is not None:
        yield from run_turn(pasi, read.text, history, max_tokens, conversation)
        return
    pasi.memory.record_turn(
        read.recorded, role="user", source_uri=conversation or DEFAULT_CONVERSATION
    )
    text = f"{NO_MODEL}:\n\n{read.found}"
    yield TextDelta(text)
    yield OfflineAnswer(text)
