"""Senses: voice in and out with a full-duplex loop, and images (OCR, EXIF, captions)."""
