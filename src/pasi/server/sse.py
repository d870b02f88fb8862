"""Server-sent events: one ``data: <json>`` line per event, and the headers that keep them live."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy may buffer them


def sse_line(data: dict[str, Any] | str) -> str:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {text}\n\n"


def event_stream(lines: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(lines, media_type="text/event-stream", headers=HEADERS)


SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "A stream of server-sent events.", "content": {"text/event-stream": {}}}
}
