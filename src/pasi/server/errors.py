"""Every failure reaches the client as OpenAI-style JSON with the status that fits, never a trace.

``{"error": {"message": ..., "type": ..., "param": ...}}``: what OpenAI clients already parse.
A bug becomes a 500 with a generic message; its traceback goes to the server's log only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from pasi.errors import (
    ConfigError,
    InputError,
    ModelError,
    ModelTimeoutError,
    NotFoundError,
    PasiError,
)
from pasi.server.threads import ServerStoppingError

log = logging.getLogger("pasi.server")


class FieldError(InputError):
    """A request value is unusable; ``param`` names the field, as OpenAI's errors do (422)."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


class ConflictError(InputError):
    """The request is well formed but the thing it names is in the wrong state (409)."""


class TooLargeError(InputError):
    """An upload is larger than the server accepts (413)."""


class UnsupportedFileError(InputError):
    """No connector reads an uploaded file (415)."""


INTERNAL = "pasi failed to handle this request; the server's log has the details"

# Most specific first: the first class the error is an instance of gives the status.
STATUS: tuple[tuple[type[PasiError], int], ...] = (
    (ServerStoppingError, 503),
    (ConflictError, 409),
    (TooLargeError, 413),
    (UnsupportedFileError, 415),
    (NotFoundError, 404),
    (InputError, 422),
    (ConfigError, 422),
    (ModelTimeoutError, 504),
    (ModelError, 502),
)

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    422: "invalid_request_error",
    500: "server_error",
    503: "server_error",
}


def error_body(message: str, status: int, *, kind: str | None = None, param: str | None = None):
    body: dict[str, Any] = {"message": message, "type": kind or _TYPES.get(status, "error")}
    if param is not None:
        body["param"] = param
    return {"error": body}


def error_json(
    message: str, status: int, *, kind: str | None = None, param: str | None = None, **headers: str
) -> JSONResponse:
    return JSONResponse(
        error_body(message, status, kind=kind, param=param), status_code=status, headers=headers
    )


def status_for(error: PasiError) -> int:
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


def describe(error: BaseException) -> tuple[str, int]:
    """What a client may be told about ``error``: a PasiError's own message, or a generic one."""
    if isinstance(error, PasiError):
        return " ".join(str(error).split()), status_for(error)
    log.error("request failed", exc_info=error)
    return INTERNAL, 500


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "messages", 0, "role")`` → ``messages.0.role``: the field as the client named it."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or str(location[0] if location else "request")


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {"loc": ("body",), "msg": "invalid request"}
    field = _field(first.get("loc", ()))
    return error_json(f"invalid value for '{field}': {first.get('msg')}", 422, param=field)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    message = error.detail if isinstance(error.detail, str) else "request failed"
    return error_json(message, error.status_code, **(error.headers or {}))


async def _pasi(request: Request, error: Exception) -> JSONResponse:
    message, status = describe(error)
    return error_json(
        message, status, kind=type(error).__name__, param=getattr(error, "param", None)
    )


async def _internal(request: Request, error: Exception) -> JSONResponse:
    message, status = describe(error)
    return error_json(message, status)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(PasiError, _pasi)
    app.add_exception_handler(Exception, _internal)
