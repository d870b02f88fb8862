"""The privacy gateway on the real OpenAI-compatible path: pasi, the `openai` client, and a real
HTTP server on 127.0.0.1 that the settings declare remote (``remote_hosts``, as for the local end
of an SSH tunnel to a cloud GPU). Every assertion is about what the server actually received.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from models.scripted_http import Reply, Seen, chat_reply, chunk, serve
from pasi.agent.context import user_words
from pasi.app import Pasi
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.ingest.sync import Syncer
from pasi.privacy.audit import REMOTE_CALL, AuditLog
from pasi.privacy.gateway import PrivacyGateway
from pasi.privacy.policy import withheld_note
from pasi.vault import items as it
from pasi.vault import memories as mem

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)  # as in tests/conftest.py

PLACEHOLDER = re.compile(r"<(?:PERSON|EMAIL|PHONE|ADDRESS|CARD|IBAN|ID|IP)_\d+>")
QUESTION = (
    "How do I reach Anna Berg? Her email is anna.berg@example.com, her phone +49 30 1234567 "
    "and she lives at Hauptstraße 5, 10115 Berlin."
)
SECRETS = ("Anna", "Berg", "anna.berg@example.com", "1234567", "Hauptstraße")


def _pasi(tmp_path: Path, url: str) -> Pasi:
    port = url.rsplit(":", 1)[1]
    settings = Settings(
        vault=tmp_path / "vault",
        embedder="none",
        model=f"openai-compatible:{url}/v1#cloud-model",
        remote_hosts=[f"127.0.0.1:{port}"],
        phone_regions=["DE", "US"],
    )
    return Pasi(settings, clock=fixed_clock(NOW))


def _sent(seen: list[Seen]) -> list[dict]:
    return [s.body for s in seen if s.path.endswith("/chat/completions")]


def _stream(*pieces: str) -> Reply:
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in pieces]
    return Reply(events=[*events, chunk({}, finish="stop")])


def _echo_placeholders(seen: Seen) -> Reply:
    """Answer with the placeholders of the user's message, each cut in two across chunks."""
    asked = user_words(seen.body["messages"][-1]["content"])  # not the context before them
    person, email, phone, address = PLACEHOLDER.findall(asked)
    return _stream(
        f"Write to {person[:4]}", f"{person[4:]} at {email[:-3]}", f"{email[-3:]}, call ",
        f"{phone} or visit {address[:1]}", f"{address[1:]}.",
    )  # fmt: skip


