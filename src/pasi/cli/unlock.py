"""The passphrase of an encrypted vault: given (``PASI_PASSPHRASE``), saved, or asked for.

Asking happens only in a terminal; anywhere else (a pipe, a service) the vault says which ways
of giving the passphrase exist instead of waiting for input that will never come.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from pydantic import SecretStr

from pasi.config import Settings
from pasi.errors import InputError

NEW_PASSPHRASE_ENV = "PASI_NEW_PASSPHRASE"


def vault_dir(settings: Settings) -> Path:
    return Path(settings.vault).expanduser()


def is_encrypted_vault(settings: Settings) -> bool:
    from pasi.vault.cipher import is_encrypted
    from pasi.vault.sqlite import DB_FILE

    return is_encrypted(vault_dir(settings) / DB_FILE)


def given_passphrase(settings: Settings) -> str | None:
    return settings.passphrase.get_secret_value() if settings.passphrase else None


def current_passphrase(settings: Settings, what: str = "") -> str | None:
    """The passphrase from settings, the keyring, or (in a terminal) the user; else None."""
    from pasi.vault.keychain import saved_passphrase

    found = given_passphrase(settings) or saved_passphrase(vault_dir(settings))
    if found is None and sys.stdin.isatty():
        found = typer.prompt(f"Passphrase {what or f'of the vault {vault_dir(settings)}'}",
                             hide_input=True)  # fmt: skip
    return found


def unlock(settings: Settings) -> Settings:
    """Settings carrying the passphrase an encrypted vault needs, asked for when it must be."""
    if settings.passphrase is not None or not is_encrypted_vault(settings):
        return settings
    found = current_passphrase(settings)
    return (
        settings if found is None else settings.model_copy(update={"passphrase": SecretStr(found)})
    )


def new_passphrase(what: str, settings: Settings | None = None) -> str:
    """A passphrase to encrypt with: ``PASI_NEW_PASSPHRASE`` (or the given one), else asked twice."""
    found = os.environ.get(NEW_PASSPHRASE_ENV) or (given_passphrase(settings) if settings else None)
    if found is None and sys.stdin.isatty():
        found = typer.prompt(f"New passphrase for {what}", hide_input=True,
                             confirmation_prompt=True)  # fmt: skip
    if not found:
        raise InputError(
            f"a new passphrase is needed for {what}: set {NEW_PASSPHRASE_ENV} (or "
            "PASI_PASSPHRASE when encrypting), or run the command in a terminal to be asked"
        )
    return found
