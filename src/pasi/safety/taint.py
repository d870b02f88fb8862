"""The taint of one turn: has text written by others entered the model's context?

A model that has read an email can be steered by it, and nothing in its tool call says
whether it was. So the rule is coarse on purpose: from the moment external text is in the
context (quoted by the assembler, or returned by a tool), every side-effecting call in that
turn may depend on it and waits for the user's consent, shown with that provenance.
Read-only calls always run; a turn that never saw external text runs as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pasi.safety.provenance import Provenance

SHOWN = 5  # sources named in a consent request; the rest are counted


@dataclass
class Taint:
    seen: list[Provenance] = field(default_factory=list)

    def add(self, provenance: Iterable[Provenance]) -> None:
        for item in provenance:
            if item.trust == "external" and item not in self.seen:
                self.seen.append(item)

    @property
    def tainted(self) -> bool:
        return bool(self.seen)

    def reason(self, tool: str, effect: str) -> str:
        """Why a call waits for consent, in words for the user."""
        sources = sorted({p.source for p in self.seen})
        named = ", ".join(sources[:SHOWN])
        more = f" and {len(sources) - SHOWN} more" if len(sources) > SHOWN else ""
        return (
            f"{tool} would {effect} something, and this turn has read text written by others "
            f"({named}{more}); that text may have asked for it"
        )

    def to_json(self) -> list[dict[str, object]]:
        return [p.to_json() for p in self.seen]
