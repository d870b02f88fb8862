"""The request size limit (``server_max_request_bytes``), answered as JSON 413.

A declared ``Content-Length`` over the limit is refused before the app runs (nor is the body
read); a chunked body is counted as it arrives and stopped at the limit. Starlette's own body
limit answers in plain text, which OpenAI clients cannot parse, hence this small middleware.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pasi.server.errors import error_json


def too_large_message(limit: int) -> str:
    return f"the request body is larger than the server's limit of {limit:,} bytes"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            response = error_json(too_large_message(self.max_bytes), 413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # FastAPI re-raises it; the handlers answer JSON
                    raise HTTPException(413, too_large_message(self.max_bytes))
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
