"""Export: the whole vault as the open JSON Lines file (docs/formats.md), as a download."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from pasi.privacy.export import export_to_path
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import PasiRoute
from pasi.server.rest.schemas import ERRORS

router = APIRouter(prefix="/api", tags=["export"], route_class=PasiRoute, responses=ERRORS)

EXPORT_MEDIA_TYPE = "application/x-ndjson"


@router.get(
    "/export",
    response_class=FileResponse,
    responses={200: {"content": {EXPORT_MEDIA_TYPE: {}}, "description": "The export file."}},
)
def export(user: CurrentUser) -> FileResponse:
    """Everything in the vault as one JSON Lines file, the same as `pasi export`.

    Written to a temporary file first (one consistent read), sent, then deleted.
    """
    pasi = user.pasi
    fd, temp = tempfile.mkstemp(prefix="pasi-export-", suffix=".jsonl")
    os.close(fd)
    path = Path(temp)
    try:
        export_to_path(pasi.vault, path, pasi.clock)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    name = f"pasi-export-{user.name}-{pasi.clock():%Y%m%d-%H%M%S}.jsonl"
    return FileResponse(
        path, media_type=EXPORT_MEDIA_TYPE, filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )  # fmt: skip
