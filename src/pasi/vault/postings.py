"""BM25 postings saved on disk as immutable segments, memory-mapped by the processes that search.

A segment holds, for every term of the units at some range of positions, the positions and the
occurrences per column, all terms' entries end to end in three ``.npy`` files and the terms in
a text file. New units go into a new small segment; segments are merged like a binary counter
(two of similar size become one), so there are O(log n) of them and an entry is rewritten
O(log n) times. A merge drops the entries of positions no longer alive (a rewritten unit's old
neighbourhood).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

Part = tuple[np.ndarray, np.ndarray]  # positions, occurrences (n x 2: own terms, context)
PREFIX = "lexseg"
MAX_SEGMENTS = 12


class Segment:
    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        stem = folder / f"{PREFIX}-{name}"
        terms = Path(f"{stem}.terms").read_text(encoding="utf-8")
        self.terms = {term: i for i, term in enumerate(terms.split("\n"))} if terms else {}
        self.offsets = np.load(f"{stem}.off.npy")
        self.positions = np.load(f"{stem}.pos.npy", mmap_mode="r")
        self.occurrences = np.load(f"{stem}.occ.npy", mmap_mode="r")

    @property
    def entries(self) -> int:
        return len(self.positions)

    def files(self) -> set[str]:
        stem = f"{PREFIX}-{self.name}"
        return {f"{stem}.terms", f"{stem}.off.npy", f"{stem}.pos.npy", f"{stem}.occ.npy"}

    def part(self, term: str) -> Part | None:
        index = self.terms.get(term)
        if index is None:
            return None
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.positions[start:end], self.occurrences[start:end]


def write_segment(
    folder: Path, by_term: Iterable[tuple[str, Sequence[Part]]], alive: np.ndarray
) -> Segment:
    """Write the given terms' parts (in position order) as one segment, dropping dead entries."""
    terms: list[str] = []
    offsets = [0]
    positions: list[np.ndarray] = []
    occurrences: list[np.ndarray] = []
    for term, parts in by_term:
        pos = np.concatenate([p for p, _ in parts]) if len(parts) > 1 else parts[0][0]
        occ = np.concatenate([o for _, o in parts]) if len(parts) > 1 else parts[0][1]
        live = alive[pos]
        if not live.any():
            continue
        terms.append(term)
        positions.append(np.asarray(pos[live], dtype=np.int32))
        occurrences.append(np.asarray(occ[live], dtype=np.float32))
        offsets.append(offsets[-1] + int(live.sum()))
    name = secrets.token_hex(6)
    stem = folder / f"{PREFIX}-{name}"
    empty = np.zeros(0, dtype=np.int32)
    np.save(f"{stem}.pos.npy", np.concatenate(positions) if positions else empty)
    np.save(
        f"{stem}.occ.npy",
        np.concatenate(occurrences) if occurrences else np.zeros((0, 2), dtype=np.float32),
    )
    np.save(f"{stem}.off.npy", np.array(offsets, dtype=np.int64))
    Path(f"{stem}.terms").write_text("\n".join(terms), encoding="utf-8")
    return Segment(folder, name)


def merged(folder: Path, segments: Sequence[Segment], alive: np.ndarray) -> Segment:
    """One segment holding the entries of ``segments`` (given in position order)."""
    vocabulary = sorted(set().union(*(s.terms for s in segments)))

    def by_term() -> Iterable[tuple[str, list[Part]]]:
        for term in vocabulary:
            yield term, [p for s in segments if (p := s.part(term)) is not None]

    return write_segment(folder, by_term(), alive)


def compact(folder: Path, segments: list[Segment], alive: np.ndarray) -> list[Segment]:
    """Merge the newest segments while the one before is not much larger (a binary counter)."""
    segments = list(segments)
    while len(segments) > 1 and (
        segments[-2].entries <= 2 * segments[-1].entries or len(segments) > MAX_SEGMENTS
    ):
        segments[-2:] = [merged(folder, segments[-2:], alive)]
    return segments
