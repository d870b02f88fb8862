"""A second local signal: nearness in meaning to labelled exemplars, over the shipped embedder.

Phrase patterns (:mod:`pasi.safety.rules`) miss harm said in a new way. This signal embeds the
message with an offline embedder (WordLlama by default: its weights ship in the wheel) and
compares it with unsafe exemplars per hazard and with safe look-alikes
(:mod:`pasi.safety.exemplars`). It flags a hazard only when the nearest unsafe exemplar is
close (``threshold``) AND clearly closer than the nearest safe one (``margin``), so a message
that merely shares alarming words with a hazard, as "did I kill the yeast" does, is let through.
The exemplar vectors are computed once, on the first check.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from pasi.models.embedder import Embedder
from pasi.safety.exemplars import SAFE_EXEMPLARS, UNSAFE_EXEMPLARS
from pasi.safety.policy import RuleClassifier, SafetyClassifier, Verdict


@dataclass(frozen=True)
class Nearest:
    """How near a message is to the closest unsafe exemplar and to the closest safe one."""

    code: str
    unsafe: float
    safe: float

    @property
    def margin(self) -> float:
        return self.unsafe - self.safe


@dataclass
class SimilarityClassifier:
    """Flags a message that sits clearly nearer an unsafe exemplar than any safe look-alike."""

    embedder: Embedder
    threshold: float = 0.35  # chosen on the development prompts only
    margin: float = 0.3  # 0.2 flagged 4 of 143 public safe dev prompts for 1 more catch
    name: str = "similarity"
    _codes: list[str] = field(default_factory=list, init=False, repr=False)
    _unsafe: np.ndarray | None = field(default=None, init=False, repr=False)
    _safe: np.ndarray | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._unsafe is None or self._safe is None:
                pairs = [(c, t) for c, texts in UNSAFE_EXEMPLARS.items() for t in texts]
                self._codes = [code for code, _ in pairs]
                self._unsafe = self.embedder.embed([text for _, text in pairs])
                self._safe = self.embedder.embed(SAFE_EXEMPLARS)
        return self._unsafe, self._safe

    def nearest(self, text: str) -> Nearest:
        unsafe, safe = self._vectors()
        vector = self.embedder.embed([text])[0]
        to_unsafe, to_safe = unsafe @ vector, safe @ vector
        best = int(np.argmax(to_unsafe))
        return Nearest(self._codes[best], float(to_unsafe[best]), float(to_safe.max()))

    def classify(self, user: str, reply: str | None = None) -> Verdict:
        near = self.nearest(user if reply is None else reply)
        if near.unsafe >= self.threshold and near.margin >= self.margin:
            return Verdict(False, (near.code,), self.name)
        return Verdict(True, by=self.name)


@dataclass
class CombinedClassifier:
    """The rules, and the similarity signal for the user's messages they let through.

    pasi's own answers are judged by the rules alone: the exemplars are things people ask or
    say, and a long answer about, say, the history of the atomic bomb averages into the
    vocabulary of the hazards without meaning them.
    """

    rules: SafetyClassifier
    similarity: SafetyClassifier
    name: str = "rules+similarity"

    def classify(self, user: str, reply: str | None = None) -> Verdict:
        verdict = self.rules.classify(user, reply)
        if not verdict.safe or reply is not None:
            return verdict
        verdict = self.similarity.classify(user)
        return Verdict(True, by=self.name) if verdict.safe else verdict


def local_classifier(embedder: Embedder | None) -> SafetyClassifier:
    """The local fallback: the rules, plus the similarity signal when an embedder is given."""
    rules = RuleClassifier()
    return rules if embedder is None else CombinedClassifier(rules, SimilarityClassifier(embedder))
