"""The OpenAI-compatible API through the real ``openai`` SDK against a real server."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from live_server import RunningServer

from pasi.agent.context import user_words
from pasi.models.chat import ScriptedModel
from pasi.server.users import UserRegistry


def _turns(server: RunningServer, name: str) -> list[tuple[str, str]]:
    turns = server.turns(name)
    return [(t.role, t.text) for t in turns]


def test_models_lists_pasi(server: RunningServer) -> None:
    client = server.openai(server.token())
    assert [m.id for m in client.models.list()] == ["pasi"]
    assert client.models.retrieve("pasi").owned_by == "pasi"


def test_completion_answers_with_memory_and_remembers_the_turn(
    server: RunningServer, echo_model: ScriptedModel
) -> None:
    token = server.token()
    server.pasi("alice").memory.remember("Alice's sister is called Ines")
    reply = server.openai(token).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "Who is my sister?"}]
    )
    assert reply.choices[0].message.content == "You said: Who is my sister?"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.completion_tokens > 0
    system, last = echo_model.requests[-1].messages
    assert system.role == "system" and "Ines" in system.content + last.content  # the context
    assert _turns(server, "alice")[-2:] == [
        ("user", "Who is my sister?"),
        ("assistant", "You said: Who is my sister?"),
    ]


def test_streaming_sends_chunks_then_done(server: RunningServer) -> None:
    client = server.openai(server.token())
    stream = client.chat.completions.create(
        model="pasi",
        messages=[{"role": "user", "content": "one two three"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)  # the SDK stops at [DONE]; it raises on an error chunk
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: one two three"
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    assert _turns(server, "alice")[-1] == ("assistant", "You said: one two three")


def test_earlier_client_messages_are_context_not_new_turns(
    server: RunningServer, echo_model: ScriptedModel
) -> None:
    client = server.openai(server.token())
    client.chat.completions.create(
        model="pasi",
        messages=[
            {"role": "system", "content": "Answer in French."},
            {"role": "user", "content": "I bought a red bicycle"},
            {"role": "assistant", "content": "Nice bicycle!"},
            {"role": "user", "content": [{"type": "text", "text": "What colour is it?"}]},
        ],
    )
    sent = echo_model.requests[-1].messages
    assert [m.role for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[0].content.endswith("Answer in French.")
    assert (sent[1].content, sent[2].content) == ("I bought a red bicycle", "Nice bicycle!")
    assert user_words(sent[3].content) == "What colour is it?"
    recorded = [text for _, text in _turns(server, "alice")]
    assert recorded == ["What colour is it?", "You said: What colour is it?"]


def test_turns_are_queued_for_learning(server: RunningServer) -> None:
    server.openai(server.token()).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "I moved to Porto in May"}]
    )
    pasi = server.pasi("alice")
    turn_ids = {turn.id for turn in server.turns()}
    queued = {i for job in pasi.learner.pending() for i in job.episode_ids}
    assert len(turn_ids) == 2 and queued == turn_ids


def test_without_a_model_the_offline_mode_answers(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server()  # model 'none', nothing injected
    client = server.openai(server.token())
    noted = client.chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "My dentist is Dr Okafor"}]
    )
    assert noted.choices[0].message.content == "Noted: I will remember that."
    stream = client.chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "Who is my dentist?"}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert "Dr Okafor" in text


def test_embeddings_are_the_users_embedder(server: RunningServer, embedder) -> None:
    client = server.openai(server.token())
    texts = ["I live in Berlin", "coffee at nine"]
    result = client.embeddings.create(model="pasi", input=texts)  # the SDK asks for base64
    vectors = np.array([item.embedding for item in result.data], dtype=np.float32)
    assert np.allclose(vectors, embedder.embed(texts), atol=1e-6)
    floats = client.embeddings.create(model="pasi", input="x", encoding_format="float")
    assert len(floats.data[0].embedding) == embedder.dim


def test_a_bad_request_names_the_field(server: RunningServer) -> None:
    import openai

    client = server.openai(server.token())
    with pytest.raises(openai.UnprocessableEntityError) as raised:
        client.chat.completions.create(
            model="pasi", messages=[{"role": "assistant", "content": "hello"}]
        )
    assert raised.value.body["param"] == "messages"  # type: ignore[index]


def test_tokens_are_stored_only_as_hashes(server: RunningServer) -> None:
    token = server.token()
    users_db = (server.settings.server_home / "users.db").read_bytes()
    assert token.encode() not in users_db
    assert isinstance(server.users, UserRegistry) and server.users.authenticate(token) is not None


def test_a_reply_with_nul_characters_is_kept_without_them(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server(chat_model=ScriptedModel(lambda _: "tiny\x00 models\x00 say this"))
    reply = server.openai(server.token()).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "tiny models say this"
    assert _turns(server, "alice")[-1] == ("assistant", "tiny models say this")
