"""``pasi erase --all``: the vault and everything pasi derived from it, gone from the disk.

Everything in the vault directory goes: the database and its ``-wal``/``-shm``/journal files,
the search index inside it, vault files (the charter, attachments), unfinished conversions.
Model files the user downloaded into ``models/`` are public weights, not personal data, so they
stay unless asked for; the config file stays unless asked for. Files are unlinked, not
overwritten: on SSDs and copy-on-write file systems overwriting does not reach the old blocks,
which is one more reason to encrypt the vault (docs/privacy.md).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pasi.errors import InputError, VaultError

DB_FILE = "vault.db"
MODELS_DIR = "models"


@dataclass
class ErasePlan:
    directory: Path
    paths: list[Path] = field(default_factory=list)  # files and folders to remove, top level
    config: Path | None = None

    def describe(self) -> list[str]:
        shown = [str(p) + ("/" if p.is_dir() else "") for p in self.paths]
        return shown + ([str(self.config)] if self.config else [])


def plan_erase(directory: Path, *, models: bool, config: Path | None) -> ErasePlan:
    """What ``erase`` would remove; refuses a directory that holds no pasi vault."""
    directory = directory.expanduser()
    if not directory.is_dir():
        raise InputError(f"there is no vault at {directory}: nothing to erase")
    if not (directory / DB_FILE).exists() and not (directory / MODELS_DIR).is_dir():
        raise InputError(
            f"{directory} holds no pasi vault ({DB_FILE} is missing), so nothing was erased; "
            "check --vault or PASI_VAULT"
        )
    paths = sorted(p for p in directory.iterdir() if models or p.name != MODELS_DIR)
    kept_config = config if config is not None and config.exists() else None
    return ErasePlan(directory, paths, kept_config)


def erase(plan: ErasePlan) -> list[Path]:
    """Remove what the plan lists; the vault directory itself goes when nothing is left."""
    removed = []
    try:
        for path in plan.paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        if plan.config is not None:
            plan.config.unlink(missing_ok=True)
            removed.append(plan.config)
    except OSError as error:
        raise VaultError(
            f"erasing stopped at {error.filename}: {error.strerror}; run it again once fixed"
        ) from None
    if not any(plan.directory.iterdir()):
        plan.directory.rmdir()
    return removed
