"""``pasi init``, ``pasi vault encrypt|decrypt|rekey|keyring|status|migrate`` and ``pasi erase``.

These commands work on the vault directory itself, so none of them opens the assistant: a
conversion must be the only process holding the database, and erasing needs no passphrase.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pasi.cli.common import state
from pasi.cli.migrate import migrate
from pasi.cli.render import err_console, print_json
from pasi.cli.unlock import current_passphrase, is_encrypted_vault, new_passphrase, vault_dir
from pasi.errors import InputError, VaultLockedError

if TYPE_CHECKING:
    from pasi.vault.cipher import VaultKey

vault_app = typer.Typer(
    help="Encryption at rest (encrypt, decrypt, re-key, keyring); migrate to another backend.",
    no_args_is_help=True,
)

_KEYRING = typer.Option(False, "--keyring", help="Also save the passphrase in the OS keyring.")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(erase)
    app.add_typer(vault_app, name="vault")
    vault_app.command("migrate")(migrate)


def _say(text: str) -> None:
    err_console().print(text, markup=False)


def init(
    ctx: typer.Context,
    encrypt: bool = typer.Option(
        False, "--encrypt", help="Create the vault encrypted (SQLCipher) under a passphrase."
    ),
    keyring: bool = _KEYRING,
) -> None:
    """Create the vault (encrypted with --encrypt); an existing vault is left as it is."""
    from pasi.vault.keychain import save_passphrase
    from pasi.vault.sqlite import DB_FILE, open_vault

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    if (directory / DB_FILE).exists():
        kind = "encrypted" if is_encrypted_vault(settings) else "not encrypted"
        hint = "; encrypt it with `pasi vault encrypt`" if encrypt and "not" in kind else ""
        _say(f"the vault {directory} already exists ({kind}){hint}")
        if hint:
            raise typer.Exit(1)
        return
    _keyring_needed(keyring)
    passphrase = new_passphrase(f"the new vault {directory}", settings) if encrypt else None
    open_vault(directory, passphrase, encrypt=encrypt).close()
    if keyring and passphrase:
        save_passphrase(directory, passphrase)
    _say(f"created the {'encrypted ' if encrypt else ''}vault {directory}")


def _keyring_needed(wanted: bool) -> None:
    """Refuse --keyring before changing anything when there is no keyring to save into."""
    from pasi.vault.keychain import keyring_backend

    if wanted and keyring_backend() is None:
        raise InputError(
            "--keyring: no OS keyring is available on this machine; nothing was changed. "
            "Leave out --keyring and give the passphrase with PASI_PASSPHRASE or the prompt"
        )


def _old_key(directory: Path, passphrase: str | None) -> VaultKey | None:
    """The current key, checked against the vault before anything is converted."""
    from pasi.vault.sqlite import vault_key

    return vault_key(directory, passphrase)


@vault_app.command("encrypt")
def encrypt_vault(ctx: typer.Context, keyring: bool = _KEYRING) -> None:
    """Encrypt the vault in place (database and vault files) under a new passphrase."""
    from pasi.vault.cipher import VaultKey
    from pasi.vault.convert import convert_vault
    from pasi.vault.keychain import save_passphrase

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    if is_encrypted_vault(settings):
        raise InputError(f"the vault {directory} is already encrypted (use `pasi vault rekey`)")
    _keyring_needed(keyring)
    passphrase = new_passphrase(f"the vault {directory}", settings)
    convert_vault(directory, None, VaultKey.from_passphrase(passphrase))
    if keyring:
        save_passphrase(directory, passphrase)
    _say(f"encrypted the vault {directory}")


@vault_app.command("decrypt")
def decrypt_vault(ctx: typer.Context) -> None:
    """Store the vault unencrypted again (and forget its passphrase in the keyring)."""
    from pasi.vault.convert import convert_vault
    from pasi.vault.keychain import forget_passphrase

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    if not is_encrypted_vault(settings):
        raise InputError(f"the vault {directory} is not encrypted")
    convert_vault(directory, _old_key(directory, current_passphrase(settings)), None)
    forget_passphrase(directory)
    _say(f"decrypted the vault {directory}: it is stored in plaintext now")


@vault_app.command("rekey")
def rekey_vault(ctx: typer.Context, keyring: bool = _KEYRING) -> None:
    """Change the passphrase (new one from PASI_NEW_PASSPHRASE or asked twice)."""
    from pasi.vault.cipher import VaultKey
    from pasi.vault.convert import convert_vault
    from pasi.vault.keychain import save_passphrase, saved_passphrase

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    if not is_encrypted_vault(settings):
        raise InputError(f"the vault {directory} is not encrypted (use `pasi vault encrypt`)")
    _keyring_needed(keyring)
    old = _old_key(directory, current_passphrase(settings))
    passphrase = new_passphrase(f"the vault {directory}")
    was_saved = saved_passphrase(directory) is not None
    convert_vault(directory, old, VaultKey.from_passphrase(passphrase))
    if keyring or was_saved:
        save_passphrase(directory, passphrase)
    _say(f"changed the passphrase of the vault {directory}")


@vault_app.command("keyring")
def keyring_command(
    ctx: typer.Context,
    forget: bool = typer.Option(False, "--forget", help="Remove the saved passphrase instead."),
) -> None:
    """Save the vault's passphrase in the OS keyring (checked first), or forget it."""
    from pasi.vault.keychain import forget_passphrase, save_passphrase

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    if forget:
        found = forget_passphrase(directory)
        _say("forgot the saved passphrase" if found else "no passphrase was saved for this vault")
        return
    if not is_encrypted_vault(settings):
        raise InputError(f"the vault {directory} is not encrypted: there is no passphrase to save")
    passphrase = current_passphrase(settings)
    if passphrase is None:
        raise VaultLockedError(
            f"give the passphrase of {directory} (PASI_PASSPHRASE or a terminal)"
        )
    _old_key(directory, passphrase)  # a wrong passphrase is refused, not saved
    save_passphrase(directory, passphrase)
    _say(f"saved the passphrase of {directory} in the OS keyring")


