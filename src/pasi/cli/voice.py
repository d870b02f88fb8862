"""``pasi voice``: talk with pasi. Microphone and speaker by default (sounddevice), or WAV
files and raw PCM for headless use; the timeline of what happened goes to stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from pasi.cli.common import state


def register(app: typer.Typer) -> None:
    app.command("voice")(voice)


def voice(
    ctx: typer.Context,
    input: str | None = typer.Option(
        None, "--input", metavar="FILE.wav|-",
        help="Listen to a WAV file, or raw 16 kHz s16le mono PCM on stdin ('-'), instead of "
        "the microphone.",
    ),
    output: str | None = typer.Option(
        None, "--output", metavar="FILE.wav|-",
        help="Write what pasi says (aligned with the input) to a WAV file, or raw PCM to "
        "stdout ('-'), instead of the speaker.",
    ),
    timeline: Path | None = typer.Option(
        None, "--timeline", metavar="FILE.json", help="Write the timeline of events as JSON."
    ),
    stt: str | None = typer.Option(None, "--stt", metavar="SPEC", help="Setting 'stt'."),
    tts: str | None = typer.Option(None, "--tts", metavar="SPEC", help="Setting 'tts'."),
    wake: str | None = typer.Option(
        None, "--wake", metavar="PHRASE", help="Setting 'voice_wake_phrase'."
    ),
    push_to_talk: bool = typer.Option(
        False, "--push-to-talk", help="Microphone only: Enter starts and ends each utterance."
    ),
) -> None:  # fmt: skip
    """A spoken conversation: pasi listens, answers aloud, and stops when you interrupt."""
    from pasi.senses.voice.factory import make_stt, make_tts, pasi_responder
    from pasi.senses.voice.loop import VoiceLoop

    cli = state(ctx)
    settings = cli.settings()
    if wake is not None:
        settings = settings.model_copy(update={"voice_wake_phrase": wake})
    pasi = cli.pasi()
    source, sink, live = _devices(input, output, push_to_talk)
    talk_key = None
    if push_to_talk:
        from pasi.senses.voice.devices import EnterToTalk

        talk_key = EnterToTalk()
    loop = VoiceLoop(make_stt(settings, stt), make_tts(settings, tts), pasi_responder(pasi),
                     wake_phrase=settings.voice_wake_phrase, threaded=live, talk_key=talk_key,
                     on_event=_show)  # fmt: skip
    try:
        events = loop.run(source, sink)
    except KeyboardInterrupt:
        events = loop.events
    finally:
        sink.close()
    if timeline is not None:
        timeline.write_text(json.dumps([e.to_json() for e in events], indent=1) + "\n")


def _devices(input: str | None, output: str | None, push_to_talk: bool) -> tuple[Any, Any, bool]:
    from pasi.errors import InputError
    from pasi.senses.voice import devices

    microphone = devices.Microphone() if input is None else None
    if microphone is not None:
        source = microphone.frames()
    elif push_to_talk:
        raise InputError("--push-to-talk works with the microphone, not with --input")
    elif input == "-":
        source = devices.pcm_frames(sys.stdin.buffer)
    else:
        source = devices.wav_frames(Path(input))
    if output is None:
        sink = microphone or devices.NullSink()
    elif output == "-":
        sink = devices.PcmSink(sys.stdout.buffer)
    else:
        sink = devices.WavSink(Path(output))
    return source, sink, input is None


def _show(event: Any) -> None:
    shown = f" {event.text}" if event.text else ""
    sys.stderr.write(f"[{event.at:7.2f}s] {event.kind.replace('_', ' ')}{shown}\n")
    sys.stderr.flush()
