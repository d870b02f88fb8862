"""Settings: which model backends are in effect, a connection test, and the user's profile.

Secrets never leave the server: keys are reported only as set or not, and credentials in a
URL are cut out. The connection test sends one short request to a model, with a short
timeout and no retries, and reports what came back or the error as the backend worded it.
"""

from __future__ import annotations

import time
import tomllib
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from pasi.config import Settings
from pasi.errors import ConfigError, PasiError
from pasi.life.charter import charter_text, load_charter, set_charter_field
from pasi.models.registry import (
    OPENAI_URL,
    ModelSpec,
    build_model,
    parse_spec,
    resolve,
    tier_settings,
)
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import FieldError
from pasi.server.rest.keys import key_store
from pasi.server.rest.schemas import ERRORS, MemoryOut
from pasi.server.rest.sources import upload_limit
from pasi.server.users import LOCAL_USER
from pasi.vault import memories as mem
from pasi.vault.records import MEMORY_KINDS

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)

TEST_TIMEOUT = 20.0  # seconds: a connection test should answer or fail while the user waits
TEST_PROMPT = "Reply with the single word: ok"
PROFILE_MEMORIES = 50


class TierOut(BaseModel):
    tier: str = Field(description="'fast' (extraction) or 'strong' (answers).")
    setting: str = Field(description="The setting the spec comes from.")
    spec: str = Field(description="The spec as configured ('auto', 'none' or backend:name).")
    resolved: str | None = Field(description="What it resolves to now, and why for 'auto'.")
    local: bool | None = Field(description="Runs on this machine (None: no model).")
    error: str | None = None


class SettingsOut(BaseModel):
    tiers: list[TierOut]
    model: str
    fast_model: str
    strong_model: str
    embedder: str
    ollama_url: str
    openai_api_key_set: bool
    model_api_key_set: bool
    model_timeout: float
    model_retries: int
    context_tokens: int
    recall_k: int
    upload_max_bytes: int = Field(description="Largest file the web app may upload.")
    erase_available: bool = Field(description="Whether POST /api/erase works on this server.")
    key_store: str | None = Field(
        default=None,
        description="Where a key saved in Settings is kept: the OS keyring backend, 'the "
        "encrypted vault', or None (neither exists, so saving a key is refused).",
    )


class TestModelIn(BaseModel):
    spec: str | None = Field(
        default=None, max_length=2000,
        description="A model spec (docs/models.md); default: the tier's configured model.",
    )  # fmt: skip
    tier: Literal["fast", "strong"] = "strong"


class TestModelOut(BaseModel):
    ok: bool
    spec: str | None
    model: str | None
    local: bool | None
    elapsed_ms: float | None
    reply: str | None
    error: str | None = Field(description="Why the test failed, as the backend said it.")


class ProfileOut(BaseModel):
    name: str = Field(description="The user this token belongs to.")
    time_zone: str = Field(description="The zone pasi uses for this user (IANA name).")
    time_zone_setting: str = Field(description="The charter's 'timezone' ('' = the machine's).")
    memories: list[MemoryOut] = Field(description="What pasi knows about the user.")


class ProfileIn(BaseModel):
    time_zone: str = Field(max_length=100, description="An IANA name such as 'Europe/Berlin'.")


def redact_url(url: str) -> str:
    """A URL without user name, password or query (where keys sometimes hide)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port:
            netloc += f":{parts.port}"
    except ValueError:
        return "(not a valid URL)"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def show_spec(spec: ModelSpec | None) -> str | None:
    if spec is None:
        return None
    if spec.base_url:
        return str(ModelSpec(spec.backend, spec.name, redact_url(spec.base_url)))
    return str(spec)


def spec_is_local(spec: ModelSpec | None, settings: Settings) -> bool | None:
    from pasi.models.locality import url_is_local

    if spec is None:
        return None
    if spec.backend == "llamacpp":
        return True
    return url_is_local(_server_url(spec, settings), settings.remote_hosts)


def _server_url(spec: ModelSpec, settings: Settings) -> str:
    """Where a server backend's requests go."""
    return {"ollama": settings.ollama_url, "openai": OPENAI_URL}.get(
        spec.backend, spec.base_url or ""
    )


def _tier(tier: str, setting: str, text: str, settings: Settings) -> TierOut:
    shown = show_spec(parse_spec(text)) if text.strip().lower() != "auto" else "auto"
    try:
        choice = resolve(text, settings, setting)
    except PasiError as error:
        return TierOut(tier=tier, setting=setting, spec=shown or "none", resolved=None,
                       local=None, error=str(error))  # fmt: skip
    resolved = show_spec(choice.spec) or "none"
    return TierOut(
        tier=tier, setting=setting, spec=shown or "none",
        resolved=f"{resolved} ({choice.reason})" if choice.reason else resolved,
        local=spec_is_local(choice.spec, settings),
    )  # fmt: skip


@router.get("/settings", response_model=SettingsOut)
def read_settings(user: CurrentUser, request: Request) -> SettingsOut:
    """The model backends and limits in effect for this user (never a key or password)."""
    s = user.pasi.settings
    (fast_setting, fast), (strong_setting, strong) = tier_settings(s)

    def safe_spec(text: str) -> str:
        try:
            return (
                text
                if text.strip().lower() in ("", "auto")
                else show_spec(parse_spec(text)) or "none"
            )
        except ConfigError:
            return "(invalid spec)"

    return SettingsOut(
        tiers=[_tier("fast", fast_setting, fast, s), _tier("strong", strong_setting, strong, s)],
        model=safe_spec(s.model), fast_model=safe_spec(s.fast_model),
        strong_model=safe_spec(s.strong_model), embedder=s.embedder,
        ollama_url=redact_url(s.ollama_url), openai_api_key_set=s.openai_api_key is not None,
        model_api_key_set=s.model_api_key is not None, model_timeout=s.model_timeout,
        model_retries=s.model_retries, context_tokens=s.context_tokens, recall_k=s.recall_k,
        upload_max_bytes=upload_limit(s),
        erase_available=callable(getattr(request.app.state.sessions, "release", None)),
        key_store=key_store(user),
    )  # fmt: skip


