"""Images attached over HTTP: OpenAI ``image_url`` parts on ``/v1/chat/completions`` and
``images`` on ``/api/chat``, read like ``pasi chat --image`` (OCR and EXIF, the vision model
when configured), on a real server through the real ``openai`` SDK."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest
from live_server import RunningServer, echo_reply

from models.scripted_http import Reply, Seen, Server, chat_reply, serve
from pasi.config import Settings
from pasi.models.chat import ScriptedModel
from pasi.privacy.audit import AuditLog
from senses.photos import photo

RECEIPT = ("Cafe Blau", "Total 12.50 EUR")
CAPTION = "A fern with long arching fronds in a clay pot."


def _data_url(data: bytes, kind: str = "image/jpeg") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def _parts(text: str, *urls: str) -> list[dict[str, Any]]:
    images = [{"type": "image_url", "image_url": {"url": url}} for url in urls]
    return [{"type": "text", "text": text}, *images]


def _turns(server: RunningServer, name: str = "alice") -> list[tuple[str, str]]:
    return [(t.role, t.text) for t in server.turns(name)]


@pytest.fixture
def eyes() -> Iterator[Server]:
    """A vision model server on 127.0.0.1 that answers every request with CAPTION."""

    def answer(seen: Seen) -> Reply:
        return Reply(body=chat_reply(CAPTION))

    with serve(answer) as server:
        yield server


def _with_vision(settings: Settings, eyes: Server, *, remote: bool = False) -> Settings:
    port = eyes.url.rsplit(":", 1)[1]
    return settings.model_copy(
        update={
            "vision_model": f"openai-compatible:{eyes.url}/v1#eyes",
            "remote_hosts": [f"127.0.0.1:{port}"] if remote else [],
        }
    )


def test_an_image_part_is_read_by_ocr_and_the_answer_says_there_was_no_vision_model(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server(chat_model=ScriptedModel(echo_reply))
    receipt = photo(RECEIPT, taken="2024:05:31 19:40:00", offset="+02:00")
    reply = server.openai(server.token()).chat.completions.create(
        model="pasi",
        messages=[{"role": "user", "content": _parts("add this receipt", _data_url(receipt))}],
    )
    answer = reply.choices[0].message.content or ""
    assert "Cafe Blau\nTotal 12.50 EUR" in answer  # the model was given the image's text
    assert "taken 2024-05-31 19:40:00 (+02:00)" in answer
    assert "No vision model is configured" in answer and "Say so in the answer" in answer
    assert "no vision model" in (reply.model_extra or {})["pasi"]["notice"]
    (asked, answered) = _turns(server)
    assert asked[0] == "user" and asked[1].startswith("add this receipt")
    assert "Total 12.50 EUR" in asked[1]  # the receipt is in memory after the chat
    assert answered == ("assistant", answer)


def test_with_a_vision_model_its_caption_is_used_and_it_saw_the_image(
    start_server: Callable[..., RunningServer], server_settings: Settings, eyes: Server
) -> None:
    chat = ScriptedModel(lambda _: "That looks like a Boston fern.")
    server = start_server(_with_vision(server_settings, eyes), chat_model=chat)
    plant = photo(colour="darkgreen", fmt="PNG")
    stream = server.openai(server.token()).chat.completions.create(
        model="pasi",
        messages=[
            {
                "role": "user",
                "content": _parts("what is this plant?", _data_url(plant, "image/png")),
            }
        ],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "That looks like a Boston fern."
    (look,) = [s.body for s in eyes.seen if s.path.endswith("/chat/completions")]
    content = look["messages"][0]["content"]
    assert "what is this plant?" in json.dumps(content)
    assert _data_url(plant, "image/png") in json.dumps(content)  # the vision model saw it
    sent = [m for m in chat.requests[-1].messages if m.role == "user"][-1].content
    assert f"What the vision model openai-compatible:eyes sees: {CAPTION}" in sent
    assert "No vision model" not in sent
    assert "notice" not in (chunks[-1].model_extra or {}).get("pasi", {})
    assert CAPTION in _turns(server)[0][1]


def test_a_remote_vision_model_sees_the_image_only_through_the_audited_gateway(
    start_server: Callable[..., RunningServer], server_settings: Settings, eyes: Server
) -> None:
    server = start_server(_with_vision(server_settings, eyes, remote=True),
                          chat_model=ScriptedModel(echo_reply))  # fmt: skip
    plant = photo(colour="darkgreen")
    reply = server.openai(server.token()).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": _parts("what?", _data_url(plant))}]
    )
    assert CAPTION in (reply.choices[0].message.content or "")
    calls = [e for e in AuditLog(server.pasi("alice").vault).entries() if e.actor == "vision"]
    assert len(calls) == 1 and calls[0].to_json()["model"].endswith("eyes")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://example.com/plant.jpg", "pasi does not fetch images"),
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "pasi reads PNG, JPEG and WebP"),
        (_data_url(b"just some text"), "not an image pasi can read"),
        ("data:image/png;base64,", "empty"),
    ],
)
def test_a_bad_image_part_is_refused_by_its_place_and_nothing_is_recorded(
    server: RunningServer, echo_model: ScriptedModel, url: str, says: str
) -> None:
    client = server.openai(server.token())
    messages = [
        {"role": "user", "content": "earlier"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": _parts("what is this?", url)},
    ]
    with pytest.raises(openai.UnprocessableEntityError) as refused:
        client.chat.completions.create(model="pasi", messages=messages)  # type: ignore[arg-type]
    error = refused.value.body
    assert isinstance(error, dict)
    assert error["param"] == "messages.2.content.1.image_url"
    assert says in error["message"]
    assert echo_model.requests == [] and _turns(server) == []


def test_an_oversized_image_is_refused_with_the_limit(server: RunningServer) -> None:
    huge = _data_url(b"\xff\xd8" + bytes(20 * 1024 * 1024))
    with server.http(server.token()) as client:
        response = client.post(
            "/v1/chat/completions",
            json={"model": "pasi", "messages": [{"role": "user", "content": _parts("hi", huge)}]},
        )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["param"] == "messages.0.content.1.image_url"
    assert "the limit is 20,971,520" in error["message"]


def _chat_events(server: RunningServer, body: dict[str, Any]) -> list[dict[str, Any]]:
    with (
        server.http(server.token()) as client,
        client.stream("POST", "/api/chat", json=body) as response,
    ):
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line]
    return [json.loads(line[len("data: ") :]) for line in lines]


def test_the_web_chat_takes_images_and_notices_the_missing_vision_model(
    server: RunningServer,
) -> None:
    receipt = _data_url(photo(RECEIPT, fmt="WEBP"), "image/webp")
    events = _chat_events(server, {"message": "", "images": [receipt]})
    assert events[0] == {
        "type": "notice",
        "text": "no vision model is configured: answering from the image's text (OCR) and metadata",
    }
    answer = events[-1]
    assert answer["type"] == "answer" and "Total 12.50 EUR" in answer["text"]
    assert "What is in this image?" in _turns(server)[0][1]  # the question when none is given


def test_the_web_chat_refuses_a_remote_image_by_its_index(server: RunningServer) -> None:
    with server.http(server.token()) as client:
        response = client.post(
            "/api/chat", json={"message": "look", "images": ["http://example.com/a.png"]}
        )
        empty = client.post("/api/chat", json={"message": " "})
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "images.0"
    assert empty.status_code == 422 and empty.json()["error"]["param"] == "message"
    assert _turns(server) == []


def test_without_any_model_the_answer_is_what_was_read_and_it_is_remembered(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server()  # the offline mode: no model at all
    reply = server.openai(server.token()).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": _parts("", _data_url(photo(RECEIPT)))}]
    )
    answer = reply.choices[0].message.content or ""
    assert answer.startswith("pasi has no language model configured")
    assert "Text in it (OCR): Cafe Blau\nTotal 12.50 EUR" in answer
    ((role, recorded),) = _turns(server)
    assert role == "user" and "Total 12.50 EUR" in recorded and "Say so" not in recorded
    found = server.pasi("alice").memory.recall("Cafe Blau", 3)
    assert any("Total 12.50 EUR" in r.text for r in found)
