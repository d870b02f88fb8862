"""Recordings played in the browser: an ingested audio source's file, by source id, with Range.

Only a file registered as a source of the user's own vault is served, found by its id (never
by a path the client names), and only when it is a recording (an audio suffix pasi ingests).
An upload sealed in an encrypted vault is decrypted in memory for the answer.

An ``<audio>`` element cannot send the ``Authorization`` header, so the web app first asks
``POST /api/sources/{id}/audio-link`` (with its token) for a link signed by this server (HMAC
under a key made when the server starts, naming the user, the source and an expiry); the
audio route accepts that signature or the usual token. A link works until it expires
(:data:`LINK_SECONDS`) or the server restarts, for that one source only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from pasi.errors import NotFoundError
from pasi.ingest.audio import AUDIO_SUFFIXES
from pasi.ingest.sealed import sealed_name
from pasi.server.auth import CurrentUser, authenticate, bearer
from pasi.server.rest.schemas import ERRORS, Id
from pasi.server.users import UserSession
from pasi.vault import episodes as ep

router = APIRouter(prefix="/api", tags=["sources"], responses=ERRORS)

LINK_SECONDS = 12 * 3600  # long enough to listen to a long recording from one link
MAX_PART = 4 * 1024 * 1024  # an open range ("bytes=0-") is answered this much at a time
AUDIO_TYPES = {
    ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac",
    ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".flac": "audio/flac",
}  # fmt: skip
assert set(AUDIO_TYPES) == AUDIO_SUFFIXES
_secret_lock = threading.Lock()


class AudioLinkOut(BaseModel):
    url: str = Field(description="The recording's address, usable without the token header.")
    expires_at: int = Field(description="When the link stops working (Unix seconds).")
    content_type: str
    start_seconds: float = Field(
        default=0.0, description="Where in the recording the passage starts (its locator)."
    )


def _secret(request: Request) -> bytes:
    state = request.app.state
    with _secret_lock:
        if getattr(state, "media_secret", None) is None:
            state.media_secret = os.urandom(32)
        return state.media_secret


def _signature(secret: bytes, user: str, source_id: int, expires: int) -> str:
    message = f"{user}\n{source_id}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def recording_path(session: UserSession, source_id: int) -> Path:
    """The file of the user's recording source ``source_id``; 404 for anything else."""
    source = ep.get_source(session.pasi.vault.read(), source_id)
    path = Path(source.uri.removeprefix("file:")) if source and source.kind == "file" else None
    if source is None or not source.uri.startswith("file:") or path is None:
        raise NotFoundError(f"no recording source with id {source_id}")
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise NotFoundError(f"source {source_id} is not a recording ({path.name})")
    if not path.is_file():
        raise NotFoundError(f"the recording {path.name} is no longer on this machine")
    return path


def locator_seconds(external_id: str | None) -> float | None:
    """``12:31`` or ``1:02:03`` (a recording passage's locator, before ``#``) in seconds."""
    text = (external_id or "").partition("#")[0].partition(" part ")[0]
    parts = text.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    return float(sum(int(p) * 60**i for i, p in enumerate(reversed(parts))))


@router.post("/sources/{source_id}/audio-link", response_model=AudioLinkOut)
def audio_link(user: CurrentUser, request: Request, source_id: Id) -> AudioLinkOut:
    """A signed link to play a recording source in an ``<audio>`` element."""
    return _link(user, request, source_id, 0.0)


@router.post("/episodes/{episode_id}/audio-link", response_model=AudioLinkOut)
def passage_audio_link(user: CurrentUser, request: Request, episode_id: Id) -> AudioLinkOut:
    """A signed link to the recording a passage (a ``[t..]`` citation) was transcribed from,
    with the time it starts at: play from ``start_seconds``."""
    episode = ep.get_episodes(user.pasi.vault.read(), [episode_id]).get(episode_id)
    if episode is None:
        raise NotFoundError(f"no passage with id {episode_id}")
    start = locator_seconds(episode.external_id)
    if start is None:
        raise NotFoundError(f"passage {episode_id} is not from a recording")
    return _link(user, request, episode.source_id, start)


def _link(user: UserSession, request: Request, source_id: int, start: float) -> AudioLinkOut:
    path = recording_path(user, source_id)
    expires = int(time.time()) + LINK_SECONDS
    signature = _signature(_secret(request), user.name, source_id, expires)
    query = urlencode({"user": user.name, "expires": expires, "signature": signature})
    url = f"/api/sources/{source_id}/audio?{query}"
    kind = AUDIO_TYPES[path.suffix.lower()]
    return AudioLinkOut(url=url, expires_at=expires, content_type=kind, start_seconds=start)


def _listener(
    request: Request,
    source_id: int,
    credentials: HTTPAuthorizationCredentials | None,
    user: str | None,
    expires: int | None,
    signature: str | None,
) -> UserSession:
    """The token's user, or the user a valid, unexpired signed link names."""
    if credentials is not None or signature is None or user is None or expires is None:
        return authenticate(request, credentials.credentials if credentials else None)
    wanted = _signature(_secret(request), user, source_id, expires)
    known = request.app.state.users.get(user)
    if not hmac.compare_digest(wanted, signature) or expires < time.time() or known is None:
        return authenticate(request, None)  # 401, as for a missing token
    return request.app.state.sessions.session(known)


@router.get(
    "/sources/{source_id}/audio",
    response_class=Response,
    responses={200: {"content": {"audio/*": {}}}, 206: {"description": "Part of the file"},
               416: {"description": "The range lies outside the file"}},
)  # fmt: skip
def play_audio(
    request: Request,
    source_id: Id,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    user: Annotated[str | None, Query(max_length=200)] = None,
    expires: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    signature: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """The recording's bytes (a ``Range`` header gets that part, 206), for playback."""
    session = _listener(request, source_id, credentials, user, expires, signature)
    path = recording_path(session, source_id)
    files = session.pasi.vault.files
    name = sealed_name(files, path)
    sealed = files.read_bytes(name) if name else None  # decrypted in memory, never on disk
    size = len(sealed) if sealed is not None else path.stat().st_size
    kind = AUDIO_TYPES[path.suffix.lower()]
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    wanted = _range(request.headers.get("range"), size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = wanted or (0, size - 1)
    if sealed is not None:
        body = sealed[start : end + 1]
    else:
        with path.open("rb") as handle:
            handle.seek(start)
            body = handle.read(end + 1 - start)
    if wanted is None:
        return Response(body, media_type=kind, headers=headers)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Response(body, status_code=206, media_type=kind, headers=headers)


def _range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte of a single ``bytes=`` range; None: the whole file (no header, or
    one this route does not honour, such as several ranges); 'unsatisfiable' past the end.
    An open range gets at most :data:`MAX_PART` bytes: the player asks on for the rest."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header.removeprefix("bytes=").strip().partition("-")
    try:
        if not first:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        else:
            start = int(first)
            end = min(int(last) if last else start + MAX_PART - 1, size - 1)
    except ValueError:
        return None
    if start >= size or start > end or start < 0:
        return "unsatisfiable"
    return start, end