@router.post("/settings/test-model", response_model=TestModelOut)
def test_model(user: CurrentUser, body: TestModelIn) -> TestModelOut:
    """Send one short request to a model; ``ok`` false with the backend's error when it fails.

    A spec the settings do not name is tested only when its server is on this machine (a
    loopback address), or for the server's own user ``local``: no other token holder can make
    the server send requests to hosts of their choosing (or spend its API key)."""
    settings = user.pasi.settings
    spec = _spec_to_test(body, settings, owner=user.name == LOCAL_USER)
    if spec is None:
        return TestModelOut(ok=False, spec=None, model=None, local=None, elapsed_ms=None,
                            reply=None, error="no model is configured for this tier")  # fmt: skip
    quick = settings.model_copy(
        update={"model_timeout": min(settings.model_timeout, TEST_TIMEOUT), "model_retries": 0}
    )
    from pasi.models.chat import ChatRequest, Message

    shown, local = show_spec(spec), spec_is_local(spec, settings)
    started = time.perf_counter()
    try:
        model = build_model(spec, quick)
        completion = model.complete(ChatRequest([Message("user", TEST_PROMPT)], max_tokens=16))
    except Exception as error:  # any backend failure is the answer to "does it work?"
        message = str(error) if isinstance(error, PasiError) else f"{type(error).__name__}: {error}"
        return TestModelOut(ok=False, spec=shown, model=None, local=local, elapsed_ms=None,
                            reply=None, error=_without_secrets(message, settings, spec))  # fmt: skip
    elapsed = (time.perf_counter() - started) * 1000
    return TestModelOut(ok=True, spec=shown, model=model.name, local=local,
                        elapsed_ms=round(elapsed, 1), reply=" ".join(completion.text.split()),
                        error=None)  # fmt: skip


def _without_secrets(message: str, settings: Settings, spec: ModelSpec) -> str:
    """A backend's error with any URL credentials cut out (errors often quote the URL)."""
    for url in (spec.base_url, settings.ollama_url):
        if url:
            message = message.replace(url, redact_url(url))
    for secret in (settings.model_api_key, settings.openai_api_key):
        if secret is not None and secret.get_secret_value():
            message = message.replace(secret.get_secret_value(), "***")
    return " ".join(message.split())


def _spec_to_test(body: TestModelIn, settings: Settings, *, owner: bool) -> ModelSpec | None:
    """The spec to test. A llama.cpp file must be one already configured: a client may not
    make the server load an arbitrary file from its disk. Another spec must be configured or
    served on this machine, unless the server's owner asks."""
    (fast_setting, fast), (strong_setting, strong) = tier_settings(settings)
    if body.spec is None or not body.spec.strip():
        setting, text = (fast_setting, fast) if body.tier == "fast" else (strong_setting, strong)
        return resolve(text, settings, setting).spec
    try:
        spec = resolve(body.spec, settings, "spec").spec
    except ConfigError as error:
        raise FieldError(str(error), param="spec") from None
    if spec is not None and spec.backend == "llamacpp":
        configured = {str(parse_spec(t)) for t in (fast, strong) if t.strip().lower() != "auto"}
        if str(spec) not in configured:
            raise FieldError(
                f"'{body.spec}' is not a configured model: the connection test loads a GGUF "
                "file only when a setting names it", param="spec",
            )  # fmt: skip
    elif spec is not None and not owner and not _configured_or_loopback(spec, settings):
        raise FieldError(
            f"'{body.spec}' is not a configured model and its server is not on this machine: "
            "only the server's own user ('local') may test other hosts", param="spec",
        )  # fmt: skip
    return spec


def _configured_or_loopback(spec: ModelSpec, settings: Settings) -> bool:
    """Named by a model setting, or its server's address is loopback (written as such: a
    host name is not looked up, so DNS cannot point it elsewhere)."""
    from ipaddress import ip_address

    named = (settings.model, settings.fast_model, settings.strong_model)
    if str(spec) in {str(parse_spec(t)) for t in named if t.strip().lower() != "auto"}:
        return True
    try:
        host = (urlsplit(_server_url(spec, settings)).hostname or "").lower()
        return host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        return False


@router.get("/profile", response_model=ProfileOut)
def read_profile(user: CurrentUser) -> ProfileOut:
    """The user's name, time zone (from the charter) and what pasi knows about them."""
    return _profile(user.name, user.pasi)


@router.put("/profile", response_model=ProfileOut)
def update_profile(user: CurrentUser, body: ProfileIn) -> ProfileOut:
    """Set the user's time zone (the charter's 'timezone'; '' = this machine's zone)."""
    set_charter_field(user.pasi.vault.directory, "timezone", body.time_zone.strip())
    return _profile(user.name, user.pasi)


def _profile(name: str, pasi) -> ProfileOut:
    charter = load_charter(pasi.vault.directory)
    raw = tomllib.loads(charter_text(pasi.vault.directory))  # decrypted in an encrypted vault
    known = mem.profile_memories(pasi.vault.read(), "user", MEMORY_KINDS, PROFILE_MEMORIES)
    return ProfileOut(
        name=name, time_zone=charter.timezone.key, time_zone_setting=str(raw.get("timezone", "")),
        memories=[MemoryOut.of(m) for m in known],
    )  # fmt: skip
