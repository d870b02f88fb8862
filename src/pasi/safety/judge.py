"""The user's own chat model as the content policy's judge, when no guard model is set.

Llama Guard's taxonomy prompt (:func:`pasi.safety.policy.guard_prompt`, S1-S14) goes to the
configured local chat model at temperature 0; :func:`read_verdict` reads its answer leniently
(a small model says "Unsafe.", "**safe**", "The message is unsafe (S2)"). How the model's word
combines with the offline verdict (rules and similarity) is the ``mode`` (setting ``safety_judge``):

- ``confirm`` (the default): the rules' verdicts stand; a message flagged only by the similarity
  signal, the less precise offline check, goes to the model, which confirms or clears it.
  Measured on public prompts with the small models the tests use (docs/benchmarks.md),
  Qwen2.5-Coder-0.5B said "unsafe" to about as many safe look-alikes as unsafe requests, and
  SmolLM2-135M echoed the category list: letting such a model flag on its own, or clear the
  rules' hits, made the verdicts worse, so its word counts only where the offline check is
  least sure, and the model runs rarely.
- ``either``: flagged when the offline check or the model says so (for a capable model: more
  recall; with a 0.5B model, a third of the safe look-alikes refused).
- ``model``: the model alone, the offline verdict only when its answer is unreadable.
- ``off``: the offline verdict alone.

An answer that is neither safe nor unsafe never counts as safe by itself: the offline verdict
stands, and ``by`` says so ("rules (judge unreadable)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.safety.policy import SafetyClassifier, Verdict, guard_prompt

MODES = ("confirm", "either", "model", "off")
_WORD = re.compile(r"\b(unsafe|not safe|safe)\b", re.IGNORECASE)
_CODE = re.compile(r"\bS(1[0-4]|[1-9])\b")


def read_verdict(text: str) -> Verdict | None:
    """The first "safe" / "unsafe" in the answer's first 80 characters, with any S-codes."""
    found = _WORD.search(text[:80])
    if found is None:
        return None
    if found.group(1).lower() == "safe":
        return Verdict(True, by="chat-judge")
    codes = tuple(dict.fromkeys(f"S{c}" for c in _CODE.findall(text)))
    return Verdict(False, codes, "chat-judge")


@dataclass
class ChatJudge:
    """A chat model reading Llama Guard's prompt, combined with the offline ``fallback``."""

    model: ChatModel
    fallback: SafetyClassifier
    mode: str = "confirm"
    max_tokens: int = 12
    unreadable: int = 0
    name: str = "chat-judge"

    def ask(self, user: str, reply: str | None = None) -> tuple[str, Verdict | None]:
        """The model's raw answer and what it says, None when unreadable."""
        request = ChatRequest(
            [Message("user", guard_prompt(user, reply))],
            max_tokens=self.max_tokens,
            temperature=0.0,
        )
        text = self.model.complete(request).text
        return text, read_verdict(text)

    def classify(self, user: str, reply: str | None = None) -> Verdict:
        offline = self.fallback.classify(user, reply)
        if self.mode == "off" or (self.mode == "confirm" and (offline.safe or _by_rules(offline))):
            return offline
        _, judged = self.ask(user, reply)
        if judged is None:
            self.unreadable += 1
            return Verdict(offline.safe, offline.categories, f"{offline.by} (judge unreadable)")
        return combine(self.mode, offline, judged)


def _by_rules(verdict: Verdict) -> bool:
    return verdict.by.split("+")[0].split(",")[0] == "rules"


def combine(mode: str, offline: Verdict, judged: Verdict) -> Verdict:
    """One verdict from the offline check's and the model's, as ``mode`` says."""
    if mode == "model" or (mode == "either" and offline.safe):
        return judged
    if mode == "either":  # offline flagged: it stands, the model's codes added
        codes = tuple(dict.fromkeys(offline.categories + judged.categories))
        return Verdict(False, codes, f"{offline.by}+chat-judge" if not judged.safe else offline.by)
    if judged.safe:  # confirm: the model clears an offline flag
        return Verdict(True, by=f"{offline.by}, cleared by chat-judge")
    return Verdict(False, offline.categories, f"{offline.by}+chat-judge")
