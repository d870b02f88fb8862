"""Which models pasi uses: spec strings, the automatic choice, and the fast and strong tiers.

A spec names a backend and a model: ``ollama:llama3.2``, ``openai:gpt-4o-mini``,
``openai-compatible:http://host:8000/v1#model``, ``llamacpp:/path/model.gguf``, ``none``, or
``auto``. Nothing here imports a backend or touches the network until :func:`load_models`
is called, and the backends themselves connect or load weights on their first request.

``auto`` tries, in order: an Ollama server answering on its URL (one quick probe, 300 ms at
most, so a machine without Ollama does not wait), an OpenAI key, a GGUF in the vault's
``models/`` folder, else no model; and says which it chose and why.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pasi.config import VAULT_REFERENCE
from pasi.errors import ConfigError, ModelAuthError, ModelNotFoundError

if TYPE_CHECKING:
    from pasi.config import Settings
    from pasi.models.chat import ChatModel
    from pasi.models.embedder import Embedder

BACKENDS = ("ollama", "openai", "openai-compatible", "llamacpp")
OPENAI_URL = "https://api.openai.com/v1"
OPENAI_DEFAULT = "gpt-4o-mini"
PROBE_TIMEOUT = 0.3
SPEC_HELP = (
    "use ollama:NAME, openai:NAME, openai-compatible:URL#NAME, llamacpp:PATH.gguf, auto or none"
)


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec: ``name`` is the model's name, or the GGUF path for ``llamacpp``."""

    backend: str
    name: str
    base_url: str | None = None

    def __str__(self) -> str:
        if self.backend == "openai-compatible":
            return f"{self.backend}:{self.base_url}#{self.name}"
        return f"{self.backend}:{self.name}"


@dataclass(frozen=True)
class Choice:
    """The spec a setting resolved to (None: no model) and, for ``auto``, why."""

    spec: ModelSpec | None
    reason: str = ""

    def describe(self) -> str:
        shown = str(self.spec) if self.spec else "none"
        return f"{shown} ({self.reason})" if self.reason else shown


@dataclass(frozen=True)
class Models:
    """The chat models of the two tiers (either may be None) and a sentence saying which."""

    fast: ChatModel | None
    strong: ChatModel | None
    chosen: str


def parse_spec(text: str, setting: str = "model") -> ModelSpec | None:
    """A spec string as a :class:`ModelSpec`; None for ``none``. ``auto`` is not a spec."""
    raw = text.strip()
    if raw.lower() in ("", "none"):
        return None
    backend, sep, rest = raw.partition(":")
    backend, rest = backend.strip().lower(), rest.strip()
    if not sep or backend not in BACKENDS or not rest:
        raise _bad_spec(text, setting, "")
    if backend != "openai-compatible":
        return ModelSpec(backend, rest)
    url, hash_sign, name = rest.partition("#")
    if not url.startswith(("http://", "https://")) or not hash_sign or not name.strip():
        raise _bad_spec(text, setting, " (openai-compatible needs http(s)://HOST:PORT/v1#MODEL)")
    return ModelSpec(backend, name.strip(), url.rstrip("/"))


def _bad_spec(text: str, setting: str, hint: str) -> ConfigError:
    return ConfigError(f"invalid model spec '{text}' in setting '{setting}'{hint}: {SPEC_HELP}")


def tier_settings(settings: Settings) -> tuple[tuple[str, str], tuple[str, str]]:
    """(setting name, spec text) for the fast and the strong tier.

    A tier's own setting wins; then ``model`` unless it is ``auto``; then the other tier's
    setting (one set tier fills the other); then ``model`` (``auto``).
    """
    model = ("model", settings.model)
    explicit = settings.model.strip().lower() != "auto"
    fast = ("fast_model", settings.fast_model.strip())
    strong = ("strong_model", settings.strong_model.strip())

    def pick(own: tuple[str, str], other: tuple[str, str]) -> tuple[str, str]:
        if own[1]:
            return own
        if explicit or not other[1]:
            return model
        return other

    return pick(fast, strong), pick(strong, fast)


def resolve(text: str, settings: Settings, setting: str = "model") -> Choice:
    """The spec a setting names, running the automatic choice for ``auto``."""
    if text.strip().lower() == "auto":
        return choose_auto(settings)
    return Choice(parse_spec(text, setting))


def load_models(settings: Settings) -> Models:
    """Both tiers, built from the settings; the same spec gives one shared model object."""
    tiers = tier_settings(settings)
    built: dict[str, tuple[Choice, ChatModel | None]] = {}
    for setting, text in tiers:
        if _key(text) not in built:
            choice = resolve(text, settings, setting)
            model = build_model(choice.spec, settings) if choice.spec else None
            built[_key(text)] = (choice, model)
    (fast_choice, fast), (strong_choice, strong) = (built[_key(text)] for _, text in tiers)
    if fast_choice == strong_choice:
        chosen = fast_choice.describe()
    else:
        chosen = f"fast: {fast_choice.describe()}; strong: {strong_choice.describe()}"
    return Models(fast, strong, chosen)


def _key(text: str) -> str:
    """Spec texts that name the same model: ``auto`` in any case is one automatic choice."""
    stripped = text.strip()
    return stripped.lower() if stripped.lower() in ("auto", "none", "") else stripped


def models_dir(settings: Settings) -> Path:
    """The vault's ``models/`` folder, where ``pasi models pull`` puts GGUF files."""
    return Path(settings.vault).expanduser() / "models"


