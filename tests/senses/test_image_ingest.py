"""Photos ingested as sources: EXIF time and place, text by OCR, a vision model's caption
stored as a memory whose evidence is the image; the caption request carries the image."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from photos import photo, write

from models.scripted_http import Reply, Seen, chat_reply, serve
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.ingest.images import ImageConnector, look
from pasi.ingest.registry import configured_connectors, default_connectors
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.chat import ImagePart, ScriptedModel
from pasi.models.vision import ChatCaptioner
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
BERLIN = (52.520008, 13.404954)


@pytest.fixture
def lexical_store(vault: SQLiteVault) -> MemoryStore:
    return MemoryStore(vault, None, fixed_clock(NOW))


def _syncer(store: MemoryStore, captioner: object = None) -> Syncer:
    connectors = default_connectors(max_bytes=10**7, clock=store.clock, captioner=captioner)  # type: ignore[arg-type]
    return Syncer(store, max_bytes=10**7, connectors=connectors)


def test_text_rendered_in_an_image_is_read_back_by_ocr() -> None:
    sight = look(photo(("Receipt Cafe Blau", "Total 12.50 EUR")), "receipt.png")
    assert sight.text.splitlines() == ["Receipt Cafe Blau", "Total 12.50 EUR"]


def test_a_photo_without_text_yields_no_ocr_noise() -> None:
    assert look(photo(colour="forestgreen"), "lawn.jpg").text == ""


def test_exif_time_with_its_offset_and_gps_position_are_read_back() -> None:
    data = photo(taken="2024:05:01 14:03:00", offset="+02:00", gps=BERLIN,
                 camera=("Google", "Pixel 7"))  # fmt: skip
    sight = look(data, "walk.jpg")
    assert sight.taken is not None and sight.place is not None
    assert sight.taken.at == datetime(2024, 5, 1, 12, 3, tzinfo=UTC)
    assert sight.taken.at.utcoffset() == timedelta(hours=2)
    assert (sight.taken.local, sight.taken.timezone) == ("2024-05-01 14:03:00", "+02:00")
    assert sight.place.lat == pytest.approx(BERLIN[0], abs=1e-5)
    assert sight.place.lon == pytest.approx(BERLIN[1], abs=1e-5)
    assert sight.camera == "Google Pixel 7"


def test_southern_and_western_positions_are_negative() -> None:
    sight = look(photo(gps=(-33.8568, -70.6483)), "santiago.jpg")
    assert sight.place is not None
    assert (sight.place.lat, sight.place.lon) == pytest.approx((-33.8568, -70.6483), abs=1e-5)


def test_without_an_offset_the_gps_clock_gives_the_instant_in_utc() -> None:
    data = photo(taken="2024:05:01 14:03:00", gps_utc=("2024:05:01", (12.0, 3.0, 0.0)))
    sight = look(data, "g.jpg")
    assert sight.taken is not None
    assert sight.taken.at == datetime(2024, 5, 1, 12, 3, tzinfo=UTC)
    assert sight.taken.timezone == "UTC (from GPS)"


def test_a_bare_camera_time_is_taken_as_local_time_and_says_so() -> None:
    sight = look(photo(taken="2024:05:01 14:03:00"), "bare.jpg")
    assert sight.taken is not None and sight.taken.timezone == "assumed local"
    local = datetime(2024, 5, 1, 14, 3).astimezone()
    assert sight.taken.at == local and sight.taken.at.tzinfo is not None


def test_an_ingested_photo_keeps_its_time_and_place_and_its_text_is_searchable(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    path = write(tmp_path / "photos", "IMG_0001.jpg", photo(
        ("Cafe Blau", "Total 12.50 EUR"), taken="2024:05:01 14:03:00", offset="+02:00", gps=BERLIN,
    ))  # fmt: skip
    report = _syncer(lexical_store).ingest([tmp_path / "photos"])
    assert report.added == [str(path)] and report.failed == []
    conn = lexical_store.vault.read()
    item = conn.execute("SELECT kind, title, at, fields FROM items").fetchone()
    fields = json.loads(item["fields"])
    assert (item["kind"], item["title"]) == ("photo", "IMG_0001.jpg")
    assert item["at"] == "2024-05-01T12:03:00+00:00"
    assert (fields["lat"], fields["lon"]) == pytest.approx(BERLIN, abs=1e-5)
    assert fields["timezone"] == "+02:00" and fields["caption"] is None
    times = {r[0] for r in conn.execute("SELECT occurred_at FROM episodes")}
    assert times == {"2024-05-01T12:03:00+00:00"}
    found = lexical_store.recall("Cafe Blau receipt total")
    assert any("Total 12.50 EUR" in r.text for r in found)
    assert lexical_store.list() == []  # no caption, no memory: OCR text is not a statement


def test_a_scripted_vision_models_caption_becomes_a_memory_with_the_image_as_evidence(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    model = ScriptedModel(lambda _: "A brown dog on a sandy beach.\nObjects: a red ball.")
    path = write(tmp_path, "dog.jpg", photo(taken="2023:08:14 10:00:00", offset="+01:00"))
    _syncer(lexical_store, ChatCaptioner(model)).ingest([path])
    (memory,) = lexical_store.list()
    assert memory.text == "Photo dog.jpg on 2023-08-14: A brown dog on a sandy beach."
    assert memory.kind == "event" and memory.valid_from == datetime(2023, 8, 14, 9, tzinfo=UTC)
    conn = lexical_store.vault.read()
    evidence = conn.execute(
        "SELECT e.text, s.uri FROM memory_evidence m JOIN episodes e ON e.id = m.episode_id"
        " JOIN sources s ON s.id = e.source_id WHERE m.memory_id = ?", (memory.id,)
    ).fetchall()  # fmt: skip
    assert [(row[1]) for row in evidence] == [f"file:{path.resolve()}"]
    assert "a red ball" in evidence[0][0]
    (request,) = model.requests
    (image,) = request.messages[0].images
    assert image.data == path.read_bytes() and image.mime == "image/jpeg"


def test_resyncing_an_unchanged_photo_asks_the_vision_model_nothing_and_keeps_one_memory(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    model = ScriptedModel(lambda _: "A lighthouse at dusk.")
    write(tmp_path / "p", "light.png", photo(fmt="PNG"))
    syncer = _syncer(lexical_store, ChatCaptioner(model))
    syncer.ingest([tmp_path / "p"])
    assert syncer.sync().skipped == [str((tmp_path / "p" / "light.png").resolve())]
    assert len(model.requests) == 1 and len(lexical_store.list()) == 1


def test_deleting_the_photo_forgets_its_caption_memory(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    path = write(tmp_path / "p", "x.jpg", photo())
    syncer = _syncer(lexical_store, ChatCaptioner(ScriptedModel(lambda _: "A cat asleep.")))
    syncer.ingest([tmp_path / "p"])
    path.unlink()
    assert syncer.sync().removed == [str(path.resolve())]
    assert lexical_store.list() == []


def test_a_broken_image_is_reported_by_name_and_the_rest_is_stored(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    write(tmp_path / "p", "broken.jpg", b"\xff\xd8\xff not really a jpeg")
    write(tmp_path / "p", "fine.png", photo(("Hello there",), fmt="PNG"))
    report = _syncer(lexical_store).ingest([tmp_path / "p"])
    assert len(report.added) == 1 and len(report.failed) == 1
    assert "broken.jpg" in report.failed[0][1] and "not an image" in report.failed[0][1]


def _png_header(width: int, height: int) -> bytes:
    """A well-formed PNG that declares its size and holds no pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    size = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", size) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))  # fmt: skip


