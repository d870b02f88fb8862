"""Photos and screenshots: when and where they were taken (EXIF), the text in them (Tesseract
OCR) and, with a vision model configured, what they show (a caption).

Time is handled honestly. EXIF ``DateTimeOriginal`` is a wall-clock time without a zone: with
``OffsetTimeOriginal`` it is exact; without it, the GPS timestamp (which is UTC) is used when
present; otherwise the machine's local zone is assumed and the item says so
(``timezone: "assumed local"``). GPS position is kept as decimal degrees on the ``photo`` item
and written into the episode text, so "the photo from the beach in Lisbon" can be found.

A photo from a source kept on this machine (``remote_ok = 0``, pasi.ingest.kept_local) is
never sent to a remote vision model: it is stored without a caption, and its ``photo`` item
says why (``caption_skipped``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pasi.ingest.document import Chunk, Document, IngestError, Item, Remembered, file_uri
from pasi.models.chat import ImagePart
from pasi.models.locality import is_local
from pasi.models.vision import Captioner

IMAGE_SUFFIXES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                  ".webp": "image/webp"}  # fmt: skip
OCR_MIN_CONFIDENCE = 60  # Tesseract's word confidence; photos without text give noise below it
OCR_MIN_SIDE, OCR_MAX_SIDE = 1000, 2000  # pixels on the longest side of the image Tesseract reads
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _MAKE, _MODEL = 0x0132, 0x010F, 0x0110
_ORIGINAL, _OFFSET_ORIGINAL = 0x9003, 0x9011


@dataclass(frozen=True)
class Taken:
    """When a photo was taken: the exact instant, its local wall-clock text, and how known."""

    at: datetime
    local: str  # "2024-05-01 14:03:00" as the camera showed it
    timezone: str  # "+02:00", "UTC (from GPS)" or "assumed local"


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    altitude: float | None = None

    def describe(self) -> str:
        ns = "N" if self.lat >= 0 else "S"
        ew = "E" if self.lon >= 0 else "W"
        return f"{abs(self.lat):.5f}° {ns}, {abs(self.lon):.5f}° {ew}"


@dataclass
class Sight:
    """Everything pasi could learn from one image without a person looking at it."""

    name: str
    width: int
    height: int
    taken: Taken | None = None
    place: Place | None = None
    camera: str | None = None
    text: str = ""  # OCR
    caption: str = ""  # from the vision model, when there is one
    captioned_by: str | None = None
    caption_skipped: str | None = None  # why there is no caption though a model was configured
    notes: list[str] = field(default_factory=list)

    def summary(self, name: str | None = None) -> str:
        """One paragraph for an episode or a chat message; ``name`` calls the image otherwise."""
        parts = [f"Image {name or self.name} ({self.width}x{self.height})"]
        if self.taken:
            parts.append(f"taken {self.taken.local} ({self.taken.timezone})")
        if self.place:
            parts.append(f"at {self.place.describe()}")
        if self.camera:
            parts.append(f"with {self.camera}")
        return ", ".join(parts) + "."

    def fields(self) -> dict[str, Any]:
        taken, place = self.taken, self.place
        return {
            "taken_at": taken.at.isoformat() if taken else None,
            "taken_local": taken.local if taken else None,
            "timezone": taken.timezone if taken else None,
            "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "altitude": place.altitude if place else None,
            "camera": self.camera,
            "width": self.width,
            "height": self.height,
            "text": self.text,
            "caption": self.caption or None,
            "captioned_by": self.captioned_by,
            "caption_skipped": self.caption_skipped,
        }


def open_image(data: bytes, name: str) -> Any:
    """A Pillow image from bytes; an unreadable file is an IngestError naming it."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise IngestError(f"{name}: not an image pasi can read ({error})") from None
    return image


def look(
    data: bytes,
    name: str,
    *,
    captioner: Captioner | None = None,
    ocr_languages: str = "eng",
    prompt: str | None = None,
) -> Sight:
    """EXIF, OCR and (with a captioner) a description of one image's bytes."""
    image = open_image(data, name)
    exif = image.getexif()
    sight = Sight(name, image.width, image.height, taken=read_taken(exif),
                  place=read_place(exif), camera=_camera(exif))  # fmt: skip
    sight.text = ocr_text(image, ocr_languages)
    if captioner is not None:
        part = ImagePart(data, image.get_format_mimetype() or "image/jpeg")
        sight.caption = captioner.describe(part, prompt) if prompt else captioner.describe(part)
        sight.captioned_by = captioner.name
    return sight


# -- EXIF -------------------------------------------------------------------------------------


def read_taken(exif: Any) -> Taken | None:
    sub = exif.get_ifd(_EXIF_IFD)
    raw = sub.get(_ORIGINAL) or exif.get(_DATETIME)
    wall = _exif_datetime(raw)
    if wall is None:
        return None
    local = wall.strftime("%Y-%m-%d %H:%M:%S")
    offset = _offset(sub.get(_OFFSET_ORIGINAL))
    if offset is not None:
        return Taken(wall.replace(tzinfo=offset), local, _offset_text(offset))
    gps_utc = _gps_time(exif.get_ifd(_GPS_IFD))
    if gps_utc is not None:
        return Taken(gps_utc, local, "UTC (from GPS)")
    return Taken(wall.astimezone(), local, "assumed local")  # naive: the machine's zone


