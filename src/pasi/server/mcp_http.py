"""MCP over streamable HTTP at ``/mcp/``, behind the same Bearer tokens as every other route.

The SDK's app runs stateless: every request is authenticated on its own and the tools run as
that request's user (a context variable set here), so an MCP session id can never carry one
user's identity into another's request.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import HTTPException
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from pasi.server.auth import authenticate
from pasi.server.errors import error_json
from pasi.server.mcp_tools import build_mcp

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.server.users import UserSession

_caller: ContextVar[UserSession] = ContextVar("pasi_mcp_caller")


def _caller_pasi() -> Pasi:
    return _caller.get().pasi


class BearerGate:
    """Authenticates each request, then hands it to the MCP app as that user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        try:
            session = await anyio.to_thread.run_sync(
                authenticate, request, token.strip() if scheme.lower() == "bearer" else None
            )
        except HTTPException as error:
            response = error_json(str(error.detail), error.status_code, **(error.headers or {}))
            await response(scope, receive, send)
            return
        _caller.set(session)
        await self.app(scope, receive, send)


def mcp_app() -> Any:
    """The ASGI app to mount at ``/mcp``, and the SDK app whose lifespan must run."""
    server = build_mcp(_caller_pasi)
    inner = server.streamable_http_app(
        streamable_http_path="/",
        stateless_http=True,
        json_response=True,
        # Host checks guard servers without auth against DNS rebinding; every request here
        # carries a token a foreign page cannot know, and pasi may be bound to any address.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return inner, BearerGate(inner)
