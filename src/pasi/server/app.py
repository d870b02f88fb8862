"""The FastAPI application behind ``pasi serve``: every API, behind one Bearer-token check.

Routers: the OpenAI-compatible API (``/v1``), the web app's chat stream (``/api/chat``), the
REST routers listed by :func:`pasi.server.rest.routers`, MCP (``/mcp``) when the SDK can be
loaded, and last the web app's static files at ``/``. Nothing heavy (the embedding model, a
user's vault, the chat model) is loaded until the first request that needs it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pasi import __version__
from pasi.clock import Clock, system_clock
from pasi.server.errors import install_error_handlers
from pasi.server.limits import BodySizeLimit
from pasi.server.threads import TurnThreads
from pasi.server.titles import Titler
from pasi.server.users import UserRegistry, UserSessions

if TYPE_CHECKING:
    from pasi.config import Settings
    from pasi.models.chat import ChatModel
    from pasi.models.embedder import Embedder

WEB_DIR = Path(__file__).parent / "web"
mimetypes.add_type("application/manifest+json", ".webmanifest")  # not in Python's table


def create_app(
    settings: Settings,
    *,
    chat_model: ChatModel | None = None,
    clock: Clock = system_clock,
    users: UserRegistry | None = None,
    embedder: Embedder | None = None,
    mcp: bool = True,
) -> FastAPI:
    """The app for ``settings``. ``chat_model`` replaces the configured upstream model (tests,
    benchmarks); ``users`` defaults to the registry in ``settings.server_home``."""
    registry = users or UserRegistry(settings.server_home)
    sessions = UserSessions(settings, chat_model=chat_model, clock=clock, embedder=embedder)
    threads = TurnThreads()
    titles = Titler()
    mcp_apps = _mcp_apps() if mcp else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if mcp_apps is not None:  # a mounted app's lifespan is not run by Starlette
                sdk_app = mcp_apps[0]
                await stack.enter_async_context(sdk_app.router.lifespan_context(sdk_app))
            try:
                yield
            finally:
                threads.close()
                titles.close()
                sessions.close()
                if users is None:
                    registry.close()

    app = FastAPI(
        title="pasi",
        version=__version__,
        description="A personal AI that knows its user: OpenAI-compatible and REST APIs.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.users = registry
    app.state.sessions = sessions
    app.state.threads = threads
    app.state.titles = titles
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.server_max_request_bytes)
    _include_routers(app)
    if mcp_apps is not None:
        app.mount("/mcp", mcp_apps[1])
    if WEB_DIR.is_dir():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def _include_routers(app: FastAPI) -> None:
    from pasi.server import chat_api, openai_api, rest

    app.include_router(openai_api.router)
    app.include_router(chat_api.router)
    for router in rest.routers():
        app.include_router(router)


def _mcp_apps() -> tuple[Any, Any]:
    """The MCP SDK's app (for its lifespan) and the same behind Bearer auth (to mount)."""
    from pasi.server.mcp_http import mcp_app

    return mcp_app()
