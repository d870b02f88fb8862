"""Bearer-token authentication: every route depends on :func:`current_user`.

The token is looked up by its hash on each request (a revoked token stops working at once);
the user's :class:`~pasi.server.users.UserSession` gives the route that user's vault and
nothing else, so a route cannot reach another user's data by mistake.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pasi.server.users import UserRegistry, UserSession, UserSessions

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `pasi users add NAME` or `pasi tokens create` (docs/server.md).",
)

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def authenticate(request: Request, token: str | None) -> UserSession:
    """The session for ``token``; 401 when it is missing or unknown."""
    if not token:
        raise HTTPException(401, "this request needs `Authorization: Bearer <token>`", UNAUTHORIZED)
    registry: UserRegistry = request.app.state.users
    user = registry.authenticate(token)
    if user is None:
        raise HTTPException(401, "the token is not valid (revoked, or never issued)", UNAUTHORIZED)
    sessions: UserSessions = request.app.state.sessions
    return sessions.session(user)


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> UserSession:
    """The FastAPI dependency: the user who sent this request (run in a worker thread, since
    opening a user's vault the first time reads from disk)."""
    return authenticate(request, credentials.credentials if credentials else None)


CurrentUser = Annotated[UserSession, Depends(current_user)]
