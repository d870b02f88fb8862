"""Images attached in chat: read by OCR and EXIF, looked at by a vision model when there is
one, and kept in the user's turn; without a vision model the answer says so."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from photos import photo, write

from pasi.agent.assistant import Assistant
from pasi.agent.context import user_words
from pasi.agent.events import Answer
from pasi.clock import fixed_clock
from pasi.errors import InputError
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.models.vision import ChatCaptioner
from pasi.senses.vision import Attachment, image_turn, vision_notice
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
RECEIPT = ("Cafe Blau", "Total 12.50 EUR")


@pytest.fixture
def lexical_store(vault: SQLiteVault) -> MemoryStore:
    return MemoryStore(vault, None, fixed_clock(NOW))


def _user_message(request: ChatRequest) -> str:
    return user_words([m for m in request.messages if m.role == "user"][-1].content)


def _answer(events: object) -> Answer:
    return next(e for e in events if isinstance(e, Answer))  # type: ignore[attr-defined]


def test_without_a_vision_model_the_turn_carries_ocr_and_exif_and_says_so(
    lexical_store: MemoryStore,
) -> None:
    model = ScriptedModel(lambda _: "Added 12.50 EUR at Cafe Blau (I read only its text).")
    assistant = Assistant(lexical_store, model, clock=lexical_store.clock)
    receipt = Attachment(photo(RECEIPT, taken="2024:05:31 19:40:00", offset="+02:00"), "r.jpg")
    answer = _answer(image_turn(assistant, "add this receipt to my expenses", [receipt]))
    sent = _user_message(model.requests[0])
    assert sent.startswith("add this receipt to my expenses")
    assert "Cafe Blau\nTotal 12.50 EUR" in sent and "taken 2024-05-31 19:40:00 (+02:00)" in sent
    assert "No vision model is configured" in sent and "Say so" in sent
    turn = (
        lexical_store.vault.read()
        .execute("SELECT text FROM episodes WHERE id = ?", (answer.question_episode_id,))
        .fetchone()[0]
    )
    assert "Total 12.50 EUR" in turn  # the receipt is in memory after the chat
    assert vision_notice(None) is not None


def test_with_a_vision_model_it_looks_at_the_image_with_the_users_question(
    lexical_store: MemoryStore,
) -> None:
    eyes = ScriptedModel(lambda _: "A fern with long arching fronds in a clay pot.")
    chat = ScriptedModel(lambda _: "That looks like a Boston fern.")
    assistant = Assistant(lexical_store, chat, clock=lexical_store.clock)
    plant = Attachment(photo(colour="darkgreen"), "plant.jpg")
    events = image_turn(assistant, "what is this plant?", [plant], captioner=ChatCaptioner(eyes))
    assert _answer(events).text == "That looks like a Boston fern."
    (look,) = eyes.requests
    assert "what is this plant?" in look.messages[0].content
    assert look.messages[0].images[0].data == plant.data
    sent = _user_message(chat.requests[0])
    assert "A fern with long arching fronds" in sent and "No vision model" not in sent
    assert vision_notice(ChatCaptioner(eyes)) is None


def test_an_openai_image_url_data_url_becomes_an_attachment() -> None:
    data = photo(("hi",), fmt="PNG")
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert Attachment.from_data_url(url).data == data


@pytest.mark.parametrize("url", ["https://example.com/cat.jpg", "data:image/png,rawbytes"])
def test_an_image_url_that_is_not_a_base64_data_url_is_refused_by_value(url: str) -> None:
    with pytest.raises(InputError, match="not a base64 data URL"):
        Attachment.from_data_url(url)


def test_a_file_that_is_not_an_image_fails_before_anything_is_recorded(
    lexical_store: MemoryStore, tmp_path: Path
) -> None:
    model = ScriptedModel(lambda _: "never asked")
    assistant = Assistant(lexical_store, model, clock=lexical_store.clock)
    bogus = Attachment.from_path(write(tmp_path, "notes.jpg", b"just some text"))
    with pytest.raises(InputError, match=r"notes\.jpg: not an image"):
        list(image_turn(assistant, "what is this?", [bogus]))
    assert model.requests == [] and lexical_store.recent_turns() == []
