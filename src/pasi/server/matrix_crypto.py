"""End-to-end encryption for the Matrix bridge: matrix-nio's Olm/Megolm machine (vodozemac).

The bridge keeps its own client-server calls over httpx; only what encryption needs goes
through a matrix-nio ``AsyncClient`` signed in with the same access token and device:
every sync response the bridge gets is handed to it (:meth:`Crypto.absorb`), so it takes in
the room keys other devices send pasi's device, follows who is in encrypted rooms and decrypts
their messages; pasi's messages to an encrypted room (answers and their streamed edits) are
encrypted and sent by it (:meth:`Crypto.send`), which first queries the members' devices,
claims one-time keys and shares pasi's Megolm session with them. Unverified devices of the
allow-listed people are trusted to receive keys: pasi has no way to verify them interactively.

The Olm account and sessions are a SQLite store in the vault directory (``matrix/olm/``), so
they are erased with it. matrix-nio encrypts the secrets in it (the pickled Olm account and
Megolm sessions) with a pickle key; that key is a random vault file (``matrix/olm-key``), sealed
in an encrypted vault, so the store's secrets cannot be read without the vault's passphrase. In
a plain vault the key sits beside the store, as protected as the folder (mode 0700).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import secrets
import threading
from pathlib import Path
from typing import Any

from pasi.errors import DeliveryError, InputError
from pasi.life.matrix import FOLDER, MatrixAccount, MatrixClient, edit_content, text_content

log = logging.getLogger("pasi.matrix")

STORE_FOLDER = "olm"  # matrix/olm/: not a sealed vault file (pasi.vault.files.OWN_CIPHER)
KEY_FILE = "olm-key"


def available() -> bool:
    """matrix-nio with its encryption extra (``matrix-nio[e2e]``: vodozemac, peewee)."""
    return all(importlib.util.find_spec(name) for name in ("nio", "vodozemac", "peewee"))


def _network_errors() -> tuple[type[BaseException], ...]:
    import aiohttp  # matrix-nio's HTTP client

    return (OSError, asyncio.TimeoutError, aiohttp.ClientError)


class Crypto:
    """The bridge's encryption. It owns an event loop, run by one thread at a time: the bridge's,
    and the scheduler's when a reminder goes through the bridge (:meth:`send` and :meth:`absorb`
    hold a lock)."""

    def __init__(self, account: MatrixAccount, vault_dir: Path, pickle_key: str) -> None:
        import nio

        if not account.device_id:
            raise DeliveryError("Matrix: the account has no device id; run `pasi matrix login`")
        store = Path(vault_dir) / FOLDER / STORE_FOLDER
        store.mkdir(parents=True, exist_ok=True, mode=0o700)
        config = nio.AsyncClientConfig(
            encryption_enabled=True, pickle_key=pickle_key, store_sync_tokens=False
        )
        self.loop = asyncio.new_event_loop()
        self._lock = threading.RLock()
        self.nio = nio.AsyncClient(
            account.homeserver, account.user_id, device_id=account.device_id,
            store_path=str(store), config=config,
        )  # fmt: skip
        self.nio.restore_login(account.user_id, account.device_id, account.access_token)
        self._keys()

    def close(self) -> None:
        with self._lock:
            self._run(self.nio.close())
            self.loop.close()

    def absorb(self, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Take in one sync response; returns its encrypted events that could be decrypted,
        by event id, as plain events (``type`` and ``content`` the decrypted ones)."""
        import nio

        response = nio.SyncResponse.from_dict(data)
        if not isinstance(response, nio.SyncResponse):
            raise DeliveryError(f"Matrix: a sync response nio cannot read: {response}")
        with self._lock:
            self._run(self.nio.receive_response(response))
            self._keys()
        plain: dict[str, dict[str, Any]] = {}
        for room_id, room in data.get("rooms", {}).get("join", {}).items():
            parsed = response.rooms.join.get(room_id)
            if parsed is None:
                continue
            opened = {e.event_id: e for e in parsed.timeline.events if _decrypted(e)}
            for raw in room.get("timeline", {}).get("events", []):
                event = opened.get(raw.get("event_id"))
                if raw.get("type") == "m.room.encrypted" and event is not None:
                    plain[raw["event_id"]] = {
                        **raw, "type": event.source.get("type"),
                        "content": event.source.get("content") or {},
                    }  # fmt: skip
        return plain

    def encrypted(self, room_id: str) -> bool:
        with self._lock:
            room = self.nio.rooms.get(room_id)
            return (room is not None and room.encrypted) or room_id in self.nio.encrypted_rooms

    def send(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        """Send ``content`` (an ``m.room.message``) encrypted; the same ``txn_id`` twice sends
        it once."""
        import nio

        with self._lock:
            if self.loop.is_closed():
                raise DeliveryError("Matrix: the bridge has stopped")
            if room_id not in self.nio.rooms:  # a restart: nio knows the room is encrypted only
                self.nio.rooms[room_id] = nio.MatrixRoom(room_id, self.nio.user_id, encrypted=True)
            return self._send(room_id, content, txn_id)

    def _send(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        import nio

        try:
            sent = self._run(
                self.nio.room_send(
                    room_id, "m.room.message", content, tx_id=txn_id,
                    ignore_unverified_devices=True,
                )
            )  # fmt: skip
        except (nio.LocalProtocolError, nio.SendRetryError, *_network_errors()) as error:
            raise DeliveryError(f"Matrix: cannot send an encrypted message: {error}") from None
        if not isinstance(sent, nio.RoomSendResponse):
            raise DeliveryError(f"Matrix: cannot send an encrypted message: {sent}")
        return str(sent.event_id)

    def _keys(self) -> None:
        """Publish pasi's device keys, learn the devices of people it shares rooms with."""
        if self.nio.should_upload_keys:
            self._checked(self.nio.keys_upload(), "publish the device's keys")
        if self.nio.should_query_keys:
            self._checked(self.nio.keys_query(), "learn the devices in encrypted rooms")
        if self.nio.should_claim_keys:
            users = self.nio.get_users_for_key_claiming()
            self._checked(self.nio.keys_claim(users), "start sessions with new devices")

    def _checked(self, work: Any, what: str) -> None:
        import nio

        try:
            result = self._run(work)
        except _network_errors() as error:  # tried again after the next sync
            log.warning("Matrix: cannot %s: %s", what, error)
            return
        if isinstance(result, nio.ErrorResponse):
            log.warning("Matrix: cannot %s: %s", what, result)

    def _run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)


class EncryptedRoom:
    """What :class:`~pasi.server.matrix_stream.EditStream` sends with, for an encrypted room:
    messages and edits encrypted, redactions (which carry no content) as they are."""

    def __init__(self, client: MatrixClient, crypto: Crypto) -> None:
        self.client, self.crypto = client, crypto

    def send_text(self, room_id: str, body: str, txn_id: str | None = None) -> str:
        return self.crypto.send(room_id, text_content(body), txn_id or _txn())

    def edit_text(self, room_id: str, event_id: str, body: str, txn_id: str | None = None) -> str:
        return self.crypto.send(room_id, edit_content(event_id, body), txn_id or _txn())

    def send_message(self, room_id: str, content: dict[str, Any], txn_id: str | None) -> str:
        return self.crypto.send(room_id, content, txn_id or _txn())

    def redact(self, room_id: str, event_id: str, reason: str = "") -> None:
        self.client.redact(room_id, event_id, reason)


def seal_attachment(data: bytes, mimetype: str) -> tuple[bytes, dict[str, Any]]:
    """``data`` encrypted for an encrypted room (AES-256-CTR, a fresh key): the ciphertext to
    upload and the ``file`` object (without its ``url``) the message carries."""
    from nio.crypto import encrypt_attachment

    ciphertext, keys = encrypt_attachment(data)
    return ciphertext, {**keys, "mimetype": mimetype}


def open_attachment(ciphertext: bytes, file: dict[str, Any]) -> bytes:
    """An encrypted attachment's plaintext; a file whose hash or keys do not match is refused."""
    if not available():
        raise InputError(
            "pasi cannot open encrypted attachments: end-to-end encryption needs "
            "matrix-nio[e2e] (docs/messaging.md)"
        )
    from nio.crypto import decrypt_attachment
    from nio.exceptions import EncryptionError

    try:
        key, iv = file["key"]["k"], file["iv"]
        digest = file["hashes"]["sha256"]
        return decrypt_attachment(ciphertext, key, digest, iv)
    except (KeyError, TypeError) as error:
        raise InputError(f"Matrix: an encrypted attachment without its {error}") from None
    except (EncryptionError, ValueError) as error:
        raise InputError(
            f"Matrix: an encrypted attachment that does not decrypt: {error}"
        ) from None


def _txn() -> str:
    return secrets.token_hex(12)


def _decrypted(event: Any) -> bool:
    import nio

    return not isinstance(event, nio.MegolmEvent) and isinstance(
        getattr(event, "source", None), dict
    )


def pickle_key(vault_dir: Path) -> str:
    """The key matrix-nio encrypts the Olm secrets with: random, made once, and kept as a vault
    file (``matrix/olm-key``), so an encrypted vault keeps it sealed (and `pasi vault encrypt`,
    `rekey` and `decrypt` convert it with the vault's other files)."""
    from pasi.vault.sqlite import vault_files

    files, name = vault_files(vault_dir), f"{FOLDER}/{KEY_FILE}"
    if files.exists(name):
        return files.read_text(name).strip()
    key = secrets.token_hex(32)
    files.write_text(name, key)
    return key
