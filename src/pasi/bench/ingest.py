"""Ingest throughput: a 10,000-message mbox and a 5,000-note Markdown folder.

Both are generated in a temporary directory (seeded, so every run reads the same bytes), then
ingested through :class:`pasi.ingest.sync.Syncer` (the path ``pasi ingest`` takes: parse,
chunk, one transaction per file, index, embed with the configured embedder). A re-sync with
nothing changed is timed next: it must hash every file and skip it, in under 5 s for either.
"""

from __future__ import annotations

import mailbox
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from pasi.bench.common import peak_rss_mb, scratch_store
from pasi.bench.scale import machine_info
from pasi.ingest.sync import Syncer
from pasi.models.embedder import Embedder

NAMES = ["Anna Berg", "Ben Okafor", "Chloé Martin", "Dev Patel", "Eva Novak", "Farid Haddad",
         "Grace Liu", "Hugo Silva", "Ines Costa", "Jonas Weber"]  # fmt: skip
WORDS = ("budget trip garden piano invoice recipe meeting flat lease train concert doctor "
         "school holiday project deadline birthday dinner hiking books tax insurance bike "
         "museum coffee report review contract plumber paint kitchen").split()  # fmt: skip
MAX_BYTES = 512 * 1024 * 1024


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    return " ".join(words).capitalize() + "."


def write_mbox(path: Path, count: int, rng: random.Random) -> None:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    box = mailbox.mbox(path)
    root = ""
    for n in range(count):
        name = rng.choice(NAMES)
        message = EmailMessage()
        message["From"] = f"{name} <{name.split()[0].lower()}@example.org>"
        message["To"] = "Sam Rivers <sam@example.com>"
        message["Subject"] = f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{n}"
        message["Date"] = format_datetime(start + timedelta(minutes=53 * n))
        message_id = f"<m{n}@bench.example>"
        message["Message-ID"] = message_id
        if n % 5:
            message["In-Reply-To"] = root
            message["References"] = root
        else:
            root = message_id
        message.set_content("\n\n".join(_sentence(rng) for _ in range(rng.randint(2, 6))))
        box.add(message)
    box.flush()
    box.close()


def write_notes(folder: Path, count: int, rng: random.Random) -> None:
    for n in range(count):
        path = folder / f"area{n % 20}" / f"topic{n % 7}" / f"note-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        sections = "\n\n".join(
            f"## {rng.choice(WORDS).title()}\n\n{_sentence(rng)} {_sentence(rng)}"
            for _ in range(rng.randint(1, 4))
        )
        path.write_text(f"---\ntags: [{rng.choice(WORDS)}]\n---\n# Note {n}\n\n{sections}\n")


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def run_ingest(
    *,
    embedder: Embedder | None,
    messages: int = 10_000,
    notes: int = 5_000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    rng = random.Random(seed)
    if embedder is not None:
        embedder.embed(["load the model before the clock starts"])
    with tempfile.TemporaryDirectory(prefix="pasi-bench-ingest-") as directory:
        root = Path(directory)
        (root / "notes").mkdir()
        write_mbox(root / "mail.mbox", messages, rng)
        write_notes(root / "notes", notes, rng)
        mbox_mb = (root / "mail.mbox").stat().st_size / 1e6
        with scratch_store(embedder) as store:
            syncer = Syncer(store, max_bytes=MAX_BYTES)
            results = {}
            for name, path, units in (("mbox", root / "mail.mbox", messages),
                                      ("notes", root / "notes", notes)):  # fmt: skip
                if progress:
                    progress(f"ingesting {name}")
                first, seconds = _timed(lambda path=path: syncer.ingest([path]))
                again, resync = _timed(lambda path=path: syncer.ingest([path]))
                results[name] = {
                    "units": units,
                    "files": first.counts()["added"],
                    "failed": len(first.failed),
                    "first_ingest_s": round(seconds, 2),
                    "units_per_s": round(units / seconds, 1),
                    "resync_s": round(resync, 3),
                    "resync_skipped": again.counts()["skipped"],
                }
            everything, resync_all = _timed(syncer.sync)
            conn = store.vault.read()
            episodes = conn.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
    return {
        "benchmark": "ingest",
        "embedder": getattr(embedder, "name", None),
        "mbox_mb": round(mbox_mb, 1),
        **results,
        "resync_all_s": round(resync_all, 3),
        "resync_all_skipped": everything.counts()["skipped"],
        "episodes": episodes,
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine_info(),
    }
