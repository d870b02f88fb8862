"""Spot a degenerate loop in a model's text as it streams: the same line again and again, or
the same short run of characters cycling.

Small models at temperature 0 fall into such loops and keep the server busy until the token
cap. :class:`RepetitionGuard` is fed the text as it streams; it says how much is safe to show
(text that may be the start of a loop is held back until it is clearly not) and, once a loop
is certain, where the text should end: after the first copy of what repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINE_REPEATS = 3  # the same line this many times in a row is a loop
CYCLE_CHARS = 200  # a short cycle filling this many characters is a loop
MAX_PERIOD = 40  # cycles longer than this (characters) are not looked for
HOLD_RUN = 4  # this many characters repeating those a period before are held back
PATTERN_MIN = 20  # lines this long, equal but for their numbers, are looked for anywhere
_DIGITS = str.maketrans("0123456789", "##########")


@dataclass
class _Lines:
    """The current run of identical non-blank lines."""

    line: str = ""
    count: int = 0
    second_at: int | None = None  # where the run's second copy starts


@dataclass
class RepetitionGuard:
    """Feed text as it comes; read :attr:`cut` (a loop was found) and :meth:`safe`."""

    cut: int | None = None  # the text should end here: a loop starts after it
    _chars: list[str] = field(default_factory=list)
    _line_start: int = 0
    _lines: _Lines = field(default_factory=_Lines)
    _runs: list[int] = field(default_factory=lambda: [0] * (MAX_PERIOD + 1))
    _seen: dict[str, list[int]] = field(default_factory=dict)  # line, numbers masked: starts

    def feed(self, delta: str) -> None:
        """Take more text; after a loop is found, further text is ignored."""
        for char in delta:
            if self.cut is not None:
                return
            self._chars.append(char)
            self._cycles()
            if char == "\n" and self.cut is None:
                self._line_ended()

    @property
    def text(self) -> str:
        return "".join(self._chars)

    @property
    def size(self) -> int:
        return len(self._chars)

    def part(self, start: int, end: int) -> str:
        """The text from ``start`` to ``end`` (cheaper than slicing :attr:`text`)."""
        return "".join(self._chars[start:end])

    def safe(self) -> int:
        """How much of the text can be shown now: not what may be a loop's second copy (a
        line starting like the one before, a run of characters repeating what came just
        before), nor trailing whitespace. Held text is shown once it turns out different."""
        if self.cut is not None:
            return self.cut
        held = [len(self._chars)]
        run = self._lines
        if run.count >= 2 and run.second_at is not None:
            held.append(run.second_at)
        partial = "".join(self._chars[self._line_start :])
        if run.count and partial.strip() and run.line.startswith(partial.rstrip("\n")):
            held.append(self._line_start)
        end = len(self._chars)
        for period in range(1, MAX_PERIOD + 1):
            if self._runs[period] >= min(period, HOLD_RUN):
                held.append(end - self._runs[period])
        return _rstrip_to(self._chars, min(held))

    def stop_at(self, shown: int) -> None:
        """Text up to ``shown`` is on the user's screen already: the cut may not be earlier."""
        if self.cut is not None and self.cut < shown:
            self.cut = shown

    def result(self) -> str:
        """The text, ended before the loop when one was found."""
        return "".join(self._chars if self.cut is None else self._chars[: self.cut])

    def _cycles(self) -> None:
        """Per period p, how many characters in a row equal the one p before (incremental)."""
        chars = self._chars
        end = len(chars) - 1
        char = chars[end]
        for period in range(1, MAX_PERIOD + 1):
            same = end >= period and chars[end - period] == char
            self._runs[period] = self._runs[period] + 1 if same else 0
            span = self._runs[period] + period
            if same and span >= CYCLE_CHARS and self._runs[period] >= period:
                self.cut = _rstrip_to(chars, end + 1 - span + period)
                return

    def _line_ended(self) -> None:
        start, self._line_start = self._line_start, len(self._chars)
        line = "".join(self._chars[start:]).rstrip()
        if not any(c.isalnum() for c in line):  # blank lines and rules do not break a run
            return
        self._pattern(line, start)
        if self.cut is not None:
            return
        run = self._lines
        if line == run.line:
            run.count += 1
            if run.count == 2:
                run.second_at = start
            if run.count >= LINE_REPEATS and run.second_at is not None:
                self.cut = _rstrip_to(self._chars, run.second_at)
        else:
            self._lines = _Lines(line, 1, None)

    def _pattern(self, line: str, start: int) -> None:
        """A line seen LINE_REPEATS times, anywhere, equal but for its numbers ("[t1] user ...",
        "[t3] user ..."): a small model copying its context's format instead of answering."""
        if len(line) < PATTERN_MIN:
            return
        starts = self._seen.setdefault(line.translate(_DIGITS), [])
        starts.append(start)
        if len(starts) >= LINE_REPEATS:
            self.cut = _rstrip_to(self._chars, starts[1])


def _rstrip_to(text: list[str], index: int) -> int:
    """``index``, moved back over whitespace so the kept text does not end in a space."""
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return index


def trim_loop(text: str) -> str | None:
    """``text`` ended before its degenerate loop, or None when it has none."""
    guard = RepetitionGuard()
    guard.feed(text)
    return guard.result() if guard.cut is not None else None
