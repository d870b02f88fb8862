"""One scripted run of ``pasi bench injection``, counted as the user lives it.

pasi's chat ends a turn at the first round of tool calls with a held call and shows every
call that round held in one message, which the user answers once (approve all shown, deny
all) or call by call (:mod:`pasi.agent.actions`). A scripted policy makes its calls one by
one, so :class:`Rounds` puts each call in the round a model would make it in at the earliest,
and :class:`Episode` counts one confirmation per round with held calls, besides the held calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pasi.safety.dataflow import Ledger, Passage, leaves
from pasi.safety.provenance import Provenance


@dataclass
class Episode:
    """One scripted run: what ran, what was held and how the simulated user decided."""

    traces: list[Any] = field(default_factory=list)  # agentdojo FunctionCalls that ran
    held: int = 0  # calls held for the user's consent
    denied: int = 0
    refused: int = 0  # refused by the gate without a question
    asked: list[str] = field(default_factory=list)  # each held call's reason
    # per round with held calls (one message the user sees): True approved, False denied
    rounds: dict[int, list[bool]] = field(default_factory=dict)

    @property
    def confirmations(self) -> int:
        """Questions the user sees: the held calls of one round come in one message."""
        return len(self.rounds)

    @property
    def answers(self) -> int:
        """Answers the user gives: one for a round approved or denied whole, one per call in
        a round where some calls are approved and others denied."""
        return sum(1 if len(set(d)) == 1 else len(d) for d in self.rounds.values())


class Rounds:
    """The round a model would make each call in, at the earliest: after the rounds whose
    outputs hold its argument values (calls that need nothing new go out together, as a
    model's parallel calls in one response). Values are found as the consent gate finds them
    (:class:`~pasi.safety.dataflow.Ledger`): whole tokens, a short value only where a record
    is named by it. A value in the user's words is known from the start. A value found
    nowhere was written by the model (a summary of a spreadsheet): it is taken to need the
    output of the read-only call made just before it (what the model had just read; not a
    side effect's report of what it did)."""

    def __init__(self, prompt: str) -> None:
        self.said = Ledger()
        self.said.hear(prompt)
        self.read = Ledger()
        self.round_of: list[int] = []  # of each output, by position
        self.last_read = 0  # the round of the latest read-only call

    def of(self, args: dict[str, Any]) -> int:
        after = 0
        for path, value, target in leaves(args):
            if self.said.origin(path, value, target=target).kind == "user":
                continue
            found = self.read.origin(path, value, target=target)
            if found.kind == "external":
                after = max(after, self.round_of[int(found.source)])
            else:
                after = max(after, self.last_read)
        return after + 1

    def saw(self, outputs: list[str], number: int, *, reads: bool) -> None:
        """The outputs added since the last call, made in round ``number``; ``reads``: by a
        read-only call."""
        for text in outputs[len(self.round_of) :]:
            self.read.read([Passage(text, Provenance("external", str(len(self.round_of))))])
            self.round_of.append(number)
        if reads:
            self.last_read = number
