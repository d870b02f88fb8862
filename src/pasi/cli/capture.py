"""``pasi capture``: the opt-in "what I see" capture (docs/senses.md): start, stop, pause,
status, the exclusion list, retention and erasure by time range."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from pasi.cli.common import state
from pasi.cli.render import console, err_console, print_json
from pasi.errors import InputError

capture_app = typer.Typer(
    help='"What I see", opt in: screen or photo-folder text kept as searchable episodes.',
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(capture_app, name="capture")


def _directory(ctx: typer.Context) -> Path:
    return Path(state(ctx).settings().vault).expanduser()


def _rules(ctx: typer.Context) -> Any:
    from pasi.senses.capture import rules

    return rules.load(_directory(ctx))


def _save(ctx: typer.Context, current: Any) -> None:
    from pasi.senses.capture import rules

    rules.save(_directory(ctx), current)


@capture_app.command("start")
def start(
    ctx: typer.Context,
    folder: Path | None = typer.Option(
        None,
        "--folder",
        metavar="DIR",
        help="Watch this folder (a phone's or glasses' photo sync) instead of the screen.",
    ),
    display: str | None = typer.Option(
        None, "--display", metavar="NAME", help="The X11 display to capture (default: $DISPLAY)."
    ),
    every: float | None = typer.Option(
        None,
        "--every",
        min=0.2,
        metavar="SECONDS",
        help="At most one frame every this many seconds (saved; default 5).",
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Stop after this many looks (a trial run)."
    ),
) -> None:
    """Turn capture on and run it here, in the foreground, until `pasi capture stop` or Ctrl-C."""
    from pasi.senses.capture import Capturer, FolderFrames, ScreenFrames, keep

    current = _rules(ctx)
    if current.running():
        raise InputError(f"capture is already running (process {current.running_pid})")
    source = FolderFrames(folder) if folder else ScreenFrames(display)
    uri = keep.folder_uri(folder) if folder else keep.SCREEN_URI
    current.on, current.running_pid = True, os.getpid()
    current.every = every if every is not None else current.every
    _save(ctx, current)
    pasi = state(ctx).pasi()
    capturer = Capturer(pasi.memory, source, uri, _directory(ctx),
                        ocr_languages=pasi.settings.ocr_languages)  # fmt: skip
    what = f"the folder {folder}" if folder else f"the screen {source.display}"  # type: ignore[union-attr]
    err_console().print(
        f"● capturing {what}, one frame every {current.every:g} s at most; nothing leaves this "
        "machine. `pasi capture pause 30m`, `pasi capture stop`, Ctrl-C.", markup=False,
    )  # fmt: skip
    looks = [0]

    def report(outcome: str, tally: Any) -> None:
        looks[0] += 1
        err_console().print(f"● {outcome}: {tally.kept} kept, {tally.similar} unchanged, "
                            f"{tally.excluded} excluded", markup=False)  # fmt: skip

    try:
        tally = capturer.run(stop=lambda: limit is not None and looks[0] >= limit, report=report)
    except KeyboardInterrupt:
        tally = capturer.tally
    finally:
        latest = _rules(ctx)
        latest.running_pid = None
        _save(ctx, latest)
    console().print(f"capture stopped: {tally.frames} frame(s), {tally.kept} kept, "
                    f"{tally.similar} unchanged, {tally.excluded} excluded, "
                    f"{tally.blanked} secret(s) blanked", markup=False)  # fmt: skip


@capture_app.command("stop")
def stop(ctx: typer.Context) -> None:
    """Turn capture off; a running capture ends at its next frame."""
    current = _rules(ctx)
    current.on = False
    _save(ctx, current)
    console().print("capture is off", markup=False)


@capture_app.command("pause")
def pause(
    ctx: typer.Context, span: str = typer.Argument(..., metavar="DURATION", help="30m, 2h, 1d.")
) -> None:
    """Capture nothing for a while (30m, 2h, 1d); it resumes by itself."""
    from pasi.clock import system_clock
    from pasi.senses.capture import rules

    current = _rules(ctx)
    until = system_clock() + rules.duration(span)
    current.paused_until = until.isoformat(timespec="seconds")
    _save(ctx, current)
    console().print(f"capture paused until {until.astimezone():%Y-%m-%d %H:%M}", markup=False)


@capture_app.command("resume")
def resume(ctx: typer.Context) -> None:
    """End a pause now."""
    current = _rules(ctx)
    current.paused_until = None
    _save(ctx, current)
    console().print("capture resumed" if current.on else "not paused; capture is off", markup=False)


@capture_app.command("status")
def status(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """On or off, paused, running, what is excluded, and how much is kept."""
    from dataclasses import asdict

    from pasi.clock import system_clock
    from pasi.senses.capture import keep

    current = _rules(ctx)
    stored = len(keep.captured_ids(state(ctx).pasi().memory))
    now = system_clock()
    shown = {**asdict(current), "paused": current.paused(now), "running": current.running(),
             "captured_frames": stored}  # fmt: skip
    if as_json:
        print_json(shown)
        return
    mode = "on" if current.on else "off"
    mode += " (paused)" if current.paused(now) else ""
    mode += ", running" if current.running() else ", not running"
    for line in (f"capture: {mode}", f"every: {current.every:g} s",
                 f"kept for: {current.retention_days} days", f"captured frames: {stored}",
                 f"excluded: {', '.join(current.exclude)}"):  # fmt: skip
        console().print(line, markup=False)


@capture_app.command("exclude")
def exclude(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="WORD...", help="App or window title words."),
    remove: bool = typer.Option(False, "--remove", help="Take these words off the list."),
) -> None:
    """Never capture a window whose app or title contains one of these words."""
    current = _rules(ctx)
    lowered = [w.strip().lower() for w in words if w.strip()]
    if remove:
        current.exclude = [w for w in current.exclude if w.lower() not in lowered]
    else:
        current.exclude += [w for w in lowered if w not in current.exclude]
    _save(ctx, current)
    console().print(f"excluded: {', '.join(current.exclude)}", markup=False)


@capture_app.command("retention")
def retention(
    ctx: typer.Context, days: int = typer.Argument(..., min=1, help="Days captures are kept.")
) -> None:
    """Delete captured text older than this many days (checked hourly while capturing)."""
    current = _rules(ctx)
    current.retention_days = days
    _save(ctx, current)
    console().print(f"captures are kept for {days} days", markup=False)


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} takes a time such as 2026-12-07T09:00, not '{value}'") from None
    return at if at.tzinfo else at.astimezone()  # a time without a zone is local time


@capture_app.command("erase")
def erase(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", metavar="TIME", help="From (ISO, local)."),
    until: str | None = typer.Option(None, "--until", metavar="TIME", help="Up to (ISO, local)."),
    erase_all: bool = typer.Option(False, "--all", help="Every capture, whenever it was."),
) -> None:
    """Erase captured text in a time range, and what pasi learnt only from it."""
    from pasi.senses.capture import keep

    start, end = _time(since, "--since"), _time(until, "--until")
    if start is None and end is None and not erase_all:
        raise InputError("give --since and/or --until, or --all to erase every capture")
    removed = keep.erase(state(ctx).pasi().memory, start, end)
    console().print(f"erased {removed} captured frame(s)", markup=False)
