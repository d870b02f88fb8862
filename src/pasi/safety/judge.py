"""The user's own chat model as the content policy's judge, when no guard model is set.

Llama Guard's taxonomy prompt (:func:`pasi.safety.policy.guard_prompt`, S1-S14) goes to the
configured local chat model at temperature 0; :func:`read_verdict` reads its answer leniently
(a small model says "Unsafe.", "**safe**", "The message is unsafe (S2)"). How the model's word
combines with the offline verdict (rules and similarity) is the ``mode``:

- ``confirm`` (the default): the model is asked only about messages the offline check flagged,
  and can clear them. Measured on public prompts (docs/benchmarks.md), a 0.5B model says
  "unsafe" to most safe look-alikes too, so letting it flag on its own adds more false alarms
  than catches; as a second opinion it removes some of the offline check's false alarms.
- ``either``: flagged when the offline check or the model says so (more recall, more refusals).
- ``model``: the model alone, the offline verdict only when its answer is unreadable.

An answer that is neither safe nor unsafe never counts as safe by itself: the offline verdict
stands, and ``by`` says so ("rules (judge unreadable)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.safety.policy import SafetyClassifier, Verdict, guard_prompt

MODES = ("confirm", "either", "model")
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
        if self.mode == "confirm" and offline.safe:
            return offline
        _, judged = self.ask(user, reply)
        if judged is None:
            self.unreadable += 1
            return Verdict(offline.safe, offline.categories, f"{offline.by} (judge unreadable)")
        return combine(self.mode, offline, judged)


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
