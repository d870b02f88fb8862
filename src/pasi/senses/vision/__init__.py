"""Images in chat: attach a photo to a message and pasi reads it (OCR, EXIF) and, with a
vision model configured, looks at it. Ingesting photo folders is the ingest layer's
``ImageConnector`` (pasi.ingest.images); both share :func:`pasi.ingest.images.look`."""

from pasi.senses.vision.attach import Attachment, attachment_message, image_turn, vision_notice

__all__ = ["Attachment", "attachment_message", "image_turn", "vision_notice"]
