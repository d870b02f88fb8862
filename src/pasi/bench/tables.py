"""``pasi bench tables``: exact answers to money questions over generated personal exports.

For each layout of a split (pasi.bench.tables_layouts) one person's bank or budget export and
broker statement are written to a temporary folder, ingested into a fresh vault
(the path ``pasi ingest`` takes), for two people per layout, and asked questions with gold answers computed from the
generated records (pasi.bench.tables_questions). With no model, ``pasi ask`` answers; an
answer is right when its figure equals the gold one to the cent. Accuracy is reported per
question type and per layout. The dev split (seed 1) is what pasi was tuned on; the held-out
split (seed 2, other banks, languages, sign and date conventions, other phrasings) is not.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pasi.bench.tables_data import LOCALES, trades, transactions
from pasi.bench.tables_layouts import (
    DEV,
    DEV_BROKER,
    FRESH,
    FRESH_BROKER,
    HELD_OUT,
    HELD_OUT_BROKER,
    LayoutInfo,
)
from pasi.bench.tables_questions import NOW, Question, questions
from pasi.clock import fixed_clock
from pasi.ingest.ask import ask
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.vault.sqlite import SQLiteVault

SPLITS = {"dev": (1, DEV, DEV_BROKER), "held_out": (2, HELD_OUT, HELD_OUT_BROKER),
          "fresh": (3, FRESH, FRESH_BROKER)}  # fmt: skip
PEOPLE = 2  # people (own data, own questions) per layout
Answerer = Callable[[MemoryStore, str, datetime], tuple[float | None, str]]


def offline_answer(store: MemoryStore, text: str, now: datetime) -> tuple[float | None, str]:
    answer = ask(store, text, now=now)
    return answer.value, answer.summary


def model_answerer(model: Any) -> Answerer:
    """Text-to-SQL with ``model`` (pasi.tools.text_to_sql): the figure is the query's result."""
    from pasi.tools.text_to_sql import answer_with_model

    def answer(store: MemoryStore, text: str, now: datetime) -> tuple[float | None, str]:
        found = answer_with_model(model, store.vault, text, now)
        said = f"{found.sql or ''} {'; '.join(found.errors)} (attempts: {found.attempts})"
        return found.value, said

    return answer


def correct(value: float | None, gold: float) -> bool:
    return value is not None and abs(float(value) - gold) < 0.005 + 1e-9 * abs(gold)


def _layout_case(
    split: str, seed: int, layout: LayoutInfo, broker: LayoutInfo, answerer: Answerer,
    person: int = 0, limit: int | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    rng = random.Random(f"{split}-{seed}-{layout.name}-{person}")
    bank = transactions(layout.locale, rng)
    holdings = trades(rng)
    employer = LOCALES[layout.locale].employer
    asked = questions(split, layout, bank, holdings, employer, rng)
    if limit is not None:  # a seeded spread over the types, not the first few of one
        asked = rng.sample(asked, min(limit, len(asked)))
    now = datetime(NOW.year, NOW.month, NOW.day, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="pasi-bench-tables-") as directory:
        folder = Path(directory)
        files = [layout.write(folder / f"{layout.name}.csv", bank),
                 broker.write(folder / f"{broker.name}.csv", holdings)]  # fmt: skip
        with SQLiteVault(folder / "vault") as vault:
            store = MemoryStore(vault, None, fixed_clock(now))
            report = Syncer(store, max_bytes=50_000_000).ingest(files)
            if report.failed:
                raise RuntimeError(f"ingest failed: {report.failed}")
            return [_score(layout.name, q, answerer, store, now) for q in asked]


def _score(layout: str, question: Question, answerer: Answerer, store: MemoryStore,
           now: datetime) -> dict[str, Any]:  # fmt: skip
    value, said = answerer(store, question.text, now)
    return {"layout": layout, "type": question.type, "question": question.text,
            "gold": question.gold, "answer": value, "correct": correct(value, question.gold),
            "said": said[:300]}  # fmt: skip


def _attempts(results: list[dict[str, Any]]) -> dict[str, int]:
    """For a model: how many answers needed the second try, and how many had no valid SQL."""
    second = sum("(attempts: 2)" in r["said"] for r in results)
    invalid = sum(r["answer"] is None for r in results)
    return {"second_try": second, "no_answer": invalid}


def _accuracy(results: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        groups[result[key]].append(result["correct"])
    return {name: {"n": len(v), "accuracy": round(100 * sum(v) / len(v), 1)}
            for name, v in sorted(groups.items())}  # fmt: skip


def run_split(
    split: str, answerer: Answerer = offline_answer, limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One split; ``limit`` keeps the first questions of each layout (a slow model's run)."""
    seed, layouts, broker = SPLITS[split]
    started = time.perf_counter()
    results = []
    for layout in layouts:
        for person in range(PEOPLE):
            asked = _layout_case(split, seed, layout, broker, answerer, person, limit)
            results += asked
            if progress:
                progress(f"{split} {layout.name} #{person}: {sum(r['correct'] for r in asked)}"
                         f"/{len(asked)}")  # fmt: skip
    right = sum(r["correct"] for r in results)
    return {
        "split": split,
        "questions": len(results),
        "accuracy": round(100 * right / len(results), 1) if results else 0.0,
        "by_type": _accuracy(results, "type"),
        "by_layout": _accuracy(results, "layout"),
        "seconds": round(time.perf_counter() - started, 1),
        "attempts": _attempts(results),
        "wrong": [r for r in results if not r["correct"]],
    }


def run_tables(
    splits: list[str] | None = None, answerer: Answerer = offline_answer, label: str = "offline",
    limit: int | None = None, progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every split (or the ones named), scored with ``answerer`` (default: ``pasi ask``)."""
    chosen = splits or list(SPLITS)
    return {"answerer": label, "limit_per_layout": limit,
            "splits": {s: run_split(s, answerer, limit, progress) for s in chosen}}  # fmt: skip