def _exif_datetime(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other camera defaults


_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def _offset(raw: object) -> timezone | None:
    match = _OFFSET.match(raw.strip("\x00 ")) if isinstance(raw, str) else None
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def _offset_text(offset: timezone) -> str:
    minutes = round(offset.utcoffset(None).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _gps_time(gps: dict[int, Any]) -> datetime | None:
    date, time = gps.get(29), gps.get(7)
    if not isinstance(date, str) or not time or len(time) != 3:
        return None
    try:
        day = datetime.strptime(date.strip("\x00 "), "%Y:%m:%d")
        hours, minutes, seconds = (float(v) for v in time)
    except (ValueError, TypeError, ZeroDivisionError):
        return None
    return day.replace(tzinfo=UTC) + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def read_place(exif: Any) -> Place | None:
    gps = exif.get_ifd(_GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    altitude = None
    if gps.get(6) is not None:
        try:
            altitude = float(gps[6]) * (-1 if gps.get(5) in (1, b"\x01") else 1)
        except (TypeError, ValueError, ZeroDivisionError):
            altitude = None
    return Place(round(lat, 6), round(lon, 6), altitude)


def _degrees(value: object, ref: object, negative: str) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1 if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative else 1
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _camera(exif: Any) -> str | None:
    make = str(exif.get(_MAKE) or "").strip("\x00 ")
    model = str(exif.get(_MODEL) or "").strip("\x00 ")
    if model.startswith(make):
        make = ""
    return " ".join(p for p in (make, model) if p) or None


# -- OCR --------------------------------------------------------------------------------------


def ocr_text(image: Any, languages: str = "eng") -> str:
    """Words Tesseract is confident about, line by line; '' for a photo without text."""
    import pytesseract

    gray = image.convert("L")
    # Tesseract reads small print better when it is larger, and its time grows with the pixels:
    # a 12-megapixel photo took 15 s on the shared 2-core test machine, scaled to 2,000 px 3.4 s.
    longest = max(gray.size)
    if longest < OCR_MIN_SIDE or longest > OCR_MAX_SIDE:
        scale = min(max(longest, OCR_MIN_SIDE), OCR_MAX_SIDE) / longest
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)))
    try:
        data = pytesseract.image_to_data(gray, lang=languages, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise IngestError(
            "tesseract is not installed: install the Debian package tesseract-ocr"
        ) from None
    except pytesseract.TesseractError as error:
        raise IngestError(f"tesseract failed (languages '{languages}'): {error}") from None
    lines: dict[tuple[int, int, int], list[str]] = {}
    for word, conf, *key in zip(data["text"], data["conf"], data["block_num"],
                                data["par_num"], data["line_num"], strict=True):  # fmt: skip
        if word.strip() and float(conf) >= OCR_MIN_CONFIDENCE:
            lines.setdefault(tuple(key), []).append(word.strip())  # type: ignore[arg-type]
    return "\n".join(" ".join(words) for _, words in sorted(lines.items()))


# -- the connector ----------------------------------------------------------------------------


class ImageConnector:
    """``.jpg``/``.jpeg``/``.png``/``.webp``: EXIF, OCR and an optional caption per image."""

    name = "image"

    def __init__(
        self,
        captioner: Captioner | None = None,
        ocr_languages: str = "eng",
        keep_local: Callable[[Path], bool] | None = None,
    ) -> None:
        self.captioner = captioner
        self.ocr_languages = ocr_languages
        self.keep_local = keep_local  # pasi.ingest.kept_local.KeptLocal on the vault

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in IMAGE_SUFFIXES

    def read(self, path: Path) -> Iterator[Document]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise IngestError(f"cannot read {path}: {error.strerror}") from None
        captioner, skipped = self.captioner, None
        if captioner is not None and not is_local(captioner) and self._kept_local(path):
            captioner = None
            skipped = (
                f"not sent to the remote vision model {self.captioner.name}: the source is kept "
                "on this machine (remote_ok = 0)"
            )
        sight = look(data, str(path), captioner=captioner, ocr_languages=self.ocr_languages)
        sight.caption_skipped = skipped
        yield image_document(path, sight)

    def _kept_local(self, path: Path) -> bool:
        return self.keep_local is not None and self.keep_local(path)


def image_document(path: Path, sight: Sight) -> Document:
    """One photo: a summary chunk, the caption and the OCR text as chunks, a ``photo`` item,
    and the caption as a memory whose evidence is the caption's episode."""
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    at = sight.taken.at if sight.taken else None
    chunks = [Chunk(sight.summary(path.name), "exif", at=at)]
    remembered = []
    if sight.caption:
        chunks.append(Chunk(f"What the image {path.name} shows: {sight.caption}", "caption", at=at))
        remembered.append(Remembered(_caption_memory(path.name, sight), "caption", "event", at))
    if sight.text:
        chunks.append(Chunk(f"Text in the image {path.name}:\n{sight.text}", "ocr", at=at))
    item = Item("photo", path.name, at or modified, {"path": str(path), **sight.fields()})
    # Text read off an image (a screenshot of an email, a sign, a letter) was written by others:
    # it may address the assistant (pasi.safety.provenance).
    trust = "external" if sight.text else "user"
    return Document(uri=file_uri(path), title=path.name, kind="image", chunks=chunks,
                    items=[item], modified=modified, trust=trust,
                    memories=remembered)  # fmt: skip


def _caption_memory(name: str, sight: Sight) -> str:
    first = sight.caption.strip().splitlines()[0].strip()
    where = f" at {sight.place.describe()}" if sight.place else ""
    when = f" on {sight.taken.local[:10]}" if sight.taken else ""
    return f"Photo {name}{when}{where}: {first}"
