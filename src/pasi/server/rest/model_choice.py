"""Choosing the model of each tier in Settings: saved to the config file and used at once.

The models are the server's, shared by every user, so only the server's own user ``local``
(the token ``pasi serve`` prints) may change them. The spec is checked as ``pasi`` reads it
at start (docs/models.md), written with :func:`~pasi.server.rest.config_file.set_config`, and
every open vault's :class:`~pasi.Pasi` switches to it for its next request.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from pasi.errors import ConfigError
from pasi.models.registry import parse_spec
from pasi.server.auth import CurrentUser
from pasi.server.rest.config_file import set_config, shadowed
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS
from pasi.server.users import LOCAL_USER

router = APIRouter(prefix="/api", tags=["settings"], responses=ERRORS)


class TiersIn(BaseModel):
    fast_model: str | None = Field(
        default=None, max_length=2000, description="Spec of the fast tier ('' = as 'model')."
    )
    strong_model: str | None = Field(
        default=None, max_length=2000, description="Spec of the strong tier ('' = as 'model')."
    )


class TiersOut(BaseModel):
    saved: dict[str, str] = Field(description="The settings written, as written.")
    config_file: str = Field(description="The file they were written to.")
    overridden_by: list[str] = Field(
        description="Environment variables that still win over the file when pasi starts."
    )


@router.put("/settings/tiers", response_model=TiersOut)
def choose_models(user: CurrentUser, request: Request, body: TiersIn) -> TiersOut:
    """Set the fast and/or strong tier's model in the config file and use it from now on."""
    if user.name != LOCAL_USER:
        raise HTTPException(
            403, "the models are the server's: only its own user ('local') may change them"
        )
    wanted = {k: v.strip() for k, v in body.model_dump().items() if v is not None}
    if not wanted:
        raise FieldError("give fast_model, strong_model or both", param="strong_model")
    for name, spec in wanted.items():
        if spec.lower() != "auto":
            try:
                parse_spec(spec, name)
            except ConfigError as error:
                raise FieldError(str(error), param=name) from None
    path = set_config(wanted)
    state = request.app.state
    state.settings = state.settings.model_copy(update=wanted)
    state.sessions.reconfigure(wanted)
    return TiersOut(saved=wanted, config_file=str(path), overridden_by=shadowed(list(wanted)))
