"""Matrix: the bot account pasi signs in with, and the few client-server API calls it makes.

pasi speaks the Matrix client-server API (spec.matrix.org, v3) over httpx: log in, long-poll
``/sync`` with a ``since`` token, join a room, send a message, show typing, download and
upload a file. That is all a bridge needs, so it costs no client library.

The account (homeserver, user ID, device, access token) and the bridge's state (the sync token,
the room reminders go to) are files in the vault directory, ``matrix/``, written with mode 0600
through the vault's files (pasi.vault.files), so an encrypted vault keeps them sealed: they are
erased with the vault (``pasi erase --all``), and never leave the machine.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import quote

from pasi.errors import DeliveryError, InputError

FOLDER = "matrix"
ACCOUNT_FILE = "account.json"
STATE_FILE = "state.json"
LOCK_FILE = "bridge.lock"
API = "/_matrix/client/v3"
_STATE_LOCK = threading.Lock()  # the bridge and the scheduler's channel share one process


@dataclass(frozen=True)
class MatrixAccount:
    homeserver: str  # e.g. https://matrix.example.org
    user_id: str  # e.g. @pasi:example.org
    access_token: str
    device_id: str = ""


@dataclass
class BridgeState:
    """What the bridge remembers between runs, so a restart answers nothing twice."""

    since: str | None = None  # the sync token after the last batch fully handled
    handled: list[str] = field(default_factory=list)  # event ids answered in the batch after it
    notify_room: str | None = None  # where reminders go: the owner's last room with pasi
    waiting: dict[str, int] = field(default_factory=dict)  # room id -> held action asked about
    sealed_room: str | None = None  # the owner's last end-to-end encrypted room with pasi


def _write_private(vault_dir: Path, name: str, data: dict[str, Any]) -> Path:
    """Write a vault file atomically (mode 0600, in a 0700 folder): sealed when the vault is
    encrypted (it must then be open in this process, as ``Pasi`` opens it)."""
    from pasi.vault.sqlite import vault_files

    (Path(vault_dir) / FOLDER).mkdir(parents=True, exist_ok=True, mode=0o700)
    return vault_files(vault_dir).write_text(f"{FOLDER}/{name}", json.dumps(data))


def _read(vault_dir: Path, name: str) -> Any:
    from pasi.vault.sqlite import vault_files

    return json.loads(vault_files(vault_dir).read_text(f"{FOLDER}/{name}"))


def account_saved(vault_dir: Path) -> bool:
    """Whether ``pasi matrix login`` was run for this vault (without reading the account)."""
    return (Path(vault_dir) / FOLDER / ACCOUNT_FILE).is_file()


def save_account(vault_dir: Path, account: MatrixAccount) -> Path:
    with _STATE_LOCK:
        return _write_private(vault_dir, ACCOUNT_FILE, asdict(account))


def load_account(vault_dir: Path) -> MatrixAccount | None:
    """The signed-in bot account, or None before ``pasi matrix login``."""
    path = Path(vault_dir) / FOLDER / ACCOUNT_FILE
    if not path.exists():
        return None
    try:
        return MatrixAccount(**_read(vault_dir, ACCOUNT_FILE))
    except (ValueError, TypeError) as error:
        raise InputError(f"{path} is damaged ({error}); run `pasi matrix login` again") from None


def forget_account(vault_dir: Path) -> bool:
    path = Path(vault_dir) / FOLDER / ACCOUNT_FILE
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def load_state(vault_dir: Path) -> BridgeState:
    path = Path(vault_dir) / FOLDER / STATE_FILE
    if not path.exists():
        return BridgeState()
    data = _read(vault_dir, STATE_FILE)
    return BridgeState(
        data.get("since"),
        list(data.get("handled", [])),
        data.get("notify_room"),
        {str(room): int(action) for room, action in data.get("waiting", {}).items()},
        data.get("sealed_room"),
    )


def update_state(vault_dir: Path, **changes: Any) -> BridgeState:
    """Change some fields and keep the rest as on disk: the bridge (sync token) and the
    delivery channel (reminders' room) may run in different processes."""
    with _STATE_LOCK:
        state = load_state(vault_dir)
        for name, value in changes.items():
            setattr(state, name, value)
        _write_private(vault_dir, STATE_FILE, asdict(state))
    return state


def claim_bridge(vault_dir: Path) -> IO[str]:
    """Hold the vault's one bridge: two answering the same account would answer twice. The
    claim lasts until the returned file is closed (or the process ends)."""
    import fcntl

    path = Path(vault_dir) / FOLDER / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    held = path.open("a", encoding="utf-8")
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held.close()
        raise InputError(
            f"another pasi process (`pasi matrix run` or `pasi serve`) already answers Matrix "
            f"for the vault {vault_dir}"
        ) from None
    return held


class OwnerMessenger(Protocol):
    """Sends a text to the owner in their end-to-end encrypted room: the Matrix bridge with
    encryption running in this process for a vault (pasi.server), registered while it runs."""

    def send_to_owner(self, text: str, txn_id: str) -> bool:
        """Send ``text`` encrypted (the same ``txn_id`` twice sends it once); False when there
        is no encrypted room of the owner's to send it to. A failure is a DeliveryError."""
        ...


_MESSENGERS: dict[Path, OwnerMessenger] = {}
_MESSENGERS_LOCK = threading.Lock()


def register_messenger(vault_dir: Path, messenger: OwnerMessenger) -> None:
    """From now on the vault's Matrix deliveries go through ``messenger``."""
    with _MESSENGERS_LOCK:
        _MESSENGERS[Path(vault_dir).resolve()] = messenger


def unregister_messenger(vault_dir: Path, messenger: OwnerMessenger) -> None:
    """Stop using ``messenger`` (a newer one registered since is kept)."""
    with _MESSENGERS_LOCK:
        key = Path(vault_dir).resolve()
        if _MESSENGERS.get(key) is messenger:
            del _MESSENGERS[key]


def messenger_for(vault_dir: Path) -> OwnerMessenger | None:
    with _MESSENGERS_LOCK:
        return _MESSENGERS.get(Path(vault_dir).resolve())


def normalise_homeserver(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InputError(f"the homeserver '{url}' must be a URL starting with https:// or http://")
    return url


class MatrixClient:
    """A synchronous client of one account; every failure is a :class:`DeliveryError`."""

    def __init__(self, account: MatrixAccount, timeout: float = 40.0) -> None:
        import httpx

        self.account = account
        self._http = httpx.Client(
            base_url=account.homeserver + API,
            headers={"Authorization": f"Bearer {account.access_token}"},
            timeout=timeout,
        )

    @staticmethod
    def login(
        homeserver: str, user: str, password: str, device_name: str = "pasi"
    ) -> MatrixAccount:
        """Log in with a password; returns the account with its new access token."""
        import httpx

        homeserver = normalise_homeserver(homeserver)
        body = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password,
            "initial_device_display_name": device_name,
        }
        try:
            response = httpx.post(f"{homeserver}{API}/login", json=body, timeout=30)
        except httpx.HTTPError as error:
            raise DeliveryError(f"cannot reach the homeserver {homeserver}: {error}") from None
        data = _json(response, "login")
        return MatrixAccount(
            homeserver, data["user_id"], data["access_token"], data.get("device_id", "")
        )

    def close(self) -> None:
        self._http.close()

    def sync(self, since: str | None, timeout_ms: int) -> dict[str, Any]:
        params: dict[str, Any] = {"timeout": timeout_ms}
        if since:
            params["since"] = since
        else:  # the first sync: only state and the newest events, not the whole history
            params["filter"] = json.dumps({"room": {"timeline": {"limit": 1}}})
        return self._call("GET", "/sync", "sync", params=params, timeout=timeout_ms / 1000 + 30)

    def join(self, room_id: str) -> None:
        self._call("POST", f"/join/{_q(room_id)}", "join a room", json={})

    def leave(self, room_id: str) -> None:
        self._call("POST", f"/rooms/{_q(room_id)}/leave", "leave a room", json={})

    def send_text(self, room_id: str, body: str, txn_id: str | None = None) -> str:
        """Send a text message; the same ``txn_id`` twice sends it once (the server dedupes)."""
        return self.send_message(room_id, text_content(body), txn_id)

    def send_message(self, room_id: str, content: dict[str, Any], txn_id: str | None) -> str:
        txn = _q(txn_id or secrets.token_hex(12))
        path = f"/rooms/{_q(room_id)}/send/m.room.message/{txn}"
        return str(self._call("PUT", path, "send a message", json=content)["event_id"])

    def edit_text(self, room_id: str, event_id: str, body: str, txn_id: str | None = None) -> str:
        """Replace the text of pasi's own message ``event_id`` (an ``m.replace`` edit)."""
        return self.send_message(room_id, edit_content(event_id, body), txn_id)

    def redact(self, room_id: str, event_id: str, reason: str = "") -> None:
        """Remove the content of an event pasi sent (a streamed answer that was withheld)."""
        path = f"/rooms/{_q(room_id)}/redact/{_q(event_id)}/{secrets.token_hex(12)}"
        self._call("PUT", path, "redact a message", json={"reason": reason} if reason else {})

    def download(self, mxc: str, max_bytes: int) -> bytes:
        """The bytes of an uploaded file (``mxc://server/id``), through the homeserver's
        authenticated media API; larger than ``max_bytes`` is refused."""
        import httpx

        server, _, media_id = mxc.removeprefix("mxc://").partition("/")
        if not mxc.startswith("mxc://") or not server or not media_id:
            raise DeliveryError(f"Matrix: '{mxc[:80]}' is not a media address (mxc://...)")
        url = f"{self.account.homeserver}/_matrix/client/v1/media/download/{_q(server)}/{_q(media_id)}"
        try:
            with self._http.stream("GET", url) as response:
                if response.status_code >= 400:
                    response.read()
                    _json(response, "download a file")
                data = bytearray()
                for piece in response.iter_bytes():
                    data += piece
                    if len(data) > max_bytes:
                        raise DeliveryError(f"Matrix: the file is larger than {max_bytes:,} bytes")
        except httpx.HTTPError as error:
            raise DeliveryError(f"Matrix: cannot download a file: {error}") from None
        return bytes(data)

    def upload(self, data: bytes, content_type: str, filename: str) -> str:
        """Put a file in the homeserver's media repository; returns its ``mxc://`` address."""
        url = f"{self.account.homeserver}/_matrix/media/v3/upload"
        done = self._call("POST", url, "upload a file", content=data,
                          params={"filename": filename},
                          headers={"Content-Type": content_type})  # fmt: skip
        return str(done["content_uri"])

    def typing(self, room_id: str, on: bool, timeout_ms: int = 30_000) -> None:
        path = f"/rooms/{_q(room_id)}/typing/{_q(self.account.user_id)}"
        body: dict[str, Any] = {"typing": on, "timeout": timeout_ms} if on else {"typing": False}
        self._call("PUT", path, "show typing", json=body)

    def create_direct_room(self, user_id: str) -> str:
        body = {"invite": [user_id], "is_direct": True, "preset": "trusted_private_chat"}
        return str(self._call("POST", "/createRoom", "create a room", json=body)["room_id"])

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise DeliveryError(
                f"Matrix: cannot {what} on {self.account.homeserver}: {error}"
            ) from None
        return _json(response, what)


def text_content(body: str) -> dict[str, Any]:
    return {"msgtype": "m.text", "body": body}


def edit_content(event_id: str, body: str) -> dict[str, Any]:
    """An ``m.replace`` edit of ``event_id`` to ``body``."""
    return {
        "msgtype": "m.text",
        "body": f"* {body}",  # what clients without edits show
        "m.new_content": text_content(body),
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


def _json(response: Any, what: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if (
        response.status_code == 401
    ):  # the token was revoked (logged out elsewhere): retrying won't help
        raise InputError(
            f"Matrix: the homeserver no longer accepts pasi's access token ({what}); "
            "run `pasi matrix login` again"
        )
    if response.status_code >= 400:
        reason = data.get("error") or data.get("errcode") or f"HTTP {response.status_code}"
        raise DeliveryError(f"Matrix: cannot {what}: {reason}")
    return data if isinstance(data, dict) else {}


def _q(part: str) -> str:
    return quote(part, safe="")
