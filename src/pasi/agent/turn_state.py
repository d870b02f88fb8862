"""What one assistant turn has seen and done so far, as its rounds run (pasi.agent.assistant)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pasi.agent.safeguards import Screening
from pasi.models.chat import Message
from pasi.tools.registry import ToolResult


@dataclass
class TurnState:
    """The state of one turn as the loop runs."""

    messages: list[Message]
    text: list[str] = field(default_factory=list)
    results: list[ToolResult] = field(default_factory=list)
    rounds: int = 0
    stopped: bool = False
    max_tokens: int | None = None  # per model call, as the client asked (OpenAI API)
    screening: Screening = field(default_factory=Screening)
    waiting: list[int] = field(default_factory=list)  # actions held for the user's consent
    tainted: bool = False  # external text reached the model in this turn
    deadline: float = float("inf")  # time.monotonic() by which the turn must end
    corrected: bool = False  # the model had its one round to correct an invalid tool call
    plain: bool = False  # the last request: no tools, so the model must answer in words
    tool_rounds: int = 0  # rounds whose tool calls ran
    late: bool = False  # the deadline stopped the model
    failure: str | None = None  # the model raised: why, in the user's words
