"""Learning memories with a remote fast model: it reads pseudonymised turns, never withheld or
sensitive ones, and what it learns is stored with the real names."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from pasi.ingest.sync import Syncer
from pasi.memory.learning import Learner
from pasi.memory.sensitive import answer_consent
from pasi.memory.store import MemoryStore, Turn
from pasi.models.chat import ChatRequest, Message, ScriptedModel
from pasi.privacy.gateway import PrivacyGateway, VaultNames
from pasi.vault import items as it

SAID = datetime(2024, 3, 8, 18, 30, tzinfo=UTC)


def echo_facts(request: ChatRequest) -> str:
    """Each turn becomes the memory 'The user said: ...' (the wording as the model received it)."""
    prompt = request.messages[-1].content
    memories = [
        {"text": f"The user said: {text}", "kind": "fact", "subject": "user", "when": None,
         "confidence": 0.9, "evidence": [int(turn_id)]}
        for turn_id, text in re.findall(r"^\[(\d+)\] .*?: (.*)$", prompt, re.MULTILINE)
    ]  # fmt: skip
    return json.dumps({"memories": memories})


def test_a_remote_fast_model_learns_from_safe_turns_only(
    store: MemoryStore, locker_email: Path
) -> None:
    with store.vault.write() as conn:
        it.insert_entity(conn, "Anna Berg", [], {})
        answer_consent(conn, "health", True, SAID)  # the user agreed to health memories
    Syncer(store, max_bytes=1 << 20).ingest([locker_email])
    email_turns = [r[0] for r in store.vault.read().execute(
        "SELECT e.id FROM episodes e JOIN sources s ON s.id = e.source_id WHERE s.remote_ok = 0")]  # fmt: skip
    said = store.record_turns([
        Turn("I play the cello with Anna Berg on Sundays.", occurred_at=SAID),
        Turn("I was diagnosed with diabetes last year.", occurred_at=SAID),
    ])  # fmt: skip
    cloud = ScriptedModel(echo_facts, name="cloud", local=False)
    gateway = PrivacyGateway(cloud, names=VaultNames(store.vault), actor="learn", per_request=True)
    learner = Learner(store, gateway, background=False)
    learner.enqueue([i for i in said if i])
    learner.enqueue(email_turns)
    learner.run_pending()

    sent = json.dumps([m.content for r in cloud.requests for m in r.messages])
    assert "cello" in sent and "<PERSON_1>" in sent
    for secret in ("Anna", "Berg", "diabetes", "4471", "locker"):
        assert secret not in sent
    texts = [m.text for m in store.list()]
    assert "The user said: I play the cello with Anna Berg on Sundays." in texts
    assert not any("diabetes" in t or "4471" in t for t in texts)  # left for a local model


def test_chat_speakers_and_contacts_added_mid_conversation_are_masked(store: MemoryStore) -> None:
    store.record_turns([Turn("See you at the regatta!", speaker="Kofi Boateng", occurred_at=SAID)])
    cloud = ScriptedModel(lambda _: "ok", local=False)
    gateway = PrivacyGateway(cloud, names=VaultNames(store.vault))
    gateway.complete(ChatRequest([Message("user", "What did Kofi say about Lena?")]))
    with store.vault.write() as conn:
        it.insert_entity(conn, "Lena Park", [], {})
    gateway.complete(ChatRequest([Message("user", "What did Kofi say about Lena?")]))
    first, second = (r.messages[-1].content for r in cloud.requests)
    # Lena is found by the name finder before she is a contact, and as a contact after.
    assert first == "What did <PERSON_1> say about <PERSON_2>?"
    assert second.startswith("What did <PERSON_1> say about <PERSON_") and "Lena" not in second
