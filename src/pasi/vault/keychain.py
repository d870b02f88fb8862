"""The vault passphrase in the OS keyring (``keyring``), when the machine has one.

Entries are stored under the service ``pasi`` with the vault directory's absolute path as the
user name, so two vaults keep two passphrases. Without a usable backend (a server, a container)
reading finds nothing and saving says so plainly: the passphrase then comes from
``PASI_PASSPHRASE`` or the prompt.
"""

from __future__ import annotations

from pathlib import Path

from pasi.errors import VaultError

SERVICE = "pasi"


def _entry(directory: Path) -> str:
    return str(Path(directory).expanduser().resolve())


def keyring_backend() -> str | None:
    """The name of the usable keyring backend, or None when there is none."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return f"{type(backend).__module__}.{type(backend).__name__}"


def saved_passphrase(directory: Path) -> str | None:
    """The passphrase saved for this vault, or None (no entry, or no keyring at all)."""
    import keyring
    from keyring.errors import KeyringError

    if keyring_backend() is None:
        return None
    try:
        return keyring.get_password(SERVICE, _entry(directory))
    except KeyringError:
        return None


def save_passphrase(directory: Path, passphrase: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    if keyring_backend() is None:
        raise VaultError(
            "no OS keyring is available on this machine (keyring found no backend), so the "
            f"passphrase of {directory} was not saved; use PASI_PASSPHRASE or type it when asked"
        )
    try:
        keyring.set_password(SERVICE, _entry(directory), passphrase)
    except KeyringError as error:
        raise VaultError(f"the OS keyring refused to save the passphrase: {error}") from None


def forget_passphrase(directory: Path) -> bool:
    """Remove the saved passphrase; True when there was one."""
    import keyring
    from keyring.errors import KeyringError

    if keyring_backend() is None:
        return False
    try:
        keyring.delete_password(SERVICE, _entry(directory))
    except KeyringError:  # PasswordDeleteError: there was none
        return False
    return True
