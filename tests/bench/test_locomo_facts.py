"""pasi bench locomo --reference-facts: the dataset's observation facts through the learner."""

from __future__ import annotations

from pathlib import Path

from locomo_files import write_locomo
from pasi.bench.locomo import run_locomo


def _locomo(path: Path) -> Path:
    turns = [
        ("Caroline", "I went to that meeting yesterday, it was so powerful."),
        ("Melanie", "Glad you went! I painted a lake sunrise last week."),
        ("Caroline", "The weather has been grey."),
    ]
    observation = {
        "session_1_observation": {
            # grounded: a name the turn does not say ("an LGBTQ group") would be held back
            "Caroline": [["Caroline attended a support group.", "D1:1"]],
            "Melanie": [["Melanie painted a lake sunrise.", ["D1:2"]]],
        }
    }
    qa = [{"question": "Which support group?", "evidence": ["D1:1"], "category": 4}]
    return write_locomo(path, turns, qa, observation=observation)


def test_reference_facts_become_keys_of_their_turns(tmp_path: Path) -> None:
    data = _locomo(tmp_path / "tiny.json")
    plain = run_locomo(data, (1,), embedder=None)
    with_facts = run_locomo(data, (1,), embedder=None, facts="reference")
    assert plain["overall"][1] == 0.0
    assert with_facts["overall"][1] == 100.0
    assert with_facts["learned"]["tiny"] == {"added": 2, "unchanged": 0, "failed": 0}
