"""Conversation titles from the model: a short title after a web conversation's first exchange.

After the first answer of a conversation started in the web app, the fast model (else the chat
model) is asked for a title of a few words, on a background thread: the reply has already been
sent, so the title never delays it. Titles are written one at a time, and only while the
conversation still has none: a title the user gave first is kept, and renaming or clearing it
later works as before (cleared, the list shows the first line again). Without a model, or when
the model fails or answers nothing usable, the list keeps showing the first line, as offline.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pasi.errors import PasiError
from pasi.models.chat import ChatRequest, Message
from pasi.vault import browse
from pasi.vault import episodes as ep

if TYPE_CHECKING:
    from pasi import Pasi

log = logging.getLogger(__name__)

TITLE_CHARS = 80
EXCERPT_CHARS = 1000  # of each turn the model reads: a title needs the gist only
MAX_TOKENS = 24
CLOSE_WAIT = 30.0  # seconds the server's stop waits for a title being written
INSTRUCTIONS = "You write short titles for conversations."
# The ask comes after the conversation: put first, small models (Qwen 0.5B) went on with the
# conversation instead ("Miso is 3 years old." for a cat's adoption); measured in docs/web.md.
ASK = (
    "Write a title of two to six words for this conversation, like a chat app's title, in "
    "its language. Reply with the title only."
)
_THINKING = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_LABEL = re.compile(r"^(title|conversation title)\s*:\s*", re.IGNORECASE)
_EDGES = "\"'“”‘’`*_#.:;,!- \t"


def clean_title(text: str) -> str | None:
    """The first line of a model's answer as a title, or None when nothing usable is left."""
    text = _THINKING.sub("", text)
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    line = _LABEL.sub("", line.strip(_EDGES)).strip(_EDGES)
    line = " ".join(line.split())
    if not line or line.startswith(("{", "[", "<")):
        return None
    if len(line) > TITLE_CHARS:
        line = line[: TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(_EDGES) + "…"
    return line


def first_exchange(pasi: Pasi, source_id: int) -> tuple[str, str] | None:
    """The first user turn and the answer to it, while that is all the untitled conversation
    holds; else None (titled already, or past its first exchange)."""
    conn = pasi.vault.read()
    source = ep.get_source(conn, source_id)
    if source is None or source.title:
        return None
    turns, total = browse.source_turns(conn, source_id, 4, 0)
    said = [t.text for t in turns if t.role == "user"]
    answered = [t.text for t in turns if t.role == "assistant"]
    if total > 3 or len(said) != 1 or not answered:
        return None
    return said[0], answered[0]


def suggest_title(pasi: Pasi, source_id: int) -> str | None:
    """Ask the model for the conversation's title and store it; the title, or None."""
    exchange = first_exchange(pasi, source_id)
    model = pasi.fast_model() or pasi.chat_model
    if exchange is None or model is None:
        return None
    said, answered = (text[:EXCERPT_CHARS] for text in exchange)
    request = ChatRequest(
        [Message("system", INSTRUCTIONS),
         Message("user", f"Conversation:\nUser: {said}\nAssistant: {answered}\n\n{ASK}")],
        max_tokens=MAX_TOKENS, temperature=0.0,
    )  # fmt: skip
    title = clean_title(model.complete(request).text)
    if title is None:
        return None
    with pasi.vault.write() as conn:
        source = ep.get_source(conn, source_id)
        if source is None or source.title:  # deleted or renamed meanwhile: the user's wins
            return None
        ep.set_source_title(conn, source_id, title)
    return title


@dataclass(frozen=True)
class _Job:
    pasi: Pasi
    source_id: int


class Titler:
    """Titles conversations one at a time on one background thread, started on first use."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def after_first_answer(self, pasi: Pasi, source_id: int) -> None:
        """Queue a title for the conversation (checked again when its turn comes)."""
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pasi-titles", daemon=True)
                self._thread.start()
            self._jobs.put(_Job(pasi, source_id))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued title is done (tests); False on timeout."""
        done = threading.Event()
        with self._lock:
            if self._thread is None:
                return True
        self._jobs.put(_Marker(done))  # type: ignore[arg-type]
        return done.wait(timeout)

    def close(self, timeout: float = CLOSE_WAIT) -> None:
        """Stop taking titles and let the thread finish the one in hand: a thread left inside
        an in-process model while Python shuts down aborts the process."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._jobs.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if isinstance(job, _Marker):
                job.done.set()
                continue
            try:
                suggest_title(job.pasi, job.source_id)
            except PasiError as error:  # the first line stays the label
                log.warning("no title for conversation %s: %s", job.source_id, error)
            except Exception:  # e.g. the vault was erased meanwhile: this thread goes on
                log.exception("no title for conversation %s", job.source_id)


@dataclass(frozen=True)
class _Marker:
    done: threading.Event
