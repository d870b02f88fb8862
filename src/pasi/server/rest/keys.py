"""Model keys set in the web app's Settings, kept out of plaintext: in the OS keyring, else
in the encrypted vault.

With an OS keyring the key goes there (service ``pasi``, user ``setting:NAME``) and the config
file gets ``NAME = "keyring:"``. Without one (a container, a headless server) an encrypted
vault keeps it (pasi.vault.secrets, sealed like the vault's other files) and the file gets
``NAME = "vault:"``. Either way the file names where the key is, never the key (pasi.config
reads it back at start). With neither, nothing is saved and the answer says why and what to do
instead: a key is never written in plaintext. Only the server's own user ``local`` may set
keys: they are the server's, spent by every user's requests, and the vault that keeps them is
that user's (the ``vault`` setting).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, SecretStr

from pasi.config import KEYRING_REFERENCE, KEYRING_SERVICE, VAULT_REFERENCE
from pasi.server.auth import CurrentUser
from pasi.server.rest.config_file import set_config, shadowed
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS
from pasi.server.users import LOCAL_USER
from pasi.vault.keychain import keyring_backend
from pasi.vault.secrets import SecretStore

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)

VAULT_STORE = "the encrypted vault"


class KeyIn(BaseModel):
    name: Literal["openai_api_key", "model_api_key"]
    value: str = Field(max_length=4000, description="The key; '' removes it.")


class KeyOut(BaseModel):
    name: str
    set: bool = Field(description="Whether the setting now has a key.")
    stored_in: str | None = Field(
        description="Where it is kept: the keyring backend, or 'the encrypted vault'."
    )
    config_file: str
    overridden_by: list[str]


def key_store(user: CurrentUser) -> str | None:
    """Where a key saved now would be kept: the keyring backend, the encrypted vault, or None
    (nowhere that is not plaintext)."""
    backend = keyring_backend()
    if backend is not None:
        return backend
    return VAULT_STORE if SecretStore(user.pasi.vault.files).usable else None


def no_store_reason(name: str) -> str:
    return (
        f"this machine has no OS keyring and the vault is not encrypted, so the key was not "
        f"saved (it would be plaintext on disk): encrypt the vault (`pasi vault encrypt`) or "
        f"set PASI_{name.upper()} in the server's environment"
    )


@router.put("/settings/keys", response_model=KeyOut)
def save_key(user: CurrentUser, request: Request, body: KeyIn) -> KeyOut:
    """Save (or, with '', remove) a model key in the OS keyring or the encrypted vault, and use
    it at once."""
    if user.name != LOCAL_USER:
        raise HTTPException(
            403, "the keys are the server's: only its own user ('local') may set them"
        )
    store = key_store(user)
    if store is None:
        raise FieldError(no_store_reason(body.name), param="value")
    value = body.value.strip()
    if store == VAULT_STORE:
        _save_in_vault(user, body.name, value)
    else:
        _save_in_keyring(body.name, value)
    reference = VAULT_REFERENCE if store == VAULT_STORE else KEYRING_REFERENCE
    path = set_config({body.name: reference if value else None})
    secret = SecretStr(value) if value else None
    request.app.state.settings = request.app.state.settings.model_copy(update={body.name: secret})
    request.app.state.sessions.reconfigure({body.name: secret})
    return KeyOut(name=body.name, set=bool(value), stored_in=store if value else None,
                  config_file=str(path), overridden_by=shadowed([body.name]))  # fmt: skip


def _save_in_vault(user: CurrentUser, name: str, value: str) -> None:
    secrets = SecretStore(user.pasi.vault.files)
    if value:
        secrets.set(name, value)
    else:
        secrets.delete(name)


def _save_in_keyring(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    entry = f"setting:{name}"
    try:
        if value:
            keyring.set_password(KEYRING_SERVICE, entry, value)
        else:
            with suppress(PasswordDeleteError):  # nothing was saved: removed all the same
                keyring.delete_password(KEYRING_SERVICE, entry)
    except KeyringError as error:
        raise FieldError(f"the OS keyring refused the key: {error}", param="value") from None