def test_an_image_too_large_to_decode_safely_is_an_ingest_error(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    write(tmp_path / "p", "huge.png", _png_header(30_000, 30_000))  # 900 megapixels
    report = _syncer(lexical_store).ingest([tmp_path / "p"])
    assert report.added == [] and len(report.failed) == 1
    assert "huge.png" in report.failed[0][1] and "not an image" in report.failed[0][1]


def test_the_caption_request_carries_the_image_as_a_data_url_on_the_openai_http_path(
    tmp_path: Path,
) -> None:
    data = photo(("Fern",))

    def answer(seen: Seen) -> Reply:
        return Reply(body=chat_reply("A fern in a pot on a windowsill."))

    with serve(answer) as server:
        settings = Settings(
            vault=tmp_path / "v", vision_model=f"openai-compatible:{server.url}/v1#llava"
        )
        connector = next(c for c in configured_connectors(settings).items
                         if isinstance(c, ImageConnector))  # fmt: skip
        assert connector.captioner is not None
        sight = look(data, "fern.jpg", captioner=connector.captioner)
    assert sight.caption == "A fern in a pot on a windowsill."
    assert sight.captioned_by == "openai-compatible:llava"
    (seen,) = server.seen
    assert seen.path == "/v1/chat/completions" and seen.body["model"] == "llava"
    text, image = seen.body["messages"][0]["content"]
    assert text["type"] == "text" and "caption" in text["text"]
    assert image["type"] == "image_url"
    prefix, _, encoded = image["image_url"]["url"].partition(",")
    assert prefix == "data:image/jpeg;base64" and base64.b64decode(encoded) == data


def test_an_image_part_is_a_base64_data_url() -> None:
    part = ImagePart(b"\x89PNG..", "image/png")
    assert part.data_url() == "data:image/png;base64," + base64.b64encode(b"\x89PNG..").decode()


def test_the_query_tool_finds_photos_by_place_and_time(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    from pasi.models.chat import ToolCall
    from pasi.tools.registry import ToolContext, default_tools

    folder = tmp_path / "phone"
    write(folder, "berlin.jpg", photo(taken="2024:05:01 14:03:00", offset="+02:00", gps=BERLIN))
    write(folder, "lisbon.jpg", photo(taken="2024:07:20 18:30:00", offset="+01:00",
                                      gps=(38.7223, -9.1393)))  # fmt: skip
    write(folder, "scan.png", photo(("Invoice 42",), fmt="PNG"))
    assert _syncer(lexical_store).ingest([folder]).failed == []
    sql = ("SELECT name, taken_utc, timezone FROM photos WHERE lon < 0 OR taken_utc IS NULL"
           " ORDER BY name")  # fmt: skip
    call = ToolCall("c1", "query_data", json.dumps({"sql": sql}))
    result = default_tools().run(call, ToolContext(lexical_store))
    assert result.ok, result.content
    rows = result.content.splitlines()[1:3]
    assert rows == ['"lisbon.jpg" | "2024-07-20T17:30:00+00:00" | "+01:00"',
                    '"scan.png" | null | null']  # fmt: skip
