"""Images the vision tests make with Pillow: rendered text, EXIF time, offset and GPS."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


def photo(
    lines: tuple[str, ...] = (),
    *,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
    gps_utc: tuple[str, tuple[float, float, float]] | None = None,
    camera: tuple[str, str] | None = None,
    fmt: str = "JPEG",
    colour: str = "white",
) -> bytes:
    """An image with ``lines`` of large black text and the EXIF fields given."""
    image = Image.new("RGB", (900, 120 + 110 * len(lines)), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    for index, line in enumerate(lines):
        draw.text((40, 40 + 110 * index), line, fill="black", font=font)
    exif = Image.Exif()
    if camera:
        exif[0x010F], exif[0x0110] = camera
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if offset:
        exif.get_ifd(0x8769)[0x9011] = offset
    if gps:
        lat, lon = gps
        block = exif.get_ifd(0x8825)
        block[1], block[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        block[3], block[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    if gps_utc:
        block = exif.get_ifd(0x8825)
        block[29], block[7] = gps_utc
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 2)
    return (float(degrees), float(minutes), seconds)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
