"""Writing settings to the config file (``~/.config/pasi/config.toml`` or ``$PASI_CONFIG``).

tomlkit keeps the file as the person wrote it (comments, order, other settings); only the keys
given change. The file is replaced atomically (written beside it, then renamed) with mode 600,
since it may hold other secrets. An environment variable ``PASI_<NAME>`` still wins over the
file, as when pasi starts (docs/configuration.md): :func:`shadowed` names those.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pasi.config import config_file_path
from pasi.errors import ConfigError


def set_config(values: dict[str, object]) -> Path:
    """Set ``values`` (text, true/false, lists) in the config file (created if missing; None
    removes a key); returns its path."""
    import tomlkit

    path = config_file_path()
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        document = tomlkit.parse(text)
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    for key, value in values.items():
        if value is not None:
            document[key] = value
        elif key in document:
            del document[key]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomlkit.dumps(document))
        os.replace(temp, path)
    except OSError as error:
        raise ConfigError(f"cannot write config file {path}: {error}") from None
    return path


def shadowed(names: list[str]) -> list[str]:
    """The environment variables that override these settings over the config file."""
    return [f"PASI_{n.upper()}" for n in names if f"PASI_{n.upper()}" in os.environ]
