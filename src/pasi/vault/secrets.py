"""Keys kept inside an encrypted vault: the fallback when the machine has no OS keyring.

A model key saved in the web app's Settings goes to the OS keyring when there is one; on a
server or in a container there is none, and an encrypted vault is the other place that is not
plaintext on disk. The keys are one vault file, ``secrets.json``, sealed with AES-256-GCM
under the vault's key like every vault file (pasi.vault.files), so they are as private as the
database and change key with ``pasi vault rekey``. A plain vault holds no keys: writing one
there is refused, and decrypting a vault (``pasi vault decrypt``) removes them rather than
leave them in plaintext. The config file then names the vault (``NAME = "vault:"``), never
the key, and pasi.config reads it back when pasi starts.
"""

from __future__ import annotations

import json
from pathlib import Path

from pasi.errors import VaultError, VaultLockedError
from pasi.vault.files import VaultFiles

SECRETS_FILE = "secrets.json"


class SecretStore:
    """Named keys in one sealed vault file; only an encrypted vault has any."""

    def __init__(self, files: VaultFiles) -> None:
        self.files = files

    @property
    def usable(self) -> bool:
        """Whether keys can be kept here: only in an encrypted vault."""
        return self.files.key is not None

    def get(self, name: str) -> str | None:
        value = self._all().get(name)
        return value if isinstance(value, str) and value else None

    def set(self, name: str, value: str) -> None:
        if not self.usable:
            raise VaultError(
                f"the vault {self.files.directory} is not encrypted, so it keeps no keys: "
                "a key there would be plaintext on disk"
            )
        keys = self._all()
        keys[name] = value
        self.files.write_text(SECRETS_FILE, json.dumps(keys, sort_keys=True))

    def delete(self, name: str) -> bool:
        keys = self._all()
        if name not in keys:
            return False
        del keys[name]
        if keys:
            self.files.write_text(SECRETS_FILE, json.dumps(keys, sort_keys=True))
        else:
            self.files.delete(SECRETS_FILE)
        return True

    def names(self) -> list[str]:
        return sorted(self._all())

    def _all(self) -> dict[str, str]:
        if not self.usable or not self.files.exists(SECRETS_FILE):
            return {}
        try:
            data = json.loads(self.files.read_text(SECRETS_FILE))
        except ValueError as error:
            raise VaultError(f"{self.files.path(SECRETS_FILE)} is damaged: {error}") from None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def stored_secret(directory: Path, passphrase: str | None, name: str) -> str | None:
    """The key ``name`` kept in the vault at ``directory`` (open in this process or not).

    Raises :class:`VaultLockedError` when the vault is encrypted and no passphrase is at hand,
    and :class:`VaultError` when it is not encrypted (it keeps no keys).
    """
    from pasi.vault.sqlite import vault_files, vault_key

    directory = Path(directory).expanduser()
    try:
        files = vault_files(directory)
    except VaultLockedError:
        files = VaultFiles(directory, vault_key(directory, passphrase))
    store = SecretStore(files)
    if not store.usable:
        raise VaultError(f"the vault {directory} is not encrypted, so it keeps no keys")
    return store.get(name)
