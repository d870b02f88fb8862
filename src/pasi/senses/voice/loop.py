"""``pasi voice``: a full-duplex conversation, frame by frame.

Input and output advance together, one 20 ms frame at a time, like a sound card: every input
frame is listened to and one output frame is played. Time on the timeline is the *audio
clock* (input frames consumed), so a run on a WAV file gives the same timeline every time;
the wall-clock cost of recognising, answering and synthesising is recorded next to it.

* End of speech: the voice detector's hangover (vad.py), or the push-to-talk key released.
* The reply is spoken while it is written: the model's text is cut into sentences and each
  is synthesised as soon as it is complete (with ``threaded``, in a worker, so listening never
  stops; without it, at once, which makes a WAV run deterministic).
* Barge-in: when the user starts speaking while pasi talks, playback stops on that frame and
  the new utterance, its first frames included, is recognised.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from pasi.senses.voice.audio import FRAME, FRAME_SECONDS, Audio
from pasi.senses.voice.stt import Recognition, SpeechToText, begin
from pasi.senses.voice.tts import TextToSpeech, speakable, split_sentences
from pasi.senses.voice.vad import EnergyVAD

Responder = Callable[[str], Iterator[str]]  # the user's words -> the reply, piece by piece
SILENCE = np.zeros(FRAME, dtype=np.int16)
PREROLL_FRAMES = 2  # quiet frames before the voice given to the recogniser with it


@dataclass(frozen=True)
class VoiceEvent:
    """One thing that happened: ``at`` on the audio clock (s), ``wall`` on the wall clock."""

    at: float
    kind: str  # speech_start speech_end transcript ignored reply_start first_audio say
    # playback_start barge_in playback_stopped playback_end error
    text: str = ""
    wall: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The audio-clock view (deterministic for a WAV run); wall times are for benchmarks."""
        return {"at": round(self.at, 3), "kind": self.kind, "text": self.text}


class Sink(Protocol):
    def write(self, frame: np.ndarray) -> None: ...


@dataclass
class _Player:
    """Audio waiting to be played, frame by frame; ``stop`` drops all of it at once."""

    frames: deque[np.ndarray] = field(default_factory=deque)
    incoming: queue.SimpleQueue[Audio | None] = field(default_factory=queue.SimpleQueue)
    playing: bool = False

    def next_frame(self) -> np.ndarray | None:
        while not self.frames:
            try:
                audio = self.incoming.get_nowait()
            except queue.Empty:
                return None
            if audio is not None:
                self.frames.extend(audio.frames())
        return self.frames.popleft()

    def stop(self) -> None:
        self.frames.clear()
        while not self.incoming.empty():
            self.incoming.get_nowait()


@dataclass
class _Reply:
    """One reply being written and synthesised; ``cancel`` stops its speech, not its text."""

    cancelled: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    heard: bool = False  # its first audio has been logged


