"""``pasi chat``: a conversation loop on a terminal, or over lines piped to stdin.

On a terminal it prompts; with piped input it reads lines until end of input and never waits
on a prompt. The vault is opened before the first prompt so that errors show up at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import typer

from pasi.cli.common import state
from pasi.errors import ConfigError, InputError

HELP = (
    "Type a statement and pasi remembers it; ask a question and pasi answers from memory.\n"
    "Commands: /help shows this, /quit leaves (so does Ctrl-D)."
)


def register(app: typer.Typer) -> None:
    app.command()(chat)


def chat(ctx: typer.Context) -> None:
    """Talk with pasi: it records what you say and answers from memory."""
    from pasi.agent.offline import INTRO, OfflineAgent

    cli = state(ctx)
    model = cli.settings().model
    if model.strip().lower() not in ("none", "auto"):  # auto: the assistant lands later
        raise ConfigError(
            f"model '{model}' is not available in this version of pasi: model backends are not "
            'built yet, so set `model = "none"` (see docs/configuration.md)'
        )
    interactive = sys.stdin.isatty()
    _say(INTRO)
    _say("Type /help for help, /quit to leave.")
    agent = OfflineAgent(cli.pasi().memory)
    for line in _lines(interactive):
        if line.startswith("/"):
            if _command(line):
                break
            continue
        try:
            reply = agent.respond(line)
        except InputError as error:
            sys.stderr.write(f"error: {' '.join(str(error).split())}\n")
            continue
        _say(reply.text)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _command(line: str) -> bool:
    """Run a /command; True means leave the chat."""
    name = line.split()[0].lower()
    if name in ("/quit", "/exit", "/q"):
        return True
    if name in ("/help", "/?"):
        _say(HELP)
    else:
        _say(f"unknown command {name}: try /help")
    return False


def _lines(interactive: bool) -> Iterator[str]:
    """Non-empty input lines, stripped; from a prompt or from piped stdin."""
    return _prompted() if interactive else _piped()


def _prompted() -> Iterator[str]:
    import readline  # noqa: F401  (line editing and history for input())

    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            sys.stdout.write("\n")
            return
        if line.strip():
            yield line.strip()


def _piped() -> Iterator[str]:
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as error:
            raise InputError(
                f"stdin line {number} is not valid UTF-8 (byte {error.start}); "
                "the lines before it were recorded"
            ) from None
        if line:
            yield line
