"""Settings: defaults < config file < environment (``PASI_*``) < command-line flags.

The config file is TOML at ``~/.config/pasi/config.toml`` (or ``$PASI_CONFIG``). Flags are
passed as keyword arguments to :class:`Settings`, which pydantic-settings ranks highest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pasi.errors import ConfigError, VaultError, VaultLockedError


def default_vault_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pasi"


def default_server_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pasi-server"


# A key setting whose value is this is read from the OS keyring (service "pasi", user
# "setting:NAME"), where the web app's Settings saves keys: the config file names the keyring,
# not the key. The keyring is only asked when a setting says so (loading it takes ~0.5 s).
KEYRING_REFERENCE = "keyring:"
KEYRING_SERVICE = "pasi"
# Where there is no OS keyring, Settings keeps keys in the encrypted vault (pasi.vault.secrets)
# and the config file says so with this value; the key is read once the vault's key is at hand.
VAULT_REFERENCE = "vault:"
KEY_SETTINGS = ("openai_api_key", "model_api_key")


def keyring_secret(name: str) -> str | None:
    """The key saved in the OS keyring for the setting ``name``, or None."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, f"setting:{name}")
    except KeyringError:
        return None


def config_file_path() -> Path:
    explicit = os.environ.get("PASI_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pasi" / "config.toml"


class Settings(BaseSettings):
    """Everything a user can configure. Every field is documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="PASI_", extra="forbid")

    vault: Path = Field(
        default_factory=default_vault_dir,
        description="Directory holding the vault (the SQLite database and its files).",
    )
    passphrase: SecretStr | None = Field(
        default=None,
        description="Passphrase of an encrypted vault (set PASI_PASSPHRASE; docs/privacy.md).",
    )
    embedder: str = Field(
        default="wordllama",
        description="Embedding backend: 'wordllama' (embedded, offline) or 'none' (lexical only).",
    )
    model: str = Field(
        default="auto",
        description=(
            "Chat model spec (docs/models.md): 'auto' picks Ollama, OpenAI or a GGUF in the "
            "vault's models folder; 'none' runs without a language model (retrieval answers)."
        ),
    )
    fast_model: str = Field(default="", description="Spec of the fast tier (default: 'model').")
    strong_model: str = Field(default="", description="Spec of the strong tier (default: 'model').")
    ollama_url: str = Field(
        default="http://127.0.0.1:11434/v1", description="Ollama's OpenAI-compatible URL."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="Key for openai: specs (default: $OPENAI_API_KEY)."
    )
    model_api_key: SecretStr | None = Field(
        default=None, description="Key sent to openai-compatible: servers that need one."
    )
    model_timeout: float = Field(
        default=60.0, gt=0, le=3600, description="Seconds to wait for a model server's answer."
    )
    model_retries: int = Field(
        default=2, ge=0, le=10, description="Retries on 429/5xx answers and dropped connections."
    )
    model_max_tokens: int = Field(
        default=512,
        ge=16,
        le=131072,
        description="Token cap of every model call that sets none (a reply, a tool round).",
    )
    model_temperature: float | None = Field(
        default=None,
        ge=0,
        le=2,
        description="Sampling temperature of model calls that set none (unset: the backend's "
        "default); 0 makes a local model's answers repeatable.",
    )
    tool_mode: Literal["auto", "native", "prompt"] = Field(
        default="auto",
        description=(
            "How tools reach the chat model: 'native' (the API's tools), 'prompt' (described in "
            "the system message, calls read from the text), 'auto' (native; prompt once refused)."
        ),
    )
    tool_offer: Literal["relevant", "all"] = Field(
        default="relevant",
        description="Which tools a turn offers the model: 'relevant' (those the message may "
        "need: fewer tokens, fewer stray calls from small models) or 'all'.",
    )
    turn_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="Deadline of a chat turn; then the answer so far, with a note.",
    )
    recall_k: int = Field(default=5, ge=1, le=200, description="Default number of results.")
    ingest_max_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        description="Largest file `pasi ingest`/`sync` reads (and largest a .docx may expand to).",
    )
    context_tokens: int = Field(
        default=2000,
        ge=500,  # the instructions and block headers alone take ~350
        le=1_000_000,
        description="Token budget of the context pasi assembles for the chat model per turn.",
    )
    safety_model: str = Field(
        default="",
        description=(
            "Llama Guard model spec for the content policy's input and output checks "
            "(docs/privacy.md#safety); '' uses pasi's local rules."
        ),
    )
    safety_similarity: bool = Field(
        default=True,
        description=(
            "Without a safety_model, also flag messages close in meaning (WordLlama) to "
            "unsafe exemplars and not to safe look-alikes (docs/privacy.md#safety)."
        ),
    )
    safety_judge: Literal["confirm", "either", "model", "off"] = Field(
        default="confirm",
        description=(
            "Without a safety_model, how a local chat model's answer to Llama Guard's prompt "
            "joins the offline check: confirm (it confirms or clears what only the similarity "
            "signal flagged), either, model or off (docs/privacy.md#safety)."
        ),
    )
    notify_desktop: bool = Field(
        default=True,
        description="Send reminders as desktop notifications too, when notify-send is installed.",
    )
    notify_webhook: str = Field(
        default="",
        description="URL that receives each reminder as an HTTP POST of JSON ('' = no webhook).",
    )
    matrix_allow: list[str] = Field(
        default_factory=list,
        description="Matrix IDs (e.g. '@me:example.org') pasi's Matrix bot answers and accepts "
        "invites from; everyone else is ignored and logged (docs/messaging.md).",
    )
    notify_matrix: bool = Field(
        default=True,
        description="Send reminders as Matrix messages too, once `pasi matrix login` was run "
        "and 'matrix_allow' names someone.",
    )
    matrix_serve: bool = Field(
        default=False,
        description="Run the Matrix bridge inside `pasi serve`, one per user whose vault has a "
        "Matrix account (instead of a separate `pasi matrix run`).",
    )
    matrix_voice_replies: bool = Field(
        default=False,
        description="Answer every Matrix message by voice too (a voice message after the text, "
        "spoken by 'tts'); otherwise only voice messages and messages asking for it are.",
    )
    server_home: Path = Field(
        default_factory=default_server_home,
        description="Directory of `pasi serve`: its users, token hashes and users' vaults.",
    )
    server_host: str = Field(default="127.0.0.1", description="Address `pasi serve` binds.")
    server_port: int = Field(default=8765, ge=1, le=65535, description="Port `pasi serve` binds.")
    server_max_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1024,
        description="Largest request body the server accepts (larger ones get 413).",
    )

    vision_model: str = Field(
        default="",
        description="Spec of a vision-capable model that captions images ('' = none: OCR only).",
    )
    ocr_languages: str = Field(
        default="eng", description="Tesseract languages for text in images, e.g. 'eng+deu'."
    )
    stt: str = Field(
        default="auto",
        description="Speech to text: 'auto' (Whisper when pulled, else pocketsphinx), "
        "'faster-whisper[:FOLDER][#LANG]', 'pocketsphinx' or 'openai-compatible:URL#MODEL'.",
    )
    whisper_beam: int = Field(
        default=5,
        ge=1,
        le=10,
        description="Whisper's beam search width (1 = greedy: faster, about a quarter more errors).",
    )
    tts: str = Field(
        default="espeak-ng",
        description="Text to speech: 'espeak-ng' or 'openai-compatible:URL#MODEL[#VOICE]'.",
    )
    voice_wake_phrase: str = Field(
        default="", description="`pasi voice` answers only utterances starting with it ('' = all)."
    )

    remote_hosts: list[str] = Field(
        default_factory=list,
        description="Model hosts (HOST or HOST:PORT) treated as remote even on loopback.",
    )
    phone_regions: list[str] = Field(
        default_factory=lambda: ["US", "GB", "DE", "FR", "IN"],
        description="Regions whose national phone formats the privacy gateway recognises.",
    )

    @field_validator("openai_api_key", "model_api_key")
    @classmethod
    def _key_from_keyring(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None or value.get_secret_value() != KEYRING_REFERENCE:
            return value
        found = keyring_secret(str(info.field_name))
        if not found:
            raise ValueError(
                "it is kept in the OS keyring, but the keyring holds no such key (or this "
                "machine has no keyring): save it again in the web app's Settings"
            )
        return SecretStr(found)

    @model_validator(mode="after")
    def _keys_from_vault(self) -> Settings:
        """Read the keys kept in the encrypted vault; when its passphrase is not at hand yet
        (it will be asked for), the reference stays and :func:`with_vault_keys` reads them once
        the vault is open."""
        for name in KEY_SETTINGS:
            value = getattr(self, name)
            if value is None or value.get_secret_value() != VAULT_REFERENCE:
                continue
            from pasi.vault.secrets import stored_secret  # only when a setting says "vault:"

            passphrase = self.passphrase.get_secret_value() if self.passphrase else None
            try:
                found = stored_secret(self.vault, passphrase, name)
            except VaultLockedError:
                continue
            except VaultError as error:
                raise ConfigError(vault_key_missing(name, str(error))) from None
            if not found:
                raise ConfigError(vault_key_missing(name, "the vault holds no such key"))
            setattr(self, name, SecretStr(found))
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file_path())
        return (init_settings, env_settings, toml)


def vault_key_missing(name: str, why: str) -> str:
    return (
        f"the setting '{name}' is kept in the encrypted vault ({name} = \"vault:\" in "
        f"{config_file_path()}), but {why}: save it again in the web app's Settings"
    )


def with_vault_keys(settings: Settings, read: Callable[[str], str | None]) -> Settings:
    """``settings`` with the keys still named ``vault:`` read by ``read(name)`` (the open
    vault's secret store), for a vault whose passphrase came after the settings were loaded."""
    found: dict[str, SecretStr] = {}
    for name in KEY_SETTINGS:
        value = getattr(settings, name)
        if value is not None and value.get_secret_value() == VAULT_REFERENCE:
            key = read(name)
            if not key:
                raise ConfigError(vault_key_missing(name, "the vault holds no such key"))
            found[name] = SecretStr(key)
    return settings.model_copy(update=found) if found else settings


# Settings that no longer exist, and why: a config file that still names one gets this answer.
RETIRED = {
    "llamacpp_chat_format": "llama.cpp now always uses the GGUF's own chat template, which "
    "also carries tool calls",
}


def load_settings(**flags: Any) -> Settings:
    """Build settings, turning pydantic's errors into one readable line."""
    given = {key: value for key, value in flags.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        if field in RETIRED:
            raise ConfigError(
                f"the setting '{field}' is gone: {RETIRED[field]}; delete it from "
                f"{config_file_path()}"
            ) from None
        raise ConfigError(
            f"invalid setting '{field}': {first['msg']} (check {config_file_path()}, "
            f"PASI_{field.upper()} and your flags)"
        ) from None
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read config file {config_file_path()}: {error}") from None
