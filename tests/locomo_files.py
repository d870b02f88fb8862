"""A tiny LoCoMo-format file written by tests (one session between Caroline and Melanie)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_locomo(
    path: Path, turns: list[tuple[str, str]], qa: list[dict[str, Any]], **extra: Any
) -> Path:
    """Write ``turns`` (speaker, text) as session 1 of 8 May 2023, with ``qa`` and any extra keys."""
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
        "qa": qa,
        **extra,
    }
    path.write_text(json.dumps([sample]), encoding="utf-8")
    return path
