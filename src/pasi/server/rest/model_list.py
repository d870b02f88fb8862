"""The models the configured servers offer, for Settings: pick one and test it.

Only servers the settings already name are asked (Ollama's ``ollama_url`` and the base URL of
each ``openai-compatible`` spec), with the same short probe as ``auto`` uses: a client cannot
make the server reach a host of its choosing. Nothing is saved here; a chosen model is set in
the config file (docs/configuration.md) after ``POST /api/settings/test-model`` says it works.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.config import Settings
from pasi.errors import ConfigError
from pasi.models.registry import ModelSpec, parse_spec, probe_ollama, tier_settings
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS
from pasi.server.rest.settings import redact_url

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)


class ServerModelsOut(BaseModel):
    server: str = Field(description="'ollama' or the openai-compatible base URL (no secrets).")
    url: str
    answered: bool = Field(description="False: nothing answered there (not running, refused).")
    specs: list[str] = Field(description="Model specs to test or to put in the config file.")


def _compatible_urls(settings: Settings) -> list[str]:
    """The base URLs of the openai-compatible specs the model settings name, once each."""
    urls: list[str] = []
    for _, text in tier_settings(settings):
        try:
            spec = parse_spec(text) if text.strip().lower() != "auto" else None
        except ConfigError:
            continue
        if spec is not None and spec.base_url and spec.base_url not in urls:
            urls.append(spec.base_url)
    return urls


@router.get("/settings/models", response_model=list[ServerModelsOut])
def list_server_models(user: CurrentUser) -> list[ServerModelsOut]:
    """What Ollama and each configured OpenAI-compatible server offer, as model specs."""
    settings = user.pasi.settings
    found = []
    names = probe_ollama(settings.ollama_url)
    found.append(ServerModelsOut(
        server="ollama", url=redact_url(settings.ollama_url), answered=names is not None,
        specs=[str(ModelSpec("ollama", n)) for n in names or []],
    ))  # fmt: skip
    for url in _compatible_urls(settings):
        names, shown = probe_ollama(url), redact_url(url)  # a URL's password is never shown
        found.append(ServerModelsOut(
            server="openai-compatible", url=shown, answered=names is not None,
            specs=[str(ModelSpec("openai-compatible", n, shown)) for n in names or []],
        ))  # fmt: skip
    return found
