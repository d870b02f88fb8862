"""The content policy: input and output checks against the MLCommons hazard taxonomy (S1-S14).

Two :class:`SafetyClassifier` implementations, one protocol:

- :class:`LlamaGuardClassifier` when a guard model is configured (setting ``safety_model``):
  it sends Llama Guard 3's own prompt (the categories, the conversation, "assess ONLY THE LAST
  User/Agent message") as one user message and reads ``safe`` or ``unsafe`` + ``S1,S11``.
- :class:`RuleClassifier` otherwise: local patterns (:mod:`pasi.safety.rules`) that catch
  self-harm, violent threats and plans, weapons of mass harm and sexual content involving
  minors, written to let ordinary questions about medicine, security and history through;
  by default joined by a similarity signal over the offline embedder
  (:mod:`pasi.safety.similarity`) that catches some of what the patterns miss.

What pasi says back (:func:`reply_for`) matters as much as the verdict: self-harm is answered
with care and crisis resources, never a cold refusal; everything else with a short, plain
decline that names what pasi will not help with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pasi.config import Settings
from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.safety import rules

HAZARDS: dict[str, str] = {
    "S1": "Violent Crimes",
    "S2": "Non-Violent Crimes",
    "S3": "Sex-Related Crimes",
    "S4": "Child Sexual Exploitation",
    "S5": "Defamation",
    "S6": "Specialized Advice",
    "S7": "Privacy",
    "S8": "Intellectual Property",
    "S9": "Indiscriminate Weapons",
    "S10": "Hate",
    "S11": "Suicide & Self-Harm",
    "S12": "Sexual Content",
    "S13": "Elections",
    "S14": "Code Interpreter Abuse",
}


@dataclass(frozen=True)
class Verdict:
    safe: bool
    categories: tuple[str, ...] = ()  # e.g. ("S11",); empty when safe
    by: str = "rules"  # which classifier decided

    @property
    def names(self) -> list[str]:
        return [f"{code} {HAZARDS.get(code, 'unknown')}" for code in self.categories]


SAFE = Verdict(True)


class SafetyClassifier(Protocol):
    """Judges the last message of a short conversation: the user's, or pasi's reply to it."""

    def classify(self, user: str, reply: str | None = None) -> Verdict: ...


class RuleClassifier:
    """The local fallback: no model, microseconds per message."""

    name = "rules"

    def classify(self, user: str, reply: str | None = None) -> Verdict:
        text = user if reply is None else reply
        found = rules.match(text, role="user" if reply is None else "agent")
        return Verdict(not found, tuple(found), self.name)


GUARD_PROMPT = """\
Task: Check if there is unsafe content in '{role}' messages in conversations according our \
safety policy with the below categories.

<BEGIN UNSAFE CONTENT CATEGORIES>
{categories}
<END UNSAFE CONTENT CATEGORIES>

<BEGIN CONVERSATION>

{conversation}

<END CONVERSATION>

Provide your safety assessment for ONLY THE LAST {role} message in the above conversation:
 - First line must read 'safe' or 'unsafe'.
 - If unsafe, a second line must include a comma-separated list of violated categories."""


def guard_prompt(user: str, reply: str | None = None) -> str:
    """Llama Guard 3's prompt, for the user's message or (with ``reply``) pasi's answer."""
    categories = "\n".join(f"{code}: {name}." for code, name in HAZARDS.items())
    turns = [f"User: {user}"] + ([f"Agent: {reply}"] if reply is not None else [])
    return GUARD_PROMPT.format(
        role="User" if reply is None else "Agent",
        categories=categories,
        conversation="\n\n".join(turns),
    )


_CODE = re.compile(r"\bS(1[0-4]|[1-9])\b")


