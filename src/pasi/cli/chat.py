"""``pasi chat``: a conversation loop on a terminal, or over lines piped to stdin.

On a terminal it prompts; with piped input it reads lines until end of input and never waits
on a prompt. The vault is opened before the first prompt so that errors show up at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pasi.cli.common import State, state
from pasi.errors import InputError, PasiError

if TYPE_CHECKING:
    from pasi.agent.events import ConfirmationNeeded, Event
    from pasi.tools.registry import ToolResult

HELP = (
    "Type a statement and pasi remembers it; ask a question and pasi answers from memory.\n"
    "With a model, answers cite their sources as [m12] (memory 12) or [t345] (turn 345).\n"
    "Commands: /help shows this, /quit leaves (so does Ctrl-D).\n"
    "/image FILE [message] attaches an image to your next message (or to this one)."
)


def register(app: typer.Typer) -> None:
    app.command()(chat)


def chat(
    ctx: typer.Context,
    image: list[Path] = typer.Option(
        [], "--image", help="Attach an image to your first message (repeatable)."
    ),
) -> None:
    """Talk with pasi: it records what you say and answers from memory."""
    cli = state(ctx)
    model = cli.pasi().chat_model  # None when `model` is 'none'; a bad spec fails here, at once
    interactive = sys.stdin.isatty()
    if interactive:  # reminders and check-ins print here while the chat is open
        from pasi.cli.life import start_scheduler

        ctx.call_on_close(start_scheduler(cli))
    if model is None:
        if image:
            from pasi.cli.attach import describe_without_model

            _say(describe_without_model(cli.pasi(), image))
        _offline(cli, interactive)
    else:
        _assisted(cli, model.name, interactive, image)


def _offline(cli: State, interactive: bool) -> None:
    from pasi.agent.offline import INTRO, OfflineAgent

    _say(INTRO)
    _say("Type /help for help, /quit to leave.")
    pasi = cli.pasi()
    agent = OfflineAgent(pasi.memory, safety=pasi.safety)
    for line in _lines(interactive):
        if line.startswith("/"):
            if _command(line):
                break
            continue
        try:
            reply = agent.respond(line)
        except InputError as error:
            _error(error)
            continue
        _say(reply.text)


def _assisted(cli: State, model_name: str, interactive: bool, images: list[Path]) -> None:
    """Each line is a turn: text streams as the model writes it; tool calls show on stderr."""
    from pasi.cli import attach

    pasi = cli.pasi()
    pending = attach.load(images)
    assistant = pasi.assistant(learner=pasi.learner)
    _say(f"pasi is answering with {model_name}; `pasi why` shows what shaped the last answer.")
    _say("Type /help for help, /quit to leave.")
    lines = _lines(interactive)
    for line in lines:
        if line.lower().startswith("/image"):
            try:
                line = attach.image_command(line, pending) or ""
            except InputError as error:
                _error(error)
                continue
            if not line:
                continue
        elif line.startswith("/"):
            if _command(line):
                break
            continue
        try:
            waiting = _show_turn(attach.turn(pasi, assistant, line, pending))
            _confirm(cli, waiting, lines, interactive)
        except PasiError as error:  # the model failed: the line is kept, the chat goes on
            sys.stdout.write("\n")
            _error(error)


def _confirm(
    cli: State, waiting: list[ConfirmationNeeded], lines: Iterator[str], interactive: bool
) -> None:
    """The held actions, asked inline: y runs it, n refuses it, anything else leaves it pending
    (for `pasi actions`). Several held in one turn are asked once (all, none, or one by one).
    Piped input answers with its next line."""
    from pasi.agent.actions import approve_all, deny_all

    pasi = cli.pasi()
    if len(waiting) > 1:
        shown = ", ".join(f"{event.action_id} ({event.tool})" for event in waiting)
        question = f"run actions {shown}? [y = all / n = none / e = one by one] "
        answer = _ask(question, lines, interactive).strip().lower()
        ids = [event.action_id for event in waiting]
        if answer in ("y", "yes"):
            for decision in approve_all(pasi.memory, ids, clock=pasi.clock):
                _said_yes(decision.action.id, decision.result)
            return
        if answer in ("n", "no"):
            deny_all(pasi.memory, ids, clock=pasi.clock)
            _say(f"actions {', '.join(map(str, ids))} denied: not run")
            return
        if answer not in ("e", "each"):
            _say(f"actions {', '.join(map(str, ids))} left pending: `pasi actions` shows them")
            return
    for event in waiting:
        _confirm_one(cli, event, lines, interactive)


def _confirm_one(
    cli: State, event: ConfirmationNeeded, lines: Iterator[str], interactive: bool
) -> None:
    from pasi.agent.actions import approve, deny

    pasi = cli.pasi()
    question = f"run action {event.action_id} ({event.tool})? [y/n] "
    answer = _ask(question, lines, interactive).strip().lower()
    if answer in ("y", "yes"):
        _said_yes(event.action_id, approve(pasi.memory, event.action_id, clock=pasi.clock).result)
    elif answer in ("n", "no"):
        deny(pasi.memory, event.action_id, clock=pasi.clock)
        _say(f"action {event.action_id} denied: not run")
    else:
        _say(f"action {event.action_id} left pending: `pasi actions` shows it")


def _said_yes(action_id: int, result: ToolResult | None) -> None:
    outcome = "done" if result is not None and result.ok else "failed"
    _say(f"action {action_id} {outcome}: {result.content if result else ''}")


def _ask(question: str, lines: Iterator[str], interactive: bool) -> str:
    if interactive:
        try:
            return input(question)
        except (EOFError, KeyboardInterrupt):
            return ""
    _say(question)
    return next(lines, "")


def _show_turn(events: Iterator[Event]) -> list[ConfirmationNeeded]:
    """Streams the turn; returns the actions it left waiting for the user's consent."""
    from pasi.agent.events import ConfirmationNeeded, Notice, TextDelta, ToolFinished, ToolStarted

    waiting = []
    for event in events:
        if isinstance(event, TextDelta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, Notice):  # the charter's budget note, a consent question
            sys.stdout.write("\n\n" + event.text)
        elif isinstance(event, ToolStarted):
            sys.stderr.write(f"[{event.call.name} ...]\n")
        elif isinstance(event, ToolFinished):
            outcome = "done" if event.result.ok else "failed: " + event.result.content
            if "pending_action" in event.result.data:
                outcome = "waits for your confirmation"
            sys.stderr.write(f"[{event.call.name} {outcome}]\n")
        elif isinstance(event, ConfirmationNeeded):
            waiting.append(event)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return waiting


def _error(error: Exception) -> None:
    sys.stderr.write(f"error: {' '.join(str(error).split())}\n")


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
