"""Images in ``pasi chat``: ``--image FILE`` for the first message, ``/image FILE`` in the loop.

An attached image waits for the next message ("what is this plant?") and goes with it; a
``/image FILE some question`` line sends both at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pasi.agent.assistant import Assistant
    from pasi.agent.events import Event
    from pasi.app import Pasi
    from pasi.senses.vision import Attachment

IMAGE_HELP = "/image FILE [message] attaches an image to your next message (or to this one)."


def load(paths: Sequence[Path]) -> list[Attachment]:
    from pasi.senses.vision import Attachment

    return [Attachment.from_path(path) for path in paths]


def image_command(line: str, pending: list[Attachment]) -> str | None:
    """Handle ``/image FILE [message]``: attach the file; return the message to send now, if
    one was given on the same line. Errors propagate as InputError."""
    _, _, rest = line.partition(" ")
    name, _, message = rest.strip().partition(" ")
    if not name:
        sys.stdout.write("usage: " + IMAGE_HELP + "\n")
        return None
    pending.extend(load([Path(name)]))
    if message.strip():
        return message.strip()
    sys.stdout.write(f"attached {Path(name).name}: it goes with your next message\n")
    return None


def turn(pasi: Pasi, assistant: Assistant, line: str, pending: list[Attachment]) -> Iterator[Event]:
    """The turn for ``line``, with the pending images (emptied) when there are any."""
    if not pending:
        return assistant.turn(line)
    from pasi.senses.vision import image_turn, vision_notice

    attachments = list(pending)
    pending.clear()
    captioner = pasi.captioner()  # a remote vision model only through the privacy gateway
    notice = vision_notice(captioner)
    if notice:
        sys.stderr.write(f"[{notice}]\n")
    return image_turn(assistant, line, attachments, captioner=captioner,
                      ocr_languages=pasi.settings.ocr_languages)  # fmt: skip


def describe_without_model(pasi: Pasi, paths: Sequence[Path]) -> str:
    """With no chat model, what pasi can still say about images: their EXIF and text."""
    from pasi.senses.vision import attachment_message
    from pasi.senses.vision.attach import look_at

    ocr = pasi.settings.ocr_languages
    sights = [look_at(a, "", None, ocr) for a in load(paths)]
    found = attachment_message("", sights, vision=True)  # the no-vision note is for models
    return "No chat model is configured; this is what pasi read from the image:\n" + found
