"""What a turn yields while it runs: text as it streams, tool calls, and the final answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pasi.models.chat import ToolCall
from pasi.tools.registry import ToolResult


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ToolStarted:
    call: ToolCall


@dataclass(frozen=True)
class ToolFinished:
    call: ToolCall
    result: ToolResult


@dataclass(frozen=True)
class Citation:
    """A tag the answer cited, resolved to the memory or turn it names."""

    tag: str
    kind: str
    id: int
    text: str | None  # None: the model cited something that does not exist (or no longer does)
    source: str | None = None

    @property
    def resolved(self) -> bool:
        return self.text is not None

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "kind": self.kind, "id": self.id, "resolved": self.resolved}


@dataclass(frozen=True)
class Answer:
    text: str
    model: str
    question_episode_id: int
    answer_episode_id: int
    answer_id: int  # the row in ``answers`` (pasi why)
    citations: tuple[Citation, ...] = ()
    tool_calls: tuple[ToolResult, ...] = ()
    rounds: int = 1
    stopped: bool = False  # the tool loop hit its limit before the model answered
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfirmationNeeded:
    """A side-effecting call held for the user's consent (pasi.safety.actions); the turn ends.

    Approve or deny it with ``pasi actions``, ``POST /api/actions/{id}/approve|deny``, or
    the chat's inline y/n; ``provenance`` lists the external sources the turn had read.
    """

    action_id: int
    tool: str
    arguments: dict[str, Any]
    reason: str
    provenance: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "confirm", "action_id": self.action_id, "tool": self.tool,
            "arguments": self.arguments, "reason": self.reason,
            "provenance": list(self.provenance),
        }  # fmt: skip

    def sse(self) -> dict[str, Any]:
        """The chat stream's ``confirm`` event (pasi.server.chat_api)."""
        return self.to_json()


@dataclass(frozen=True)
class Notice:
    """A note beside the answer, shown once (the charter's daily chat budget reached, a question
    about keeping sensitive memories): the ``notice`` event of the chat stream."""

    text: str
    kind: str = "note"  # "budget" or "consent"

    def to_json(self) -> dict[str, Any]:
        return {"type": "notice", "text": self.text, "kind": self.kind}

    def sse(self) -> dict[str, Any]:
        """The chat stream's ``notice`` event (pasi.server.chat_api)."""
        return self.to_json()


Event = TextDelta | ToolStarted | ToolFinished | ConfirmationNeeded | Notice | Answer