def local_ggufs(folder: Path) -> list[Path]:
    """GGUF files in ``folder``, by name (partial downloads excluded)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.gguf") if path.is_file())


def gguf_path(name: str, settings: Settings) -> Path:
    """A ``llamacpp:`` model path: as given, or a bare file name in the vault's models folder."""
    path = Path(name).expanduser()
    if path.is_file() or len(path.parts) > 1:
        return path
    return models_dir(settings) / name


def build_model(spec: ModelSpec, settings: Settings) -> ChatModel:
    """The backend for a spec, bounded (pasi.models.bounds: a token cap on every call, a stop
    on a degenerate loop, the temperature setting), with tool calls written as text read as
    calls (setting ``tool_mode``, pasi.models.tool_text). No import of ``openai`` or
    ``xllamacpp`` happens here."""
    from pasi.models.bounds import Bounded
    from pasi.models.tool_text import TextToolCalls

    bounded = Bounded(
        _backend(spec, settings),
        max_tokens=settings.model_max_tokens,
        temperature=settings.model_temperature,
    )
    return TextToolCalls(bounded, settings.tool_mode)


def _backend(spec: ModelSpec, settings: Settings) -> ChatModel:
    if spec.backend == "llamacpp":
        from pasi.models.llamacpp import LlamaCppModel

        path = _existing_gguf(spec.name, settings)
        return LlamaCppModel(path)
    from pasi.models.openai_compat import OpenAICompatModel

    return OpenAICompatModel(
        spec.name,
        provider(spec, settings),
        label=spec.backend,
        remote_hosts=tuple(settings.remote_hosts),
    )


def build_embedder(spec: ModelSpec, settings: Settings) -> Embedder:
    """An embedder for a spec: ``/v1/embeddings`` of a server, or a GGUF in process."""
    if spec.backend == "llamacpp":
        from pasi.models.llamacpp import LlamaCppEmbedder

        return LlamaCppEmbedder(_existing_gguf(spec.name, settings))
    from pasi.models.openai_compat import OpenAIEmbedder

    return OpenAIEmbedder(spec.name, provider(spec, settings), label=spec.backend)


def _existing_gguf(name: str, settings: Settings) -> Path:
    path = gguf_path(name, settings)
    if not path.is_file():
        raise ModelNotFoundError(
            f"no GGUF model file at {path} (from spec 'llamacpp:{name}'); "
            "`pasi models list` shows the files pasi found"
        )
    return path


def provider(spec: ModelSpec, settings: Settings):  # -> openai_compat.Provider
    """URL, key, timeout and retries for a server backend."""
    from pasi.models.openai_compat import Provider

    if spec.backend == "ollama":
        url, key = settings.ollama_url.rstrip("/"), "ollama"
    elif spec.backend == "openai":
        url, key = OPENAI_URL, openai_key(settings)
        if not key:
            raise ModelAuthError(
                f"model '{spec}' needs an OpenAI API key: set the environment variable "
                "OPENAI_API_KEY or the setting 'openai_api_key'"
            )
    else:
        url = spec.base_url or ""
        key = _secret(settings.model_api_key)
    return Provider(url, key, settings.model_timeout, settings.model_retries)


def openai_key(settings: Settings) -> str | None:
    return _secret(settings.openai_api_key) or os.environ.get("OPENAI_API_KEY") or None


def _secret(value: object) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    text = str(getter() if getter else value)
    if text == VAULT_REFERENCE:  # never send the reference itself as a key
        raise ConfigError(
            "a model key is kept in the encrypted vault, which is not open yet: give its "
            "passphrase (PASI_PASSPHRASE) so pasi can read the key"
        )
    return text or None


def choose_auto(settings: Settings) -> Choice:
    """Ollama on its URL, else an OpenAI key, else a GGUF in the vault, else no model."""
    root = ollama_root(settings.ollama_url)
    names = probe_ollama(settings.ollama_url)
    if names:
        reason = f"auto: an Ollama server answers at {root}; its first model"
        return Choice(ModelSpec("ollama", names[0]), reason)
    if openai_key(settings):
        return Choice(ModelSpec("openai", OPENAI_DEFAULT), "auto: an OpenAI API key is set")
    folder = models_dir(settings)
    ggufs = local_ggufs(folder)
    if ggufs:
        return Choice(ModelSpec("llamacpp", str(ggufs[0])), f"auto: the first GGUF in {folder}")
    why = "no models" if names == [] else "nothing answers"
    return Choice(
        None,
        f"auto: {why} at Ollama's {root}, no OPENAI_API_KEY, no GGUF in {folder}",
    )


def ollama_root(url: str) -> str:
    root = url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def probe_ollama(url: str, timeout: float = PROBE_TIMEOUT) -> list[str] | None:
    """Model names of an Ollama (or OpenAI-compatible) server at ``url``; None if none answers.

    A refused or timed-out connection ends the probe at once; only an HTTP answer (a server
    is there) is worth a second question on the OpenAI-style path.
    """
    root = ollama_root(url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    for path, listing, field in (("/api/tags", "models", "name"), ("/v1/models", "data", "id")):
        try:
            with opener.open(root + path, timeout=timeout) as response:
                data = json.loads(response.read(1_000_000))
        except urllib.error.HTTPError:
            continue
        except (OSError, ValueError):
            return None
        entries = data.get(listing) if isinstance(data, dict) else None
        if isinstance(entries, list):
            return [str(e[field]) for e in entries if isinstance(e, dict) and e.get(field)]
    return None
