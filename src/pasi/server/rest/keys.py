"""Model keys set in the web app's Settings, kept out of plaintext: in the OS keyring.

The key goes to the keyring (service ``pasi``, user ``setting:NAME``) and the config file
gets ``NAME = "keyring:"`` in place of any key written there before, so the file names where
the key is, never the key (pasi.config reads it back at start). Only the server's own user
``local`` may set them: they are the server's, spent by every user's requests. Without a
usable keyring (a container, a headless server) nothing is saved and the answer says to use
the environment instead.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, SecretStr

from pasi.config import KEYRING_REFERENCE, KEYRING_SERVICE
from pasi.server.auth import CurrentUser
from pasi.server.rest.config_file import set_config, shadowed
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS
from pasi.server.users import LOCAL_USER
from pasi.vault.keychain import keyring_backend

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)


class KeyIn(BaseModel):
    name: Literal["openai_api_key", "model_api_key"]
    value: str = Field(max_length=4000, description="The key; '' removes it.")


class KeyOut(BaseModel):
    name: str
    set: bool = Field(description="Whether the setting now has a key.")
    stored_in: str | None = Field(description="The keyring backend that holds it.")
    config_file: str
    overridden_by: list[str]


@router.put("/settings/keys", response_model=KeyOut)
def save_key(user: CurrentUser, request: Request, body: KeyIn) -> KeyOut:
    """Save (or, with '', remove) a model key in the OS keyring and use it at once."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    if user.name != LOCAL_USER:
        raise HTTPException(
            403, "the keys are the server's: only its own user ('local') may set them"
        )
    backend = keyring_backend()
    if backend is None:
        raise FieldError(
            f"this machine has no OS keyring, so the key was not saved: set "
            f"PASI_{body.name.upper()} in the server's environment instead", param="value",
        )  # fmt: skip
    value = body.value.strip()
    entry = f"setting:{body.name}"
    try:
        if value:
            keyring.set_password(KEYRING_SERVICE, entry, value)
        else:
            with suppress(PasswordDeleteError):  # nothing was saved: removed all the same
                keyring.delete_password(KEYRING_SERVICE, entry)
    except KeyringError as error:
        raise FieldError(f"the OS keyring refused the key: {error}", param="value") from None
    path = set_config({body.name: KEYRING_REFERENCE if value else None})
    secret = SecretStr(value) if value else None
    request.app.state.settings = request.app.state.settings.model_copy(update={body.name: secret})
    request.app.state.sessions.reconfigure({body.name: secret})
    return KeyOut(name=body.name, set=bool(value), stored_in=backend if value else None,
                  config_file=str(path), overridden_by=shadowed([body.name]))  # fmt: skip
