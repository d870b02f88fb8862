"""Is this frame new? A coarse picture of it, compared block by block (NumPy, ~1 ms).

The frame is shrunk to a grid of :data:`GRID` blocks of grey (Pillow's box filter averages
each block). Two frames differ where a block's grey moved by more than :data:`LEVELS`; a frame
is a near-duplicate of the last one read when every changed block lies within a square of
``tolerance`` x ``tolerance`` blocks: a blinking cursor or a ticking clock (which straddle up to
four blocks) pass, one new line of text in a terminal (a row of many blocks) does not. Small
changes do not add up unseen: the comparison is with the last frame read, not the last seen.
When the change is a band of rows (a new line in a terminal or a chat) :attr:`Novelty.band`
says which, so only that band need be read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GRID = (64, 40)  # blocks across and down: a 1280x800 screen gives 20x20-pixel blocks
LEVELS = 3  # grey levels (of 255) a block's average must move to count as changed


def signature(image: Any) -> np.ndarray:
    """The frame as a ``GRID`` of average greys (uint8)."""
    from PIL import Image

    small = image.convert("L").resize(GRID, Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)


def changed_blocks(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.count_nonzero(_changed(a, b)))


def changed_extent(a: np.ndarray, b: np.ndarray) -> int:
    """The side, in blocks, of the smallest square holding every changed block (0: none)."""
    rows, cols = np.nonzero(_changed(a, b))
    if rows.size == 0:
        return 0
    return int(max(rows.max() - rows.min(), cols.max() - cols.min())) + 1


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)) > LEVELS


class Novelty:
    """Remembers the last frame kept and says whether the next one shows something new."""

    def __init__(self, tolerance: int = 2) -> None:
        self.tolerance = tolerance
        self.last: np.ndarray | None = None
        self.band: tuple[float, float] | None = None  # changed rows, as fractions of the height

    def is_new(self, image: Any) -> bool:
        current = signature(image)
        if self.last is not None and changed_extent(self.last, current) <= self.tolerance:
            return False
        self.band = None if self.last is None else changed_band(self.last, current)
        self.last = current
        return True


def changed_band(a: np.ndarray, b: np.ndarray, most: float = 0.5) -> tuple[float, float] | None:
    """The rows that changed, one block of margin each side, as fractions of the height; None
    when they span more than ``most`` of it (a new window, a scroll: read it all)."""
    rows = np.nonzero(_changed(a, b).any(axis=1))[0]
    height = a.shape[0]
    top, bottom = max(int(rows.min()) - 1, 0), min(int(rows.max()) + 2, height)
    if (bottom - top) / height > most:
        return None
    return top / height, bottom / height
