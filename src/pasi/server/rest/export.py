"""Export and erasure: the whole vault as the open JSON Lines file (docs/formats.md), as a
download; and erasing everything, as ``pasi erase --all`` does, with an explicit confirmation."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from pasi.privacy.export import export_to_path
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS

router = APIRouter(prefix="/api", tags=["export"], responses=ERRORS)

EXPORT_MEDIA_TYPE = "application/x-ndjson"
SEALED_MEDIA_TYPE = "application/octet-stream"
ERASE_PHRASE = "erase everything"


class EraseIn(BaseModel):
    all: bool = Field(description="Must be true: the whole vault goes (as `pasi erase --all`).")
    confirm: str = Field(max_length=100, description=f"Must be exactly '{ERASE_PHRASE}'.")


class EraseOut(BaseModel):
    erased: int = Field(description="Files and folders removed from the vault directory.")


@router.get(
    "/export",
    response_class=FileResponse,
    responses={200: {"content": {EXPORT_MEDIA_TYPE: {}, SEALED_MEDIA_TYPE: {}},
                     "description": "The export file."}},
)  # fmt: skip
def export(
    user: CurrentUser,
    plaintext: bool = Query(False, description="Export an encrypted vault without encrypting."),
) -> FileResponse:
    """Everything in the vault as one JSON Lines file, the same as `pasi export`: encrypted
    under the vault's passphrase when the vault is encrypted, unless ``plaintext``.

    Written to a temporary file first (one consistent read), sent, then deleted.
    """
    pasi = user.pasi
    sealed = bool(getattr(pasi.vault, "encrypted", False)) and not plaintext
    fd, temp = tempfile.mkstemp(prefix="pasi-export-", suffix=".jsonl")
    os.close(fd)
    path = Path(temp)
    try:
        if sealed:
            from pasi.privacy.export import sealed_export_to_path

            sealed_export_to_path(pasi.vault, path, pasi.clock)
        else:
            export_to_path(pasi.vault, path, pasi.clock)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    name = f"pasi-export-{user.name}-{pasi.clock():%Y%m%d-%H%M%S}.jsonl" + (
        ".sealed" if sealed else ""
    )
    return FileResponse(
        path, media_type=SEALED_MEDIA_TYPE if sealed else EXPORT_MEDIA_TYPE, filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )  # fmt: skip


@router.post("/erase", response_model=EraseOut, responses={501: {"description": "Not available"}})
def erase_everything(user: CurrentUser, body: EraseIn, request: Request) -> EraseOut:
    """Erase everything pasi stores for this user: the vault, its files and indexes.

    The vault is closed first; the next request starts with an empty one. Model files and the
    config file stay, as with `pasi erase --all` without --models and --config.
    """
    from pasi.privacy.erase import erase, plan_erase
    from pasi.vault.keychain import forget_passphrase

    if not body.all:
        raise FieldError("say what to erase: 'all' must be true to erase the whole vault",
                         param="all")  # fmt: skip
    if body.confirm.strip().lower() != ERASE_PHRASE:
        raise FieldError(f"nothing was erased: 'confirm' must be '{ERASE_PHRASE}'", param="confirm")
    release = getattr(request.app.state.sessions, "release", None)
    if release is None:
        raise HTTPException(501, "erasing from the server is not available in this version")
    directory = Path(user.pasi.vault.directory)
    plan = plan_erase(directory, models=False, config=None)
    release(directory)
    removed = erase(plan)
    forget_passphrase(directory)
    return EraseOut(erased=len(removed))
