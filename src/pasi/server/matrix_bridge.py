"""The Matrix bridge: messages from the owner's Matrix IDs become assistant turns, answers go back.

Each round long-polls ``/sync``. Invites from an allow-listed Matrix ID are accepted, others
rejected; a text message from an allow-listed sender in a joined room is one turn of the same
assistant the web app runs (:func:`pasi.server.turns.run_turn`), in the conversation
``matrix:<room_id>``, with a typing notification while it works; everyone else is ignored and
logged. The sync token is saved after each batch and every answered event id as soon as it is
answered, so a restart (or a crash mid-batch) answers nothing twice. The very first sync only
takes the token: history from before pasi joined is not answered.

While it runs with end-to-end encryption, the bridge is the vault's
:class:`~pasi.life.matrix.OwnerMessenger`: the scheduler's Matrix deliveries (reminders,
check-ins, the brief) go encrypted, by its Olm machine, into the owner's last encrypted room.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pasi.errors import DeliveryError, PasiError
from pasi.life.matrix import (
    BridgeState,
    MatrixClient,
    load_state,
    register_messenger,
    text_content,
    unregister_messenger,
    update_state,
)
from pasi.server.matrix_crypto import Crypto, EncryptedRoom, available, pickle_key
from pasi.server.matrix_media import Media, media_of, media_reply
from pasi.server.matrix_stream import EditStream, Sender, Typing
from pasi.server.matrix_turns import Reply, TextSink, decide, turn_reply, yes_or_no
from pasi.server.matrix_voice import Spoken, asked_for_voice, send_voice, speak

if TYPE_CHECKING:
    from pasi import Pasi

log = logging.getLogger("pasi.matrix")

ENCRYPTED_REPLY = (
    "pasi cannot read encrypted messages here: end-to-end encryption needs matrix-nio[e2e] "
    "(docs/messaging.md); or talk to it in a room without encryption."
)
UNDECRYPTABLE_REPLY = (
    "pasi could not decrypt that message: its key did not reach pasi's device. Send it again "
    "(docs/messaging.md, End-to-end encryption)."
)

Decider = Callable[[int, bool], str]  # (held action id, approved?) -> what happened
Speaker = Callable[[str], Spoken | None]  # a reply's text -> the voice message saying it


@dataclass(frozen=True)
class Incoming:
    room_id: str
    event_id: str
    sender: str
    body: str
    encrypted: bool = False
    media: Media | None = None  # an image or a voice message


Answerer = Callable[[Incoming, str, TextSink], Reply]  # (message, conversation uri, sink)


@dataclass
class Round:
    """What one sync round did, for logs and tests."""

    answered: list[str] = field(default_factory=list)  # event ids
    ignored: list[str] = field(default_factory=list)  # event ids from senders not allowed
    joined: list[str] = field(default_factory=list)  # room ids
    refused: list[str] = field(default_factory=list)  # room ids invited to by others


def conversation_uri(room_id: str) -> str:
    return f"matrix:{room_id}"


class MatrixBridge:
    def __init__(
        self,
        client: MatrixClient,
        vault_dir: Path,
        allow: list[str],
        answer: Answerer,
        decide: Decider,
        report: Callable[[str], None] | None = None,
        crypto: Crypto | None = None,
        speaker: Speaker | None = None,
        always_speak: bool = False,
    ) -> None:
        self.client = client
        self.crypto = crypto  # end-to-end encryption, when matrix-nio[e2e] is installed
        self.report = report  # who wrote to pasi, shown to the user (`pasi matrix run`'s stderr)
        self.me = client.account.user_id
        self.vault_dir = Path(vault_dir)
        self.allow = set(allow)
        self.answer = answer
        self.decide = decide
        self.speaker = speaker  # answers by voice when asked, or always with ``always_speak``
        self.always_speak = always_speak
        self.stopping = threading.Event()  # set by run's caller: a turn cut short is not answered
        self.polling = False  # in the long-poll, where a stop need not wait for it

    @classmethod
    def for_pasi(
        cls, pasi: Pasi, client: MatrixClient, report: Callable[[str], None] | None = None
    ) -> MatrixBridge:
        def answer(message: Incoming, uri: str, shown: TextSink) -> Reply:
            if message.media is not None:
                return media_reply(pasi, client, message.media, message.event_id, uri, shown)
            return turn_reply(pasi, message.body, uri, shown)

        decider = lambda action_id, yes: decide(pasi, action_id, yes)  # noqa: E731
        allow = pasi.settings.matrix_allow
        crypto = _crypto(pasi, client, report)
        speaker, always = _speaker(pasi), pasi.settings.matrix_voice_replies
        return cls(client, pasi.vault.directory, allow, answer, decider, report, crypto,
                   speaker, always)  # fmt: skip

    def close(self) -> None:
        self.withdraw_deliveries()
        self.client.close()
        if self.crypto is not None:
            self.crypto.close()

    def offer_deliveries(self) -> None:
        """With encryption, take the vault's Matrix deliveries (until stopped or closed)."""
        if self.crypto is not None:
            register_messenger(self.vault_dir, self)

    def withdraw_deliveries(self) -> None:
        unregister_messenger(self.vault_dir, self)

    def send_to_owner(self, text: str, txn_id: str) -> bool:
        """A delivery (reminder, check-in, brief) sent encrypted into the owner's last encrypted
        room; False when there is none yet (the channel then sends it unencrypted)."""
        room = load_state(self.vault_dir).sealed_room
        if self.crypto is None or room is None or self.stopping.is_set():
            return False
        self.crypto.send(room, text_content(text), txn_id)
        self._note(f"sent a delivery encrypted to {room}")
        return True

    def sync_once(self, timeout_ms: int = 30_000) -> Round:
        state = load_state(self.vault_dir)
        self.polling = True
        try:
            data = self.client.sync(state.since, timeout_ms)
        finally:
            self.polling = False
        done = Round()
        if self.stopping.is_set():  # stopped during the long-poll: the next run reads it again
            return done
        self._invites(data, done)
        if state.since is not None:  # the first sync only takes the token
            self._left(data, state)
            handled = list(state.handled)
            plain = self.crypto.absorb(data) if self.crypto is not None else {}
            for message in _messages(data, self.me, plain):
                if message.event_id not in handled:
                    self._consider(message, handled, done)
        update_state(self.vault_dir, since=data["next_batch"], handled=[])
        return done

    def run(self, stop: threading.Event, timeout_ms: int = 30_000) -> None:
        """Sync rounds until ``stop`` is set; a failed round is logged and retried."""
        self.stopping = stop
        self.offer_deliveries()
        try:
            self._rounds(stop, timeout_ms)
        finally:
            self.withdraw_deliveries()

    def _rounds(self, stop: threading.Event, timeout_ms: int) -> None:
        pause = 1.0
        while not stop.is_set():
            try:
                self.sync_once(timeout_ms)
                pause = 1.0
            except _Interrupted:
                return
            except DeliveryError as error:
                if stop.is_set():
                    return
                self._note(f"{error}; retrying in {pause:.0f} s")
                stop.wait(pause)
                pause = min(pause * 2, 60.0)

    def _invites(self, data: dict[str, Any], done: Round) -> None:
        for room_id, room in data.get("rooms", {}).get("invite", {}).items():
            inviter = _inviter(room, self.me)
            try:  # one room that cannot be joined (gone, say) must not hold back the rest
                if inviter in self.allow:
                    self.client.join(room_id)
                    done.joined.append(room_id)
                    self._note(f"joined {room_id} on the invitation of {inviter}")
                else:
                    self.client.leave(room_id)
                    done.refused.append(room_id)
                    self._note(f"refused the invitation of {inviter} to {room_id}: not allowed")
            except DeliveryError as error:
                self._note(f"the invitation to {room_id}: {error}")

    def _left(self, data: dict[str, Any], state: BridgeState) -> None:
        """The owner left a room reminders go to: the next one goes elsewhere (a new direct
        room, when it was the unencrypted one)."""
        for field_name in ("notify_room", "sealed_room"):
            room_id = getattr(state, field_name)
            room = data.get("rooms", {}).get("join", {}).get(room_id, {}) if room_id else {}
            for event in room.get("timeline", {}).get("events", []):
                content = event.get("content") or {}
                if (
                    event.get("type") == "m.room.member"
                    and event.get("state_key") in self.allow
                    and content.get("membership") in ("leave", "ban")
                ):
                    update_state(self.vault_dir, **{field_name: None})
                    self._note(f"{event['state_key']} left {room_id}: reminders go elsewhere")
                    break

    def _consider(self, message: Incoming, handled: list[str], done: Round) -> None:
        if message.sender not in self.allow:
            done.ignored.append(message.event_id)
            self._note(
                f"ignored a message from {message.sender} in {message.room_id}: not in matrix_allow"
            )
            return
        waiting = dict(load_state(self.vault_dir).waiting)
        shown = EditStream(self._sender(message.room_id), message.room_id, message.event_id)
        with Typing(self.client, message.room_id):  # until the reply is whole, last edit sent
            reply = self._reply(message, waiting, shown.update)
            shown.finish(reply.text)
            if self._speaks(message):
                self._voice(message, reply.spoken or reply.text)
        handled.append(message.event_id)
        # Reminders go unencrypted only into an unencrypted room, encrypted through the bridge.
        sealed = message.encrypted or (
            self.crypto is not None and self.crypto.encrypted(message.room_id)
        )
        reminders = {"sealed_room" if sealed else "notify_room": message.room_id}
        update_state(self.vault_dir, handled=handled, waiting=waiting, **reminders)
        done.answered.append(message.event_id)
        self._note(f"answered {message.sender} in {message.room_id}")

    def _sender(self, room_id: str) -> Sender:
        if self.crypto is not None and self.crypto.encrypted(room_id):
            return EncryptedRoom(self.client, self.crypto)
        return self.client

    def _speaks(self, message: Incoming) -> bool:
        if self.speaker is None or message.encrypted:
            return False
        voice = message.media is not None and message.media.kind == "audio"
        return self.always_speak or voice or asked_for_voice(message.body)

    def _voice(self, message: Incoming, text: str) -> None:
        """The reply spoken, after its text; a failure is noted, the text is already there."""
        room = message.room_id
        txn = "voice-" + hashlib.sha256(message.event_id.encode()).hexdigest()[:24]
        sealed = self.crypto is not None and self.crypto.encrypted(room)
        try:
            spoken = self.speaker(text) if self.speaker is not None else None
            if spoken is not None:
                send_voice(self.client, self._sender(room), room, spoken, sealed, txn)
        except PasiError as error:
            self._note(f"could not answer by voice in {room}: {error}")

    def _note(self, line: str) -> None:
        log.info("%s", line)
        if self.report is not None:
            self.report(line)

    def _reply(self, message: Incoming, waiting: dict[str, int], shown: TextSink) -> Reply:
        """The answer to a message; ``waiting`` (room -> held action) is updated."""
        if message.encrypted:
            return Reply(ENCRYPTED_REPLY if self.crypto is None else UNDECRYPTABLE_REPLY)
        room = message.room_id
        held = waiting.pop(room, None)
        verdict = yes_or_no(message.body) if held is not None else None
        if held is not None and verdict is not None:
            return self._working(room, lambda: Reply(self.decide(held, verdict)))
        reply = self._working(room, lambda: self.answer(message, conversation_uri(room), shown))
        if reply.waiting is not None:
            waiting[room] = reply.waiting
        elif held is not None:  # the message was not a yes or no: the action keeps waiting
            waiting[room] = held
        return reply

    def _working(self, room_id: str, work: Callable[[], Reply]) -> Reply:
        """``work``'s reply; its error said in the room, not left unanswered."""
        try:
            return work()
        except PasiError as error:
            if self.stopping.is_set():  # the vault closed under the turn: answer it next run
                raise _Interrupted from error
            log.warning("a Matrix turn failed in %s: %s", room_id, error)
            return Reply(f"pasi could not do that: {error}")


