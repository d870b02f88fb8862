"""Screens the capture benchmark and tests draw with Pillow: a window with a title bar and
lines of text, typed one line at a time, with a blinking cursor and repeated frames.

Two splits. ``dev`` (what the capture settings were chosen on) is DejaVu Sans Mono with one
vocabulary; ``held_out`` uses other fonts (Liberation Sans and Serif, Pillow's bundled font),
other sizes and another vocabulary, with another seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIZE = (1280, 800)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
SPLITS = {
    "dev": {"seed": 1, "fonts": ("DejaVuSansMono.ttf",), "sizes": (16, 18)},
    "held_out": {"seed": 2, "fonts": ("LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf",
                                      None), "sizes": (15, 17, 20)},
}  # fmt: skip
WORDS = {
    "dev": (
        "harbour invoice compile parser kernel meeting budget window socket garden ticket "
        "printer journal lantern orchard violin passport weather station monday concert "
        "pipeline cluster deploy restart timeout memory storage backup archive folder "
        "project review sprint release version migrate schema column index report"
    ).split(),
    "held_out": (
        "sailboat mooring anchor dentist appointment pharmacy recipe tomato basil oven "
        "boiler plumber quote deposit landlord contract signature bicycle repair saddle "
        "museum ticketing exhibit painter canvas gallery flight boarding gate luggage "
        "hotel checkout invoice supplier warehouse pallet forklift shipment customs"
    ).split(),
}


@dataclass(frozen=True)
class Screen:
    """One frame to show, and the words on it (the truth OCR is measured against)."""

    image: Any
    words: frozenset[str]
    new: frozenset[str]  # the words of the line that just appeared
    content: int  # frames with the same number show the same text (a repeat or a blink)


def _font(name: str | None, size: int) -> Any:
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if name and (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def draw(title: str, lines: list[str], font: Any, cursor: bool) -> Any:
    """A screen: a grey title bar with ``title``, the lines, and a cursor on the line below."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, SIZE[0], 34), fill=(225, 225, 225))
    pen.text((12, 7), title, fill="black", font=font)
    step = int(font.size * 1.6)
    y = 50
    for line in lines:
        pen.text((20, y), line, fill="black", font=font)
        y += step
    if cursor:  # a terminal's block cursor, on the prompt line below the output
        pen.rectangle((20, y, 20 + font.size // 2, y + font.size), fill="black")
    return image


def day(split: str = "dev", scenes: int = 6, lines_per_scene: int = 6) -> Iterator[Screen]:
    """Scenes (windows) where lines appear one at a time; each new line is shown, then shown
    again (a repeat) and with the cursor blinked off, as a screen sampled every few seconds is."""
    spec = SPLITS[split]
    rng = random.Random(spec["seed"])
    vocabulary = WORDS[split]
    content = 0
    for scene in range(scenes):
        font = _font(rng.choice(spec["fonts"]), rng.choice(spec["sizes"]))
        title = f"{rng.choice(vocabulary)} notes {scene + 1}"
        lines: list[str] = []
        for _ in range(lines_per_scene):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(4, 8))]
            lines.append(" ".join(words) + f" {rng.randint(10, 9999)}")
            shown = frozenset(w.lower() for line in lines for w in line.split()) | frozenset(
                title.lower().split()
            )
            new = frozenset(w.lower() for w in lines[-1].split())
            content += 1
            for cursor in (True, True, False):
                yield Screen(draw(title, lines, font, cursor), shown, new, content)