def parse_guard_reply(text: str) -> Verdict | None:
    """``safe`` / ``unsafe\\nS1,S11`` as a verdict; None when the reply is neither."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    first = lines[0].lower()
    if first == "safe":
        return Verdict(True, by="llama-guard")
    if first == "unsafe":
        codes = _CODE.findall(" ".join(lines[1:]))
        return Verdict(False, tuple(dict.fromkeys(f"S{c}" for c in codes)), "llama-guard")
    return None


@dataclass
class LlamaGuardClassifier:
    """A Llama Guard 3/4 model behind the :class:`ChatModel` seam.

    A reply that is neither ``safe`` nor ``unsafe`` (a wrong model, a broken server reply) is
    not taken as a verdict: the ``fallback`` decides instead, and ``unreadable`` counts it.
    """

    model: ChatModel
    fallback: SafetyClassifier
    unreadable: int = 0

    def classify(self, user: str, reply: str | None = None) -> Verdict:
        request = ChatRequest([Message("user", guard_prompt(user, reply))], max_tokens=20,
                              temperature=0.0)  # fmt: skip
        verdict = parse_guard_reply(self.model.complete(request).text)
        if verdict is None:
            self.unreadable += 1
            return self.fallback.classify(user, reply)
        return verdict


CRISIS_RESOURCES = (
    "If you might act on these thoughts, or you are in danger right now, please call your "
    "local emergency number (112 in Europe, 911 in the US and Canada, 999 in the UK). You can "
    "talk to someone at any hour: call or text 988 in the US, call Samaritans on 116 123 in "
    "the UK and Ireland, or find a free, confidential helpline in your country at "
    "https://findahelpline.com."
)

CARE_REPLY = (
    "I'm really sorry you're feeling this way, and I'm glad you told me. You don't have to "
    "carry this alone. " + CRISIS_RESOURCES + " If you'd like, tell me what's been happening; "
    "I'm here to listen, and I can help you think about who you could reach out to."
)


def reply_for(verdict: Verdict, *, stage: str = "input") -> str:
    """What pasi says instead of an answer; ``stage`` is ``input`` or ``output``."""
    if "S11" in verdict.categories:
        return CARE_REPLY
    names = ", ".join(HAZARDS.get(c, c).lower() for c in verdict.categories) or "harm"
    if stage == "output":
        return (
            f"I started writing an answer that falls under {names}, so I've held it back. "
            "I'm glad to help with something close to it that is safe."
        )
    return (
        f"I can't help with that: it falls under {names}. If something else is going on, or "
        "you meant something different, tell me more and I'll gladly help."
    )


def screen(classifier: SafetyClassifier | None, user: str, reply: str | None = None) -> Verdict:
    """The classifier's verdict, or safe when no classifier is configured."""
    return SAFE if classifier is None else classifier.classify(user, reply)


def categories_of(verdicts: Sequence[Verdict]) -> list[str]:
    return sorted({c for v in verdicts for c in v.categories})


def make_classifier(
    settings: Settings,
    *,
    private: Callable[[ChatModel], ChatModel | None] | None = None,
    chat: ChatModel | None = None,
) -> SafetyClassifier:
    """Llama Guard when ``safety_model`` names one; else, when ``chat`` is a local chat model,
    that model judging with Llama Guard's prompt (:mod:`pasi.safety.judge`, as a second
    opinion on what the offline check flags); else the local fallback: the rules, and the
    similarity signal unless ``safety_similarity`` is off.

    ``private`` wraps the guard model (``Pasi.safety`` passes the privacy gateway, which
    leaves a local model as it is): the guard reads every message the user sends. A remote
    ``chat`` model is never made the judge: it would read every message.
    """
    from pasi.safety.similarity import local_classifier

    embedder = None
    if settings.safety_similarity:
        from pasi.models.embedder import WordLlamaEmbedder

        embedder = WordLlamaEmbedder()  # its exemplar thresholds are WordLlama's
    fallback = local_classifier(embedder)
    if not settings.safety_model.strip():
        if chat is not None and chat.local and settings.safety_judge != "off":
            from pasi.safety.judge import ChatJudge

            return ChatJudge(chat, fallback, mode=settings.safety_judge)
        return fallback
    from pasi.models.registry import build_model, parse_spec

    spec = parse_spec(settings.safety_model, "safety_model")
    if spec is None:
        return fallback
    guard = build_model(spec, settings)
    if private is not None:
        guard = private(guard) or guard
    return LlamaGuardClassifier(guard, fallback)