def test_the_remote_server_gets_placeholders_and_the_user_gets_the_real_names(
    tmp_path: Path,
) -> None:
    with serve(_echo_placeholders) as server:
        pasi = _pasi(tmp_path, server.url)
        with pasi.vault.write() as conn:
            it.insert_entity(conn, "Anna Berg", ["Berg, Anna"], {})
        assert isinstance(pasi.chat_model, PrivacyGateway)
        deltas, answer = [], None
        for event in pasi.assistant().turn(QUESTION):
            if hasattr(event, "answer_id"):
                answer = event
            elif hasattr(event, "text"):
                deltas.append(event.text)
        pasi.close()

    body = json.dumps(_sent(server.seen), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in body
    assert len(set(PLACEHOLDER.findall(body))) >= 4
    expected = (
        "Write to Anna Berg at anna.berg@example.com, call +49 30 1234567 or visit "
        "Hauptstraße 5, 10115 Berlin."
    )
    assert "".join(deltas) == expected
    assert answer is not None and answer.text == expected


def test_every_remote_call_is_audited_exactly_as_sent(tmp_path: Path) -> None:
    with serve(_echo_placeholders) as server:
        pasi = _pasi(tmp_path, server.url)
        with pasi.vault.write() as conn:
            it.insert_entity(conn, "Anna Berg", [], {})
        pasi.assistant().ask(QUESTION)
        pasi.assistant().ask("And what about her sister? " + QUESTION)
        entries = AuditLog(pasi.vault).entries()
        pasi.close()

    sent = _sent(server.seen)
    assert len(entries) == len(sent) == 2
    for entry, body in zip(reversed(entries), sent, strict=True):
        assert entry.action == REMOTE_CALL and entry.actor == "chat"
        assert (
            entry.endpoint == f"{server.url}/v1" and entry.model == "openai-compatible:cloud-model"
        )
        assert hashlib.sha256(entry.payload.encode()).hexdigest() == entry.digest
        logged = [m["content"] for m in json.loads(entry.payload)["messages"]]
        assert logged == [m["content"] for m in body["messages"]]
        assert not any(secret in entry.payload for secret in SECRETS)


def test_tool_calls_run_with_real_names_and_their_results_go_back_pseudonymised(
    tmp_path: Path,
) -> None:
    def handler(seen: Seen) -> Reply:
        messages = seen.body["messages"]
        if messages[-1]["role"] == "tool":
            return _stream("Found it.")
        person = PLACEHOLDER.findall(messages[-1]["content"])[0]
        call = {"index": 0, "id": "c1", "type": "function",
                "function": {"name": "recall", "arguments": json.dumps({"query": person})}}  # fmt: skip
        return Reply(events=[chunk({"tool_calls": [call]}), chunk({}, finish="tool_calls")])

    with serve(handler) as server:
        pasi = _pasi(tmp_path, server.url)
        with pasi.vault.write() as conn:
            it.insert_entity(conn, "Anna Berg", [], {})
        pasi.memory.remember("Anna Berg plays the cello in Leipzig", subject="Anna Berg")
        answer = pasi.assistant().ask("What does Anna play?")
        pasi.close()

    (result,) = answer.tool_calls
    # The tool ran with the person's name as first seen in the request (the quoted memory).
    assert json.loads(result.call.arguments) == {"query": "Anna Berg"}
    assert "cello" in result.content and "Anna Berg" in result.content
    tool_message = _sent(server.seen)[-1]["messages"][-1]
    assert "cello" in tool_message["content"] and "Anna" not in tool_message["content"]
    assert PLACEHOLDER.search(tool_message["content"])


def test_withheld_sources_and_sensitive_memories_never_reach_a_remote_model(
    tmp_path: Path, locker_email: Path
) -> None:
    with serve(lambda _: _stream("I cannot see that.")) as server:
        pasi = _pasi(tmp_path, server.url)
        Syncer(pasi.memory, max_bytes=1 << 20).ingest([locker_email])
        source = pasi.vault.read().execute("SELECT remote_ok FROM sources WHERE kind = 'file'")
        assert source.fetchone()[0] == 0  # email is kept off cloud models by default
        locker = "The user's locker at the sailing club holds insulin"
        pasi.memory.remember_many([mem.NewMemory(locker, sensitivity="health")])
        answer = pasi.assistant().ask("What is the locker code at the sailing club?")
        pasi.close()

    body = json.dumps(_sent(server.seen))
    assert "4471" not in body and "insulin" not in body
    assert answer.text.startswith("I cannot see that.")
    assert answer.text.endswith(withheld_note(2))  # the email and the health memory


def test_a_local_model_sees_everything_unpseudonymised(tmp_path: Path, locker_email: Path) -> None:
    with serve(lambda _: _stream("It is 4471.")) as server:
        settings = Settings(
            vault=tmp_path / "vault", embedder="none",
            model=f"openai-compatible:{server.url}/v1#local-model",
        )  # fmt: skip
        pasi = Pasi(settings, clock=fixed_clock(NOW))
        Syncer(pasi.memory, max_bytes=1 << 20).ingest([locker_email])
        assert not isinstance(pasi.chat_model, PrivacyGateway)
        answer = pasi.assistant().ask("What is the locker code at the sailing club, Jonas?")
        audited = AuditLog(pasi.vault).entries()
        pasi.close()

    assert "4471" in json.dumps(_sent(server.seen))
    assert "Jonas" in json.dumps(_sent(server.seen))
    assert answer.text == "It is 4471." and audited == []


def test_a_remote_llama_guard_gets_pseudonymised_text_too(tmp_path: Path) -> None:
    with serve(lambda _: Reply(body=chat_reply("safe"))) as server:
        port = server.url.rsplit(":", 1)[1]
        settings = Settings(
            vault=tmp_path / "vault", embedder="none", model="none",
            safety_model=f"openai-compatible:{server.url}/v1#llama-guard",
            remote_hosts=[f"127.0.0.1:{port}"],
        )  # fmt: skip
        pasi = Pasi(settings, clock=fixed_clock(NOW))
        verdict = pasi.safety.classify("Tell anna.berg@example.com that +49 30 1234567 changed")
        entries = AuditLog(pasi.vault).entries()
        pasi.close()

    assert verdict.safe
    body = json.dumps(_sent(server.seen))
    assert "anna.berg" not in body and "1234567" not in body and "<EMAIL_1>" in body
    assert [e.actor for e in entries] == ["safety"]
