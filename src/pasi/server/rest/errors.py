"""PasiErrors raised by a REST route become JSON with the status that fits.

Routes raise the same errors the CLI prints (their messages already name the field and
value). The app's handlers (pasi.server.errors) answer most of them; this route class adds the
statuses the REST API needs beyond those (409, 413, 415), in the same JSON shape.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from pasi.errors import InputError, PasiError
from pasi.server.errors import error_json
from pasi.server.errors import status_for as app_status_for


class ConflictError(InputError):
    """The request is well formed but the thing it names is in the wrong state (409)."""


class TooLargeError(InputError):
    """An upload is larger than the server accepts (413)."""


class UnsupportedFileError(InputError):
    """No connector reads an uploaded file (415)."""


class FieldError(InputError):
    """A request value is unusable; ``param`` names the field (422)."""

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


_OWN_STATUS = {ConflictError: 409, TooLargeError: 413, UnsupportedFileError: 415}


def status_for(error: PasiError) -> int:
    for cls, code in _OWN_STATUS.items():
        if isinstance(error, cls):
            return code
    return app_status_for(error)


class PasiRoute(APIRoute):
    """An APIRoute that answers a PasiError itself, with the statuses above."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except PasiError as error:
                message = " ".join(str(error).split())
                return error_json(message, status_for(error), kind=type(error).__name__,
                                  param=getattr(error, "param", None))  # fmt: skip

        return handle
