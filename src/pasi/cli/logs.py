"""Where log records go: a rotating file in the vault, never the conversation on the terminal.

Libraries log freely: httpx one INFO line per model request, the learner its failures, Python
warnings from anywhere. Nothing in pasi printed them, yet they reached ``pasi chat``, because
WordLlama calls ``logging.basicConfig(level=INFO)`` when imported (pasi imports it lazily, for
the embedder and the safety check), which gives the root logger a stderr handler at INFO.
Others (spaCy, huggingface_hub, presidio's decision log) attach their own stderr handlers.

So each CLI invocation owns the logging setup: the root logger gets the vault's log file
(``VAULT/logs/pasi.log``, 1 MB, three old files kept) and, with ``pasi --verbose``, stderr.
With the root configured, later ``basicConfig`` calls do nothing; loggers created later drop
console handlers they attach (their records reach the root instead); console handlers already
attached are removed; Python's last resort for records no handler takes is the file, not
stderr. uvicorn's loggers keep theirs: they are ``pasi serve``'s console.
``close()`` undoes all of it, so tests invoking the CLI in-process leave logging as it was.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO

from pasi.vault.files import LOGS_DIR

LOG_FILE = Path(LOGS_DIR) / "pasi.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
CONSOLE_KEPT = ("uvicorn",)  # the server's own console output (warnings and errors only)
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"

_active: LogSetup | None = None


def _is_console(handler: logging.Handler) -> bool:
    """A handler writing to the terminal (a file handler is a StreamHandler too)."""
    if not isinstance(handler, logging.StreamHandler) or isinstance(handler, logging.FileHandler):
        return False
    streams = (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
    return any(handler.stream is stream for stream in streams)


def _kept(name: str) -> bool:
    return any(name == kept or name.startswith(kept + ".") for kept in CONSOLE_KEPT)


class QuietLogger(logging.Logger):
    """A logger that, while pasi's setup is active, refuses console handlers (see module doc).

    Only loggers created after start-up are of this class: those of libraries imported lazily.
    """

    def addHandler(self, handler: logging.Handler) -> None:
        if _active is not None and _is_console(handler) and not _kept(self.name):
            self.propagate = True  # its records reach the root's handlers instead
            return
        super().addHandler(handler)


class VaultLogFile(RotatingFileHandler):
    """The log file, opened on the first record once the vault directory exists.

    Records before that (or after ``pasi erase`` removed the vault) are dropped rather than
    creating a vault directory as a side effect. The file is private to its owner (0600).
    """

    def __init__(self) -> None:
        super().__init__(os.devnull, maxBytes=MAX_BYTES, backupCount=BACKUPS, delay=True)
        self.vault: Path | None = None
        self.setFormatter(logging.Formatter(FILE_FORMAT))

    def attach(self, vault: Path) -> None:
        with self.lock:  # type: ignore[union-attr]  # created by Handler.__init__
            if self.stream is not None:
                self.stream.close()
                self.stream = None  # type: ignore[assignment]
            self.vault = vault.expanduser()
            self.baseFilename = os.path.abspath(self.vault / LOG_FILE)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None and (self.vault is None or not self.vault.is_dir()):
            return
        super().emit(record)

    def _open(self) -> IO[str]:
        Path(self.baseFilename).parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, "a", encoding="utf-8", errors="backslashreplace")


@dataclass
class LogSetup:
    """What :func:`start_logging` changed, so :meth:`close` can put it back."""

    file: VaultLogFile
    console: logging.Handler | None
    root_level: int
    logger_class: type[logging.Logger]
    last_resort: logging.Handler | None
    removed: list[tuple[logging.Logger, logging.Handler]] = field(default_factory=list)

    def attach(self, vault: Path) -> None:
        """Write to ``VAULT/logs/pasi.log`` from now on (called once settings name the vault)."""
        self.file.attach(vault)

    def close(self) -> None:
        global _active
        if _active is not self:
            return
        _active = None
        root = logging.getLogger()
        for handler in (self.file, self.console):
            if handler is not None:
                root.removeHandler(handler)
                handler.close()
        for logger, handler in self.removed:
            logger.addHandler(handler)
        root.setLevel(self.root_level)
        logging.setLoggerClass(self.logger_class)
        logging.lastResort = self.last_resort
        logging.captureWarnings(False)


def start_logging(*, verbose: bool = False) -> LogSetup:
    """Route every log record (and ``warnings.warn``) to the vault's log file, and to stderr
    too when ``verbose``. Call once per invocation; ``attach`` names the vault later."""
    global _active
    if _active is not None:
        _active.close()
    root = logging.getLogger()
    setup = LogSetup(VaultLogFile(), None, root.level, logging.getLoggerClass(), logging.lastResort)
    setup.removed = _remove_console_handlers()
    if verbose:
        setup.console = logging.StreamHandler(sys.stderr)
        setup.console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        root.addHandler(setup.console)
    root.addHandler(setup.file)
    root.setLevel(logging.INFO)
    logging.setLoggerClass(QuietLogger)
    logging.lastResort = setup.file  # a logger that stops propagating: the file, not stderr
    logging.captureWarnings(True)
    _active = setup
    return setup


def _remove_console_handlers() -> list[tuple[logging.Logger, logging.Handler]]:
    """Console handlers attached before start-up (root's from an early basicConfig included)."""
    loggers = [logging.getLogger()] + [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and not _kept(name)
    ]
    removed = []
    for logger in loggers:
        for handler in [h for h in logger.handlers if _is_console(h)]:
            logger.removeHandler(handler)
            removed.append((logger, handler))
    return removed
