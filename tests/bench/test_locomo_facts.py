"""pasi bench locomo --reference-facts: the dataset's observation facts through the learner."""

from __future__ import annotations

import json
from pathlib import Path

from pasi.bench.locomo import run_locomo


def _locomo(path: Path) -> Path:
    turns = [
        ("Caroline", "I went to that meeting yesterday, it was so powerful."),
        ("Melanie", "Glad you went! I painted a lake sunrise last week."),
        ("Caroline", "The weather has been grey."),
    ]
    sample = {
        "sample_id": "tiny",
        "conversation": {
            "speaker_a": "Caroline",
            "speaker_b": "Melanie",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {"speaker": s, "dia_id": f"D1:{i + 1}", "text": t} for i, (s, t) in enumerate(turns)
            ],
        },
        "observation": {
            "session_1_observation": {
                "Caroline": [["Caroline attended an LGBTQ support group.", "D1:1"]],
                "Melanie": [["Melanie painted a lake sunrise.", ["D1:2"]]],
            }
        },
        "qa": [{"question": "Which support group?", "evidence": ["D1:1"], "category": 4}],
    }
    path.write_text(json.dumps([sample]), encoding="utf-8")
    return path


def test_reference_facts_become_keys_of_their_turns(tmp_path: Path) -> None:
    data = _locomo(tmp_path / "tiny.json")
    plain = run_locomo(data, (1,), embedder=None)
    with_facts = run_locomo(data, (1,), embedder=None, facts="reference")
    assert plain["overall"][1] == 0.0
    assert with_facts["overall"][1] == 100.0
    assert with_facts["learned"]["tiny"] == {"added": 2, "unchanged": 0, "failed": 0}
