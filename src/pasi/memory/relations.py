"""Where someone lives and works, read from a memory's text, so a move replaces the old place.

"Jonas lives in Bergen" and "Jonas left Trondheim" both end "Jonas lives in Trondheim"; small
models asked to consolidate often answer ADD and leave both current. These relations hold one
value at a time, so a same-subject memory with the same relation and another place is
superseded without asking a model, and "left X" supersedes whatever placed the person at X.
"""

from __future__ import annotations

import re

_STOP = r"since|in|on|at|for|from|with|and|now|until|as|but|because|last|this|next"
_OBJECT = rf"(?:the\s+)?(?P<obj>[\w'’ -]+?)(?=\s+(?:{_STOP})\b|[,.;!]|$)"
_RELATIONS = {
    "home": re.compile(
        r"\b(?:lives|live|living|resides|reside|is based|are based|moved|has moved|relocated|"
        r"is moving|is living)\s+(?:back\s+)?(?:in|to|at)\s+" + _OBJECT,
        re.IGNORECASE,
    ),
    "work": re.compile(
        r"\b(?:works|work|working|is employed|got a job|has a job|started working|took a job)\s+"
        r"(?:at|for)\s+" + _OBJECT,
        re.IGNORECASE,
    ),
    "left": re.compile(
        r"\b(?:left|moved away from|moved out of|no longer lives in|no longer works at|"
        r"does not live in|doesn't live in|quit)\s+" + _OBJECT,
        re.IGNORECASE,
    ),
}


def relations(text: str) -> set[tuple[str, str]]:
    """(relation, place) pairs: {("home", "bergen"), ("left", "trondheim")}."""
    found = set()
    for name, pattern in _RELATIONS.items():
        for match in pattern.finditer(text):
            place = " ".join(match.group("obj").lower().split())
            if place:
                found.add((name, place))
    return found


def replaces(new_text: str, old_text: str) -> str | None:
    """Why ``new_text`` ends ``old_text`` (same subject assumed), or None when it does not."""
    new, old = relations(new_text), relations(old_text)
    for relation, place in new:
        if relation == "left" and any(p == place for r, p in old if r != "left"):
            return f"left {place}"
        if relation != "left" and any(r == relation and p != place for r, p in old):
            return f"{relation} is now {place}"
    return None
