"""Which sensitive kinds a sentence touches, and the consent gate in front of learning.

Statements about health, finances, religion, sexuality or politics become memories only after
the user agrees, once per kind. The classifier is a list of patterns per kind, written for
precision: phrases a person uses about themselves ("I was diagnosed", "my salary", "I voted
for"), not single words that also have everyday meanings ("bank", "party", "church street").
A missed sentence is still held to the privacy layer's rules for its source; a false alarm
would ask the user about an ordinary sentence, which erodes trust in the question.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from pasi.errors import InputError
from pasi.vault import consent, jobs
from pasi.vault import episodes as ep
from pasi.vault.consent import SENSITIVE_KINDS
from pasi.vault.records import Episode

_I = r"\bi(?:'m| am|'ve| have| was| had)?"

PATTERNS: dict[str, tuple[str, ...]] = {
    "health": (
        r"\bdiagnos(?:ed|is)\b",
        r"\b(?:depression|depressed|anxiety disorder|panic attacks?|bipolar|schizophrenia|ptsd|adhd|ocd)\b",
        r"\b(?:cancer|diabetes|diabetic|asthma|hiv|epilepsy|migraines?|chemo(?:therapy)?|dementia)\b",
        r"\b(?:antidepressants?|insulin|prescri(?:bed|ption)|medication|my meds)\b",
        r"\bmy (?:doctor|gp|therapist|psychiatrist|cardiologist|oncologist)\b",
        r"\b(?:therapy sessions?|in therapy|mental health|eating disorder|self[- ]harm|suicidal)\b",
        r"\b(?:pregnant|pregnancy|miscarriage|ivf)\b",
        r"\b(?:surgery|blood pressure|cholesterol|chronic pain|allergic to|allergy to)\b",
        r"\b(?:rehab|sober for|alcoholic|addiction)\b",
    ),
    "finances": (
        r"\bmy (?:salary|income|wage|wages|pay ?check|savings|debts?|mortgage|loans?|overdraft|pension|credit score|net worth|bank balance|investments|portfolio)\b",
        _I + r" (?:earn|make) (?:about |around )?[$€£]?\d",
        r"\b(?:in debt|owe (?:the bank|money|\$|€|£)|bankrupt(?:cy)?|behind on (?:rent|payments))\b",
        r"\b(?:pay rise|pay raise|tax return|credit card debt|student loans?)\b",
        r"\b(?:iban|account number)\b",
    ),
    "religion": (
        _I
        + r" (?:a )?(?:christian|muslim|jewish|jew|hindu|buddhist|atheist|agnostic|catholic|protestant|sikh|mormon|orthodox)\b",
        r"\b(?:go|went|going) to (?:church|mass|mosque|synagogue|temple)\b",
        r"\bmy (?:faith|religion|religious beliefs|pastor|imam|rabbi|priest)\b",
        r"\b(?:i pray (?:every|daily|five|each|before|at)|pray(?:ing)? to (?:god|allah)|bible study|"
        r"fasting for ramadan|believe in god|converted to (?:christianity|islam|judaism|buddhism|"
        r"hinduism|catholicism))\b",
    ),
    "sexuality": (
        _I + r" (?:gay|lesbian|bisexual|bi|queer|asexual|pansexual|trans|transgender|non-binary)\b",
        r"\b(?:came|coming) out (?:to (?:my|our) \w+|as (?:gay|lesbian|bi|bisexual|trans|queer|non-binary))\b",
        r"\bmy (?:sexuality|sexual orientation|sex life|gender identity)\b",
        r"\b(?:sexual orientation|sexually)\b",
    ),
    "politics": (
        r"\bvot(?:e|ed|ing)(?: for| against)?\b[^.!?]{0,50}\b(?:party|candidate|president|"
        r"chancellor|mayor|senator|election|referendum|primary|primaries|greens|labour|tories|"
        r"conservatives|democrats|republicans|liberals|socialists)\b",
        r"\bmy (?:political views|politics|vote)\b",
        r"\b(?:left|right)[- ]wing\b",
        r"\b(?:member of|support|joined|campaign for) the \w+(?: \w+)? party\b",
        _I + r" (?:a )?(?:democrat|republican|socialist|communist|libertarian|tory|labour voter)\b",
    ),
}


@cache
def _compiled() -> dict[str, list[re.Pattern[str]]]:
    """Compiled on first use: the store imports this module, and `pasi --help` should not wait."""
    return {kind: [re.compile(p, re.IGNORECASE) for p in pats] for kind, pats in PATTERNS.items()}


def classify(text: str) -> tuple[str, ...]:
    """The sensitive kinds ``text`` touches, in a fixed order; () for an ordinary sentence."""
    compiled = _compiled()
    return tuple(kind for kind in SENSITIVE_KINDS if any(p.search(text) for p in compiled[kind]))


def missing_consent(conn: sqlite3.Connection, kinds: Iterable[str]) -> tuple[str, ...]:
    return tuple(kind for kind in kinds if consent.consent_status(conn, kind) != "yes")


def gate_turns(conn: sqlite3.Connection, turns: Sequence[Episode], now: datetime) -> list[Episode]:
    """The turns that may be learned from; the others are held until the user agrees."""
    allowed = []
    for turn in turns:
        waiting = missing_consent(conn, classify(turn.text))
        if waiting:
            consent.hold(conn, turn.id, waiting, now)
        else:
            allowed.append(turn)
    return allowed


def label_memories(conn: sqlite3.Connection, memories: Iterable[tuple[int, str]]) -> None:
    """Mark each (id, text) that touches a sensitive kind, so it stays on this machine."""
    for memory_id, text in memories:
        kinds = classify(text)
        if kinds:
            consent.set_sensitivity(conn, [memory_id], kinds[0])


def answer_consent(conn: sqlite3.Connection, kind: str, agreed: bool, now: datetime) -> list[int]:
    """Record the user's answer; on yes, queue the turns held for ``kind`` to be learned from.

    Returns the episode ids queued as extraction jobs (one job per source).
    """
    if kind not in SENSITIVE_KINDS:
        raise InputError(f"'{kind}' is not a sensitive kind (kinds: {', '.join(SENSITIVE_KINDS)})")
    consent.set_consent(conn, kind, agreed, now)
    if not agreed:
        return []
    released = consent.release(conn, kind)
    by_source: dict[int, list[int]] = {}
    for turn in ep.get_episodes(conn, released).values():
        by_source.setdefault(turn.source_id, []).append(turn.id)
    for source_id, ids in by_source.items():
        jobs.add_job(conn, source_id, sorted(ids), now)
    return sorted(released)


def refused_sensitive(kinds: Sequence[str]) -> str:
    """What the model is told when a memory waits for consent: it relays this to the user."""
    named = " and ".join(kinds)
    commands = "; ".join(f"`pasi consent {kind} yes`" for kind in kinds)
    return (
        f"not stored: this is about {named}, and the user has not agreed to let pasi keep "
        f"{named} memories. Tell the user, and that they can agree with {commands} (the memory "
        "stays on this machine); their words in this conversation are kept either way."
    )