@vault_app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Whether the vault is encrypted, and whether a keyring holds its passphrase."""
    from pasi.vault.keychain import keyring_backend, saved_passphrase
    from pasi.vault.sqlite import DB_FILE

    settings = state(ctx).settings()
    directory = vault_dir(settings)
    backend = keyring_backend()
    figures = {
        "vault": str(directory),
        "exists": (directory / DB_FILE).exists(),
        "encrypted": is_encrypted_vault(settings),
        "keyring": backend,
        "passphrase_saved": backend is not None and saved_passphrase(directory) is not None,
    }
    if as_json:
        print_json(figures)
        return
    for name, value in figures.items():
        typer.echo(f"{name}: {'none available' if value is None else value}")


def erase(
    ctx: typer.Context,
    everything: bool = typer.Option(False, "--all", help="Erase the whole vault (required)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    models: bool = typer.Option(False, "--models", help="Also delete downloaded model files."),
    config: bool = typer.Option(False, "--config", help="Also delete the config file."),
) -> None:
    """Erase everything pasi stores about you: the vault, its files and indexes."""
    from pasi.config import config_file_path
    from pasi.privacy.erase import erase as run_erase
    from pasi.privacy.erase import plan_erase
    from pasi.vault.keychain import forget_passphrase

    if not everything:
        raise InputError("say what to erase: `pasi erase --all` erases the whole vault")
    directory = vault_dir(state(ctx).settings())
    plan = plan_erase(directory, models=models, config=config_file_path() if config else None)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("erasing needs confirmation: run it in a terminal or add --yes")
        _say("This deletes, for good:\n  " + "\n  ".join(plan.describe()))
        typer.confirm("Erase everything listed?", abort=True)
    removed = run_erase(plan)
    forget_passphrase(directory)
    _say(f"erased {len(removed)} item(s) from {directory}")
