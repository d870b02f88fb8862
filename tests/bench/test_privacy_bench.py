"""`pasi bench privacy`: a labelled corpus whose values are valid of their kind, scored per type."""

from __future__ import annotations

import json
import random

import phonenumbers
from typer.testing import CliRunner

from pasi.bench.privacy import run_privacy
from pasi.bench.privacy_corpus import PHONE_REGIONS, card, corpus, iban, luhn_digit, phone
from pasi.cli.main import app


def test_generated_values_are_valid_of_their_kind() -> None:
    rng = random.Random(3)
    for _ in range(50):
        digits = "".join(c for c in card(rng) if c.isdigit())
        assert luhn_digit(digits[:-1]) == digits[-1]
        compact = iban(rng).replace(" ", "")
        rearranged = compact[4:] + compact[:4]
        assert int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
        number = phone(rng)  # international, or national in one of the configured regions
        assert any(
            phonenumbers.is_valid_number(phonenumbers.parse(number, region))
            for region in PHONE_REGIONS
        ), number
    bad = iban(rng, valid=False).replace(" ", "")
    assert int("".join(str(int(c, 36)) for c in bad[4:] + bad[:4])) % 97 != 1


def test_labels_point_at_the_values_in_their_sentences() -> None:
    samples = corpus(5, 5, seed=1)
    assert sum(1 for s in samples if not s.spans) == 5
    for sample in samples:
        for start, end, kind in sample.spans:
            assert sample.text[start:end].strip() == sample.text[start:end] != ""
            assert kind in ("PERSON", "EMAIL", "PHONE", "ADDRESS", "CARD", "IBAN", "ID", "IP")


def test_the_bench_scores_every_type() -> None:
    result = run_privacy(per_kind=15, lookalikes=30, seed=5, faker_sentences=0)
    assert set(result["types"]) == {
        "PERSON",
        "EMAIL",
        "PHONE",
        "ADDRESS",
        "CARD",
        "IBAN",
        "ID",
        "IP",
    }
    for kind, scores in result["types"].items():
        assert scores["labelled"] > 0, kind
        assert scores["recall"] >= 0.9, (kind, scores)  # guards against a detector broken outright
        assert 0 <= scores["precision"] <= 1
    assert result["sentences"] == 8 * 15 + 15 + 30


def test_pasi_bench_privacy_prints_json() -> None:
    result = CliRunner().invoke(
        app, ["bench", "privacy", "--per-type", "3", "--lookalikes", "3", "--faker-sentences",
              "30", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["lookalike_sentences"] == 3
    assert set(printed["faker"]) == {"dev", "heldout", "heldout_without_ner"}
    for split in printed["faker"].values():
        assert split["sentences"] == 30 and 0 <= split["f2"] <= 1


def test_the_faker_splits_are_labelled_where_the_values_are_and_differ() -> None:
    from pasi.bench.privacy_faker import SPLITS, faker_corpus

    dev, heldout = faker_corpus("dev", 90), faker_corpus("heldout", 90)
    assert dev == faker_corpus("dev", 90)  # a fixed seed: the same sentences every run
    assert not set(SPLITS["dev"].templates) & set(SPLITS["heldout"].templates)
    assert set(SPLITS["dev"].locales) != set(SPLITS["heldout"].locales)
    for sample in dev + heldout:
        for start, end, _kind in sample.spans:
            assert sample.text[start:end].strip() == sample.text[start:end] != ""
    assert sum(not s.spans for s in dev) == 30  # every third sentence holds no personal data