class VoiceLoop:
    def __init__(
        self,
        stt: SpeechToText,
        tts: TextToSpeech,
        respond: Responder,
        *,
        vad: EnergyVAD | None = None,
        wake_phrase: str = "",
        threaded: bool = False,
        wall: Callable[[], float] = time.perf_counter,
        talk_key: Callable[[], bool] | None = None,
        on_event: Callable[[VoiceEvent], None] | None = None,
    ) -> None:
        self.stt, self.tts, self.respond = stt, tts, respond
        self.vad = vad or EnergyVAD()
        self.wake_phrase = " ".join(wake_phrase.lower().split())
        self.threaded = threaded
        self.wall = wall
        self.talk_key = talk_key
        self.on_event = on_event
        self.events: list[VoiceEvent] = []
        self.player = _Player()
        self._lock = threading.Lock()
        self._frame_index = 0
        self._recent: deque[np.ndarray] = deque(maxlen=self.vad.start_frames + PREROLL_FRAMES)
        self._recognition: Recognition | None = None
        self._reply: _Reply | None = None
        self._pressed = False

    # -- the clock and the timeline ------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._frame_index * FRAME_SECONDS

    def _log(self, kind: str, text: str = "", at: float | None = None) -> None:
        event = VoiceEvent(self.now if at is None else at, kind, text, self.wall())
        with self._lock:
            self.events.append(event)
        if self.on_event:
            self.on_event(event)

    # -- the run -------------------------------------------------------------------------------

    def run(
        self, frames: Iterable[np.ndarray], sink: Sink, *, drain: bool = True
    ) -> list[VoiceEvent]:
        """Listen to every frame and play one frame per frame heard; with ``drain``, keep
        playing after the input ends until the last reply has been spoken."""
        for frame in frames:
            self.step(frame, sink)
        while drain and (self._busy() or self.player.playing or not self.player.incoming.empty()):
            self.step(SILENCE, sink)
            if self.threaded and not self.player.frames:
                time.sleep(FRAME_SECONDS)  # real time: wait for the worker, do not spin
        return self.events

    def _busy(self) -> bool:
        return self._reply is not None and not self._reply.done.is_set()

    def step(self, frame: np.ndarray, sink: Sink) -> None:
        self._listen(frame)
        self._speak(sink)
        self._frame_index += 1

    def _listen(self, frame: np.ndarray) -> None:
        change = self._gate(frame)
        self._recent.append(frame)
        if change == "start":
            self._speech_started()
        elif self._recognition is not None:
            self._recognition.feed(frame)
        if change == "end":
            self._speech_ended()

    def _gate(self, frame: np.ndarray) -> str | None:
        if self.talk_key is None:
            return self.vad.update(frame)
        pressed = self.talk_key()
        change = None if pressed == self._pressed else ("start" if pressed else "end")
        self._pressed = pressed
        return change

    def _speech_started(self) -> None:
        # the voice began with the first of the detector's run of voiced frames
        voiced = self.vad.start_frames - 1 if self.talk_key is None else 0
        self._log("speech_start", at=max(self.now - voiced * FRAME_SECONDS, 0.0))
        if self.player.playing or self._busy():
            self._log("barge_in")
            if self._reply is not None:
                self._reply.cancelled.set()
            self.player.stop()
            if self.player.playing:
                self.player.playing = False
                self._log("playback_stopped")
        self._recognition = begin(self.stt)
        # the frames that made the detector sure are speech too, and one or two before them
        for earlier in self._recent if self.talk_key is None else [self._recent[-1]]:
            self._recognition.feed(earlier)
        self._recent.clear()

    def _speech_ended(self) -> None:
        hangover = self.vad.hangover_seconds if self.talk_key is None else 0.0
        self._log("speech_end", at=self.now - hangover + FRAME_SECONDS)
        recognition, self._recognition = self._recognition, None
        if recognition is None:
            return
        reply = _Reply()
        self._reply = reply
        if self.threaded:  # the loop keeps listening while the words are decoded
            threading.Thread(target=self._hear, args=(recognition, reply), daemon=True).start()
        else:
            self._hear(recognition, reply)

    def _hear(self, recognition: Recognition, reply: _Reply) -> None:
        """Finish recognising, then answer. On a microphone this runs in the reply's worker:
        decoding (0.3 s, seconds on a loaded machine) must not delay hearing a barge-in."""
        try:
            text = recognition.finish().strip()
        except Exception as error:
            self._log("error", f"{type(error).__name__}: {error}")
            reply.done.set()
            return
        self._log("transcript", text)
        message = self._addressed(text)
        if message is None:
            self._log("ignored", text)
            reply.done.set()
            return
        self._answer(message, reply)

    def _addressed(self, text: str) -> str | None:
        """The message, or None when it is empty or lacks the wake phrase."""
        words = " ".join(text.lower().split())
        if not words:
            return None
        if not self.wake_phrase:
            return text
        if not words.startswith(self.wake_phrase):
            return None
        rest = " ".join(text.split()[len(self.wake_phrase.split()) :])
        return rest or None

    def _answer(self, message: str, reply: _Reply) -> None:
        """Write the reply and synthesise it sentence by sentence as the text arrives."""
        buffer, first = "", True
        try:
            for piece in self.respond(message):
                if first:
                    self._log("reply_start")
                    first = False
                buffer += piece
                sentences, buffer = split_sentences(buffer)
                for sentence in sentences:
                    self._say(sentence, reply)
            if speakable(buffer):
                self._say(speakable(buffer), reply)
        except Exception as error:  # a failed reply is logged; the loop keeps listening
            self._log("error", f"{type(error).__name__}: {error}")
        finally:
            reply.done.set()

    def _say(self, sentence: str, reply: _Reply) -> None:
        if reply.cancelled.is_set():
            return  # interrupted: the text is still written (and remembered), not spoken
        audio = self.tts.synthesize(sentence)
        if reply.cancelled.is_set():
            return
        if not reply.heard:
            reply.heard = True
            self._log("first_audio", sentence)
        self._log("say", sentence)
        self.player.incoming.put(audio)

    def _speak(self, sink: Sink) -> None:
        frame = self.player.next_frame()
        if frame is None:
            if self.player.playing and not self._busy():
                self.player.playing = False
                self._log("playback_end")
            sink.write(SILENCE)
            return
        if not self.player.playing:
            self.player.playing = True
            self._log("playback_start")
        sink.write(frame)
