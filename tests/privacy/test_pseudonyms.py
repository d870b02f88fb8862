"""Placeholders: what is found, that they are stable, and that every reply gets the originals back,
however a stream cuts it."""

from __future__ import annotations

import json

import pytest

from pasi.models.chat import ChatRequest, Completion, Message, ScriptedModel, ToolCall
from pasi.privacy.detect import PiiDetector
from pasi.privacy.gateway import PrivacyGateway
from pasi.privacy.names import KnownNames
from pasi.privacy.pseudonyms import Pseudonyms, StreamRestorer


def _names() -> KnownNames:
    names = KnownNames()
    names.add("entity:1", ["Anna Berg", "Berg, Anna"])
    names.add("entity:2", ["Anna Schmidt"])
    names.add("entity:3", ["Grace O'Neill"])
    return names


def _pseudonyms() -> Pseudonyms:
    return Pseudonyms(PiiDetector(_names(), ["US", "GB", "DE"]))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to anna.berg@example.com today", "EMAIL"),
        ("call (415) 555-2671 tonight", "PHONE"),
        ("call 030 12345678 tonight", "PHONE"),
        ("call +33 1 23 45 67 89 tonight", "PHONE"),
        ("or 415.555.2671 tonight", "PHONE"),
        ("it is 221B Baker Street, London NW1 6XE", "ADDRESS"),
        ("it is Hauptstraße 5, 10115 Berlin", "ADDRESS"),
        ("pay with 4111-1111-1111-1111 now", "CARD"),
        ("to DE89 3704 0044 0532 0130 00 please", "IBAN"),
        ("my SSN 536-22-1234 is here", "ID"),
        ("NI number AB 12 34 56 C here", "ID"),
        ("from 203.0.113.9 and nowhere else", "IP"),
        ("from 2001:db8::1 and nowhere else", "IP"),
        ("lunch with Grace O'Neill's sister", "PERSON"),
    ],
)
def test_each_kind_is_found(text: str, kind: str) -> None:
    assert [span.kind for span in PiiDetector(_names(), ["US", "GB", "DE"]).find(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    ["Will you water the plants at 5?", "Order 4111111111111112 shipped.", "Version 4.2.1 is out.",
     "The IBAN DE00 3704 0044 0532 0130 00 bounced.", "We walked along Baker Street.",
     "a grace period is lower case, so not a name", "It costs $1,234.56 on 2024-03-10.",
     '[t345] user 2024-03-10 12:00 in conversation: "see you"', "Backup at 2024-01-02T10:00:00+00:00"],
)  # fmt: skip
def test_look_alikes_are_left_alone(text: str) -> None:
    assert _pseudonyms().mask(text) == text


def test_one_person_keeps_one_placeholder_whatever_the_spelling() -> None:
    pseudonyms = _pseudonyms()
    masked = pseudonyms.mask("Anna Berg, then Berg, then Anna Schmidt, then Schmidt.")
    assert masked == "<PERSON_1>, then <PERSON_1>, then <PERSON_2>, then <PERSON_2>."
    # "Anna" alone could be either: it gets a placeholder of its own.
    assert pseudonyms.mask("Anna called. Anna Berg too.") == "<PERSON_3> called. <PERSON_1> too."
    assert pseudonyms.restore("<PERSON_1> and <PERSON_2>") == "Anna Berg and Anna Schmidt"


def test_placeholders_the_mapping_does_not_know_stay_as_they_are() -> None:
    pseudonyms = _pseudonyms()
    pseudonyms.mask("mail anna.berg@example.com")
    assert pseudonyms.restore("<EMAIL_1> or <EMAIL_7>") == "anna.berg@example.com or <EMAIL_7>"


def test_a_stream_is_restored_wherever_the_chunks_are_cut() -> None:
    pseudonyms = _pseudonyms()
    pseudonyms.mask("Anna Berg, anna.berg@example.com, +49 30 1234567")
    reply = "Tell <PERSON_1> (<EMAIL_1>) to call <PHONE_1>; <PERSON_9> is unknown, 3 < 4."
    expected = pseudonyms.restore(reply)
    for first in range(len(reply)):
        for second in range(first, len(reply), 7):
            restorer = StreamRestorer(pseudonyms)
            pieces = [reply[:first], reply[first:second], reply[second:]]
            out = "".join(restorer.feed(piece) for piece in pieces) + restorer.flush()
            assert out == expected


def test_restoring_inside_json_keeps_it_valid() -> None:
    pseudonyms = _pseudonyms()
    # A value JSON must escape (a nickname in quotes, as a contact card may hold it).
    assert pseudonyms._placeholder("PERSON", "entity:9", 'Jo "JJ" Brown') == "<PERSON_1>"
    restored = pseudonyms.restore_json('{"subject": "<PERSON_1>", "text": "<PERSON_1> called"}')
    assert json.loads(restored) == {"subject": 'Jo "JJ" Brown', "text": 'Jo "JJ" Brown called'}


def test_every_part_of_a_request_is_masked_and_every_part_of_the_reply_restored() -> None:
    def handler(request: ChatRequest) -> Completion:
        person = "<PERSON_1>"
        return Completion(
            f"Done, {person}.", (ToolCall("c2", "recall", json.dumps({"query": person})),)
        )

    model = ScriptedModel(handler, local=False)
    names = _names()
    gateway = PrivacyGateway(model, names=lambda: names, per_request=True)
    request = ChatRequest([
        Message("system", "You help Anna Berg."),
        Message("user", "Mail anna.berg@example.com"),
        Message("assistant", "", (ToolCall("c1", "recall", '{"query": "Anna Berg"}'),)),
        Message("tool", "[m1] Anna Berg lives at Hauptstraße 5, 10115 Berlin", tool_call_id="c1"),
    ])  # fmt: skip
    completion = gateway.complete(request)
    sent = json.dumps([m.__dict__ for m in model.requests[0].messages], default=str)
    assert "Anna" not in sent and "anna.berg" not in sent and "Hauptstraße" not in sent
    assert completion.text == "Done, Anna Berg."
    assert json.loads(completion.tool_calls[0].arguments) == {"query": "Anna Berg"}
