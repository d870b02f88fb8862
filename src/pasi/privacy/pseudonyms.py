"""Placeholders for personal data, stable within a conversation, and their way back.

``<PERSON_1>`` stands for the first person seen in the conversation, whichever spelling was
used ("Anna", "Anna Berg"), ``<EMAIL_2>`` for the second email address, and so on: the model can
still tell people apart and refer to them, and the same person keeps the same placeholder from
one request to the next. The mapping lives in memory only; nothing about it leaves the machine.

A reply is restored by replacing every placeholder the mapping knows with the spelling first
seen for it (for a person, the longest seen: "Anna Berg" rather than "Anna"). When the reply
streams, a placeholder can arrive split across chunks ("...call <PERS" + "ON_1> tomorrow"):
:class:`StreamRestorer` holds back a trailing piece that could still become a placeholder
until the next chunk decides it.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from pasi.privacy.detect import KINDS, PiiDetector, Span

PLACEHOLDER = re.compile(r"<(" + "|".join(KINDS) + r")_(\d+)>")
# A suffix of text that may be the start of a placeholder: "<", "<PER", "<PERSON_1".
_PARTIAL = re.compile(r"<[A-Z]{0,7}(?:_\d{0,6})?$")
MASK_CACHE = 256  # texts


@dataclass
class Pseudonyms:
    """One conversation's mapping between personal data and placeholders."""

    detector: PiiDetector
    _by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    _original: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Each request of a tool loop re-sends the conversation so far: its messages are masked
    # once. A given text always masks the same way while the detector is the same.
    _masked: OrderedDict[str, str] = field(default_factory=OrderedDict)

    def use(self, detector: PiiDetector) -> None:
        """Detect with ``detector`` from now on (new people in the vault), same placeholders."""
        with self._lock:
            self.detector = detector
            self._masked.clear()

    def mask(self, text: str) -> str:
        """``text`` with every personal datum replaced by its placeholder."""
        cached = self._masked.get(text)
        if cached is not None:
            return cached
        masked, _ = self.mask_with_spans(text)
        with self._lock:
            self._masked[text] = masked
            while len(self._masked) > MASK_CACHE:
                self._masked.popitem(last=False)
        return masked

    def mask_with_spans(self, text: str) -> tuple[str, list[Span]]:
        """``text`` masked, and the spans of ``text`` that placeholders replaced."""
        spans = self.detector.find(text)
        parts, last = [], 0
        for span in spans:
            original = text[span.start : span.end]
            parts += [text[last : span.start], self._placeholder(span.kind, span.key, original)]
            last = span.end
        parts.append(text[last:])
        return "".join(parts), spans

    def _placeholder(self, kind: str, key: str, original: str) -> str:
        with self._lock:
            found = self._by_key.get((kind, key))
            if found is None:
                self._counts[kind] = self._counts.get(kind, 0) + 1
                found = f"<{kind}_{self._counts[kind]}>"
                self._by_key[(kind, key)] = found
                self._original[found] = original
            elif kind == "PERSON" and len(original) > len(self._original[found]):
                self._original[found] = original  # "Anna Berg" says more than "Anna"
            return found

    def restore(self, text: str) -> str:
        """Placeholders the mapping knows, back to what they stand for; others stay."""
        if "<" not in text:
            return text
        return PLACEHOLDER.sub(lambda m: self._original.get(m.group(0), m.group(0)), text)

    def restore_json(self, text: str) -> str:
        """Restore inside a JSON document's strings, so a restored quote cannot break it."""
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, ValueError):
            return self.restore(text)
        return json.dumps(self._restore_value(value), ensure_ascii=False)

    def _restore_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self._restore_value(v) for v in value]
        if isinstance(value, dict):
            return {self.restore(k): self._restore_value(v) for k, v in value.items()}
        return value

    def counts(self) -> dict[str, int]:
        """How many distinct things of each kind have a placeholder."""
        return dict(self._counts)


@dataclass
class StreamRestorer:
    """Restores a reply chunk by chunk, holding back a piece that may be half a placeholder."""

    pseudonyms: Pseudonyms
    _held: str = ""

    def feed(self, text: str) -> str:
        buffered = self._held + text
        partial = _PARTIAL.search(buffered)
        cut = partial.start() if partial else len(buffered)
        self._held = buffered[cut:]
        return self.pseudonyms.restore(buffered[:cut])

    def flush(self) -> str:
        held, self._held = self._held, ""
        return self.pseudonyms.restore(held)
