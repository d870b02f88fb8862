"""Where frames come from: one :class:`FrameSource` protocol, a watched folder and the screen.

A :class:`Frame` is a picture with its time and, when the source knows them, the application
and window title it shows. :class:`FolderFrames` reads pictures a phone, camera or glasses app
syncs into a folder (each new file once, oldest first). :class:`ScreenFrames` takes a
screenshot of an X11 display with ``mss`` and asks ``xdotool`` and ``xprop`` which window has
the focus; it reports nothing while ``loginctl`` says the session is locked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pasi.clock import system_clock
from pasi.errors import PasiError

FOLDER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


@dataclass(frozen=True)
class Frame:
    """One picture of what the user sees."""

    image: Any  # a Pillow image
    at: datetime
    origin: str  # "screen" or the file's name
    app: str | None = None  # "xterm", "firefox"
    window: str | None = None  # the window's title


class FrameSource(Protocol):
    """Gives the next frame to look at, or ``None`` when there is none now."""

    def grab(self) -> Frame | None: ...


class FolderFrames:
    """New pictures in a folder, each once, oldest first (the time is the file's)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.expanduser()
        self.seen: set[str] = set()
        if not self.folder.is_dir():
            raise PasiError(f"{self.folder} is not a folder: give the folder photos sync into")

    def grab(self) -> Frame | None:
        from PIL import Image, UnidentifiedImageError

        for path in self._new():
            self.seen.add(path.name)
            try:
                with Image.open(path) as opened:
                    image = opened.convert("RGB")
            except (UnidentifiedImageError, OSError):
                continue  # still being written, or not a picture: skipped, not fatal
            at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            return Frame(image, at, path.name)
        return None

    def _new(self) -> list[Path]:
        found = [p for p in self.folder.iterdir()
                 if p.suffix.lower() in FOLDER_SUFFIXES and p.name not in self.seen]  # fmt: skip
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


@dataclass(frozen=True)
class Window:
    app: str | None
    title: str | None


def focused_window(display: str | None = None) -> Window:
    """The focused window's application (WM_CLASS) and title, as far as X11 says."""
    env = {**os.environ, **({"DISPLAY": display} if display else {})}
    if shutil.which("xdotool") is None:
        return Window(None, None)
    window_id = _run(["xdotool", "getactivewindow"], env) or _run(
        ["xdotool", "getwindowfocus"], env
    )
    if not window_id or not window_id.isdigit() or int(window_id) < 2:
        return Window(None, None)
    title = _run(["xdotool", "getwindowname", window_id], env)
    app = None
    if shutil.which("xprop"):
        raw = _run(["xprop", "-id", window_id, "WM_CLASS"], env) or ""
        names = [p.strip().strip('"') for p in raw.partition("=")[2].split(",")]
        app = names[-1] if names and names[-1] else None
    return Window(app, title or None)


def _run(argv: list[str], env: dict[str, str]) -> str | None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def session_locked() -> bool:
    """True when logind says this session's screen is locked (no logind: not known, False)."""
    session = os.environ.get("XDG_SESSION_ID")
    if not session or shutil.which("loginctl") is None:
        return False
    out = _run(
        ["loginctl", "show-session", session, "-p", "LockedHint", "--value"], dict(os.environ)
    )
    return out == "yes"


class ScreenFrames:
    """Screenshots of an X11 display (``mss``), with the focused window's app and title."""

    def __init__(
        self,
        display: str | None = None,
        locked: Callable[[], bool] = session_locked,
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.display = display or os.environ.get("DISPLAY")
        if not self.display:
            raise PasiError("no screen to capture: DISPLAY is not set (X11 is needed)")
        self.locked = locked
        self.clock = clock
        self._mss: Any = None

    def grab(self) -> Frame | None:
        if self.locked():
            return None
        from PIL import Image

        shot = self._screen().grab(self._screen().monitors[0])
        image = Image.frombytes("RGB", shot.size, shot.rgb)
        window = focused_window(self.display)
        return Frame(image, self.clock(), "screen", window.app, window.title)

    def _screen(self) -> Any:
        if self._mss is None:
            try:
                import mss
            except ImportError:
                raise PasiError("screen capture needs the mss package: pip install mss") from None
            try:
                self._mss = mss.MSS(display=self.display)
            except Exception as error:  # mss raises its own ScreenShotError and Xlib errors
                raise PasiError(f"cannot open the screen {self.display}: {error}") from None
        return self._mss

    def close(self) -> None:
        if self._mss is not None:
            self._mss.close()
            self._mss = None
