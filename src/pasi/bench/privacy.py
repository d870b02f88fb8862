"""`pasi bench privacy`: how much personal data the privacy gateway's detector finds, and how
much it flags that is not personal data.

The bench builds a vault with the corpus's people (pasi.bench.privacy_corpus), reads the known
names back the way the gateway does, and runs the gateway's detector on every sentence. A found
span counts for a labelled one when they overlap and agree on the kind. Recall per kind is the
share of labelled values found; precision per kind, the share of found spans of that kind that
match a labelled value (the look-alike sentences hold none, so anything found there is a false
positive). ``masked`` is recall regardless of kind: a value found under the wrong kind is still
replaced by a placeholder, which is what privacy needs.
"""

from __future__ import annotations

import time
from typing import Any

from pasi.bench.common import scratch_vault
from pasi.bench.privacy_corpus import PEOPLE, Sample, corpus
from pasi.privacy.detect import KINDS, PiiDetector
from pasi.privacy.names import load_known_names
from pasi.vault import items as it

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IN")
BLOCK_CHARS = 8000  # about a 2,000-token context, the default `context_tokens`


def _block_latency(detector: PiiDetector, texts: list[str]) -> float:
    """Median milliseconds to find everything in blocks of the corpus the size of a context."""
    joined = " ".join(texts)
    blocks = [joined[i : i + BLOCK_CHARS] for i in range(0, len(joined), BLOCK_CHARS)]
    timings = []
    for block in blocks[:10]:
        started = time.perf_counter()
        detector.find(block)
        timings.append((time.perf_counter() - started) * 1000)
    return round(sorted(timings)[len(timings) // 2], 1) if timings else 0.0


def run_privacy(
    per_kind: int = 200, lookalikes: int = 400, *, seed: int = 7,
    phone_regions: tuple[str, ...] = DEFAULT_REGIONS,
) -> dict[str, Any]:  # fmt: skip
    samples = corpus(per_kind, lookalikes, seed)
    with scratch_vault() as vault:
        with vault.write() as conn:
            for name, aliases in PEOPLE:
                it.insert_entity(conn, name, aliases, {})
        names = load_known_names(vault.read())
    detector = PiiDetector(names, phone_regions)
    detector.find("warm up: anna@example.com")  # presidio's import is not part of the timing
    started = time.perf_counter()
    found = [detector.find(sample.text) for sample in samples]
    seconds = time.perf_counter() - started
    per_type = _scores(samples, found)
    block_ms = _block_latency(detector, [s.text for s in samples])
    return {
        "sentences": len(samples),
        "labelled": sum(len(s.spans) for s in samples),
        "lookalike_sentences": lookalikes,
        "lookalike_false_positives": sum(
            len(f) for s, f in zip(samples, found, strict=True) if not s.spans
        ),
        "phone_regions": list(phone_regions),
        "sentences_per_second": round(len(samples) / seconds, 1),
        "block_chars": BLOCK_CHARS,
        "block_ms_p50": block_ms,
        "types": per_type,
        "macro_recall": round(sum(t["recall"] for t in per_type.values()) / len(per_type), 4),
        "macro_precision": round(sum(t["precision"] for t in per_type.values()) / len(per_type), 4),
        "seed": seed,
    }


def _scores(samples: list[Sample], found: list[list]) -> dict[str, dict[str, Any]]:
    counts = {
        k: {"labelled": 0, "found": 0, "masked": 0, "predicted": 0, "correct": 0} for k in KINDS
    }
    for sample, spans in zip(samples, found, strict=True):
        for start, end, kind in sample.spans:
            counts[kind]["labelled"] += 1
            overlapping = [s for s in spans if s.start < end and start < s.end]
            counts[kind]["masked"] += bool(overlapping)
            counts[kind]["found"] += any(s.kind == kind for s in overlapping)
        for span in spans:
            counts[span.kind]["predicted"] += 1
            counts[span.kind]["correct"] += any(
                kind == span.kind and span.start < end and start < span.end
                for start, end, kind in sample.spans
            )
    result = {}
    for kind, c in counts.items():
        result[kind] = {
            "labelled": c["labelled"],
            "recall": round(c["found"] / c["labelled"], 4) if c["labelled"] else 0.0,
            "masked": round(c["masked"] / c["labelled"], 4) if c["labelled"] else 0.0,
            "precision": round(c["correct"] / c["predicted"], 4) if c["predicted"] else 1.0,
            "false_positives": c["predicted"] - c["correct"],
        }
    return result