class _Interrupted(Exception):
    """The bridge was stopped in the middle of a turn."""


def _crypto(
    pasi: Pasi, client: MatrixClient, report: Callable[[str], None] | None
) -> Crypto | None:
    """End-to-end encryption when matrix-nio[e2e] is installed; without it (or when the
    homeserver refuses pasi's keys) encrypted rooms get a plain explanation."""
    if not available():
        return None
    try:
        key = pickle_key(pasi.vault.directory)
        return Crypto(client.account, pasi.vault.directory, key)
    except Exception as error:  # a damaged store must not stop unencrypted rooms being answered
        (report or log.warning)(f"no end-to-end encryption: {type(error).__name__}: {error}")
        return None


def _speaker(pasi: Pasi) -> Speaker:
    """The configured text-to-speech (``tts``), made on first use (espeak-ng may be absent)."""
    from pasi.senses.voice.factory import make_tts

    made: list[Any] = []

    def speaker(text: str) -> Spoken | None:
        if not made:
            made.append(make_tts(pasi.settings))
        return speak(made[0], text)

    return speaker


def _inviter(room: dict[str, Any], me: str) -> str | None:
    for event in room.get("invite_state", {}).get("events", []):
        if event.get("type") == "m.room.member" and event.get("state_key") == me:
            return event.get("sender")
    return None


