"""Screen capture on a real X server: Xvfb with a real xterm showing a line, focused with
xdotool; mss takes the screenshot, Tesseract reads it, recall finds it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.memory.store import MemoryStore
from pasi.senses.capture import Capturer, ScreenFrames, keep, rules
from pasi.senses.capture.frames import focused_window

TOOLS = ("Xvfb", "xterm", "xdotool")


@pytest.fixture(autouse=True, scope="module")
def _x_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    assert not missing, f"missing {missing}: scripts/dev installs xvfb, xterm and xdotool"


def _free_display() -> str:
    number = 90
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    return f":{number}"


@pytest.fixture
def display() -> Iterator[str]:
    name = _free_display()
    server = subprocess.Popen(["Xvfb", name, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(100):  # ready when a client can connect
        probe = subprocess.run(["xdotool", "getmouselocation"], env={"DISPLAY": name},
                               capture_output=True)  # fmt: skip
        if probe.returncode == 0:
            break
        time.sleep(0.1)
    yield name
    server.terminate()
    server.wait(timeout=10)


def _xterm(display: str, title: str, line: str, shown: Path) -> subprocess.Popen[bytes]:
    env = {"DISPLAY": display, "PATH": "/usr/bin:/bin"}
    argv = ["xterm", "-geometry", "90x20+0+0", "-fa", "DejaVu Sans Mono", "-fs", "16",
            "-T", title, "-e", f"printf '%s\\n' '{line}'; touch '{shown}'; sleep 60"]  # fmt: skip
    terminal = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE)
    for _ in range(100):  # the window must be mapped before it can take the focus
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                               capture_output=True, text=True)  # fmt: skip
        window = found.stdout.split()[0] if found.stdout.strip() else None
        if window and subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env,
                                     capture_output=True).returncode == 0:  # fmt: skip
            _drawn(display, shown)
            return terminal
        time.sleep(0.1)
    terminal.kill()
    raise AssertionError(f"xterm did not show a window: {terminal.communicate()[1]!r}")


def _drawn(display: str, shown: Path) -> None:
    """Wait until the shell has printed its line and the screen has stopped changing (a loaded
    machine can take seconds to start the shell; a fixed sleep read a blank terminal)."""
    screen = ScreenFrames(display, locked=lambda: False)
    for _ in range(200):
        if shown.exists():
            break
        time.sleep(0.05)
    before = None
    for _ in range(50):
        frame = screen.grab()
        now = frame.image.tobytes() if frame is not None else None
        if now is not None and now == before:
            return
        before = now
        time.sleep(0.2)
    raise AssertionError("the xterm's screen never settled")


def test_a_line_in_a_real_xterm_becomes_searchable(
    display: str, store: MemoryStore, tmp_path: Path
) -> None:
    terminal = _xterm(
        display, "build log", "segfault in parser module at line 4217", tmp_path / "shown"
    )
    try:
        assert focused_window(display).title == "build log"
        rules.save(tmp_path, rules.CaptureRules(on=True))
        capturer = Capturer(store, ScreenFrames(display, locked=lambda: False), keep.SCREEN_URI,
                            tmp_path)  # fmt: skip
        assert capturer.step() == "kept"
        assert capturer.step() == "similar"  # the same screen five seconds later
        hits = store.recall("segfault in the parser", k=3)
        assert "line 4217" in hits[0].text
        assert hits[0].text.splitlines()[0].endswith(" in XTerm: build log")
    finally:
        terminal.kill()
        terminal.wait()


def test_an_excluded_window_on_screen_is_never_read(
    display: str, store: MemoryStore, tmp_path: Path
) -> None:
    terminal = _xterm(
        display, "KeePassXC - Passwords", "bank login 7731 secret", tmp_path / "shown"
    )
    try:
        rules.save(tmp_path, rules.CaptureRules(on=True))
        screen = ScreenFrames(display, locked=lambda: False)
        capturer = Capturer(store, screen, keep.SCREEN_URI, tmp_path)
        assert capturer.step() == "excluded"
        assert capturer.tally.read == 0
        assert keep.captured_ids(store) == []
    finally:
        terminal.kill()
        terminal.wait()


def test_a_locked_screen_gives_no_frames(display: str) -> None:
    assert ScreenFrames(display, locked=lambda: True).grab() is None
