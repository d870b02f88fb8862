"""What each model server can do, learnt from its answers once per process.

Servers differ: llama.cpp's server takes ``json_object`` with a schema but not ``json_schema``;
llama-cpp-python's answers HTTP 500 naming ``response_format``; Ollama answers 400 "does not
support tools" for some models. Such an answer is a capability answer, not a fault: it is not
retried, and it is remembered per (base URL, model), so a second model object for the same
server asks the weaker way at once instead of discovering it again.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

SCHEMA_MODES = ("json_schema", "json_object", "instructions")

# A refusal of these request fields (by name in the error body) is a capability answer.
_FEATURE_WORDS = {
    "response_format": re.compile(r"\b(response_format|json_schema)\b"),
    "tools": re.compile(r"\b(tools|tool_choice|tool calling|function calling)\b"),
    "stream_options": re.compile(r"\bstream_options\b"),
}
_CAPABILITY_STATUSES = frozenset({400, 422}) | frozenset(range(500, 600))


def refused_feature(status: int, body: str, params: dict[str, Any]) -> str | None:
    """The request field (``response_format``, ``tools`` or ``stream_options``) an error answer
    refuses, if any.

    Only fields the request carried count, and only in a 400/422/5xx answer. A 400/422 to a
    request with ``response_format`` counts as refusing it even when the body does not say
    which field (many servers only say "invalid request"); a 5xx must name the field.
    """
    if status not in _CAPABILITY_STATUSES:
        return None
    text = body.lower()
    for feature in ("stream_options", "response_format", "tools"):
        if feature in params and _FEATURE_WORDS[feature].search(text):
            return feature
    if "response_format" in params and status in (400, 422):
        return "response_format"
    return None


def error_text(error: Any) -> str:
    """All an SDK status error says: its message and its JSON body."""
    body = getattr(error, "body", None)
    try:
        shown = json.dumps(body) if body is not None else ""
    except (TypeError, ValueError):
        shown = str(body)
    return f"{getattr(error, 'message', '') or error} {shown}"


@dataclass
class ServerCapabilities:
    """What one (base URL, model) supports, as learnt so far."""

    schema_mode: str = SCHEMA_MODES[0]
    tools: bool = True
    stream_usage: bool = True  # streams may ask for their token usage (stream_options)


@dataclass
class CapabilityBook:
    """Capabilities per (base URL, model), shared by every model object of the process."""

    _known: dict[tuple[str, str], ServerCapabilities] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, base_url: str, model: str) -> ServerCapabilities:
        """A copy: what the server is known to support (everything, until it says otherwise)."""
        with self._lock:
            known = self._known.get(_key(base_url, model), ServerCapabilities())
            return ServerCapabilities(known.schema_mode, known.tools, known.stream_usage)

    def step_down(self, base_url: str, model: str, failed: str) -> str | None:
        """The schema mode to use after ``failed`` did not work; None when none is left.

        Two threads failing with the same mode step down once, not twice.
        """
        with self._lock:
            known = self._known.setdefault(_key(base_url, model), ServerCapabilities())
            if known.schema_mode == failed:
                index = SCHEMA_MODES.index(failed)
                if index + 1 >= len(SCHEMA_MODES):
                    return None
                known.schema_mode = SCHEMA_MODES[index + 1]
            return known.schema_mode

    def without_tools(self, base_url: str, model: str) -> None:
        with self._lock:
            self._known.setdefault(_key(base_url, model), ServerCapabilities()).tools = False

    def without_stream_usage(self, base_url: str, model: str) -> None:
        with self._lock:
            known = self._known.setdefault(_key(base_url, model), ServerCapabilities())
            known.stream_usage = False

    def forget(self) -> None:
        """Learn everything again (e.g. after the servers changed)."""
        with self._lock:
            self._known.clear()


def _key(base_url: str, model: str) -> tuple[str, str]:
    return base_url.rstrip("/").lower(), model


BOOK = CapabilityBook()