def _messages(
    data: dict[str, Any], me: str, plain: dict[str, dict[str, Any]]
) -> Iterator[Incoming]:
    """The messages of a sync response; ``plain``: encrypted ones decrypted, by event id."""
    for room_id, room in data.get("rooms", {}).get("join", {}).items():
        for event in room.get("timeline", {}).get("events", []):
            message = _incoming(room_id, plain.get(str(event.get("event_id")), event), me)
            if message is not None:
                yield message


def _incoming(room_id: str, event: dict[str, Any], me: str) -> Incoming | None:
    sender, event_id = event.get("sender"), event.get("event_id")
    if sender == me or not sender or not event_id or "state_key" in event:
        return None
    if event.get("type") == "m.room.encrypted":
        return Incoming(room_id, event_id, sender, "", encrypted=True)
    content = event.get("content") or {}
    if event.get("type") != "m.room.message":
        return None
    if (content.get("m.relates_to") or {}).get("rel_type") == "m.replace":
        return None  # an edit of an earlier message: that one was answered
    media = media_of(content)
    if media is not None:
        return Incoming(room_id, event_id, sender, media.caption, media=media)
    if content.get("msgtype") != "m.text":
        return None
    body = content.get("body")
    return (
        Incoming(room_id, event_id, sender, body)
        if isinstance(body, str) and body.strip()
        else None
    )
