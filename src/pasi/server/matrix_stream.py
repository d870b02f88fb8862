"""An answer that grows in the room while the model writes it: Matrix message edits.

The first words are sent as a message; while the model streams, that message is edited
(``m.replace``) at most once every ``interval`` seconds, so a slow phone or a homeserver's
rate limit is not flooded; the last edit is the whole reply, notes and consent question
included. The first message's transaction id is derived from the event answered, so a restart
mid-answer edits the same message instead of sending a second one.

Edits keep their history on the homeserver. When the final reply does not continue what was
shown (the safety screen withheld a streamed answer), the shown message and its edits are
redacted and the reply is sent as a new message, so the withheld words do not stay readable.
While the answer is worked on, :class:`Typing` shows "pasi is typing" in the room.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from pasi.errors import DeliveryError

log = logging.getLogger("pasi.matrix")

EDIT_INTERVAL_SECONDS = 1.0
TYPING_REFRESH_SECONDS = 20.0  # typing notices expire after 30 s on the server


class Sender(Protocol):
    """A :class:`~pasi.life.matrix.MatrixClient`, or an encrypted room's sender."""

    def send_text(self, room_id: str, body: str, txn_id: str | None = None) -> str: ...

    def edit_text(
        self, room_id: str, event_id: str, body: str, txn_id: str | None = None
    ) -> str: ...

    def send_message(self, room_id: str, content: dict[str, Any], txn_id: str | None) -> str: ...

    def redact(self, room_id: str, event_id: str, reason: str = "") -> None: ...


class EditStream:
    """One reply to the event ``answering`` in ``room_id``, shown as it grows."""

    def __init__(
        self,
        client: Sender,
        room_id: str,
        answering: str,
        interval: float = EDIT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.room_id, self.answering = client, room_id, answering
        self.interval, self.clock = interval, clock
        self.event_id: str | None = None  # the message shown, once sent
        self.edits: list[str] = []  # the edit events sent, oldest first
        self._shown = ""
        self._at = 0.0

    def update(self, text: str) -> None:
        """The reply so far; shown now or at the next allowed edit."""
        if not text.strip() or text == self._shown:
            return
        if self.event_id is None:
            self.event_id = self.client.send_text(self.room_id, text, txn_id=self._first_txn)
        elif self.clock() - self._at >= self.interval:
            try:
                self.edits.append(self.client.edit_text(self.room_id, self.event_id, text))
            except DeliveryError as error:  # a lost edit is made good by the next one
                log.info("%s", error)
                return
        else:
            return
        self._shown, self._at = text, self.clock()

    def finish(self, text: str) -> str:
        """Show the whole reply; returns the event id of the message that holds it."""
        if self.event_id is None:
            self.event_id = self.client.send_text(self.room_id, text, txn_id=self._first_txn)
        elif not text.startswith(self._shown.rstrip()):
            self._take_back()
            self.event_id = self.client.send_text(
                self.room_id, text, txn_id=f"pasi-final-{self.answering}"
            )
        elif text != self._shown:
            self.edits.append(self.client.edit_text(self.room_id, self.event_id, text))
        self._shown = text
        return self.event_id

    @property
    def _first_txn(self) -> str:
        return f"pasi-reply-{self.answering}"

    def _take_back(self) -> None:
        assert self.event_id is not None
        for event_id in [*self.edits, self.event_id]:
            try:
                self.client.redact(self.room_id, event_id, "withheld by pasi's safety screen")
            except DeliveryError as error:
                log.warning("could not take back a streamed answer: %s", error)
        self.edits = []


class Typing:
    """Shows "pasi is typing" in a room, refreshed until the block ends."""

    def __init__(self, client: Any, room_id: str) -> None:
        self.client, self.room_id = client, room_id
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._refresh, name="pasi-matrix-typing", daemon=True
        )

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)
        self._say(False)

    def _refresh(self) -> None:
        while True:
            self._say(True)
            if self._done.wait(TYPING_REFRESH_SECONDS):
                return

    def _say(self, on: bool) -> None:
        try:
            self.client.typing(self.room_id, on)
        except DeliveryError as error:  # typing is a courtesy: the answer still goes out
            log.info("%s", error)
