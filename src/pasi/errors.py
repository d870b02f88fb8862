"""One exception hierarchy for pasi.

Every message is written for the person using pasi: it names the file, field or value that is
wrong and, where there is one, what to do about it. The CLI prints ``str(error)`` on one line
and exits non-zero; nothing else should be needed to understand the problem.
"""

from __future__ import annotations


class PasiError(Exception):
    """Base class: anything pasi raises on purpose."""

    exit_code = 1


class ConfigError(PasiError):
    """A setting, config file or model spec is invalid."""


class CharterError(ConfigError):
    """The user's charter file (charter.toml in the vault) cannot be read or a field is invalid."""


class VaultError(PasiError):
    """The vault directory or database cannot be used as asked."""


class VaultNotWritableError(VaultError):
    """The vault directory exists but this process may not write to it."""


class VaultVersionError(VaultError):
    """The vault was written by a newer pasi, so this one must not touch it."""


class VaultLockedError(VaultError):
    """The vault is encrypted and no passphrase was given (prompt, env or keyring)."""


class VaultPassphraseError(VaultError):
    """The passphrase does not open the encrypted vault (or encrypted file)."""


class InputError(PasiError):
    """Text or a value given by the user is unusable (empty, too large, not UTF-8...)."""

    exit_code = 2


class ImportFormatError(InputError):
    """A file given to ``pasi import`` does not match any format pasi reads."""


class NotFoundError(PasiError):
    """A memory, episode or source id that does not exist (or no longer exists)."""


class ModelError(PasiError):
    """A language model or embedder could not be used: its server, key, name, file or reply."""


class ModelUnreachableError(ModelError):
    """Nothing answers at the model server's URL (wrong URL, server down, offline)."""


class ModelAuthError(ModelError):
    """The model server refused the API key (missing, invalid or without access)."""


class ModelNotFoundError(ModelError):
    """The server, catalogue or disk has no model of that name or path."""


class ModelTimeoutError(ModelError):
    """The model did not answer within the configured timeout."""


class ModelOutputError(ModelError):
    """The model's reply could not be used (e.g. not JSON of the requested schema), even after retrying."""


class ModelCapabilityError(ModelError):
    """The model or its server does not support a feature pasi asked for (``feature``: e.g.
    "tools", "response_format"): a capability answer, remembered per server and model, not a
    fault to retry."""

    def __init__(self, message: str, feature: str) -> None:
        super().__init__(message)
        self.feature = feature


class ModelDownloadError(ModelError):
    """A model file could not be downloaded, or its checksum did not match."""


class ExtractionError(PasiError):
    """A model's reply could not be read as memories, even after repair and one retry.

    ``raw_output`` keeps what the model said, so the failure can be shown and re-run.
    """

    def __init__(self, message: str, *, raw_output: str | None = None) -> None:
        super().__init__(message)
        self.raw_output = raw_output


class DeliveryError(PasiError):
    """A notification channel could not deliver (a webhook's error, notify-send failing)."""
