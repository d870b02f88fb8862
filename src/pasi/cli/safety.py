"""``pasi safety check``: the content policy's verdict on each input line, as JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import IO

import typer

from pasi.cli.common import state

safety_app = typer.Typer(
    help="The content policy (MLCommons hazards S1-S14): check text against it.",
    no_args_is_help=True,
)


@safety_app.command("check")
def check(
    ctx: typer.Context,
    source: str = typer.Argument(
        "-", metavar="[FILE|-]", help="A file of lines to check; '-' or nothing reads stdin."
    ),
    jsonl: bool = typer.Option(
        False, "--jsonl", help='Each line is a JSON object {"text": ...}, not plain text.'
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        metavar="SPEC",
        help="Also ask this local chat model (a model spec) with Llama Guard's prompt, as the "
        "content policy does when one is configured (docs/privacy.md#safety).",
    ),
) -> None:
    """One JSON line per input line, in order: {"safe": ..., "categories": [...], "by": ...}.

    Without --model nothing leaves the machine and no model runs: the rules and the
    similarity signal (or the guard model of the setting safety_model, when set).
    """
    from pasi.safety.policy import make_classifier

    settings = state(ctx).settings()
    chat = None
    if model:
        from pasi.models.registry import build_model, parse_spec

        spec = parse_spec(model, "--model")
        chat = build_model(spec, settings) if spec else None
    classifier = make_classifier(settings, chat=chat)
    out = sys.stdout
    for text in _texts(source, jsonl):
        verdict = classifier.classify(text)
        row = {"safe": verdict.safe, "categories": list(verdict.categories), "by": verdict.by}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()


def _texts(source: str, jsonl: bool) -> Iterator[str]:
    """Each input line's text (blank lines are checked too, so output lines match input)."""
    from pasi.errors import InputError

    stream: IO[bytes]
    if source == "-":
        stream, name = sys.stdin.buffer, "stdin"
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise InputError(f"no such file: {source}")
        stream, name = path.open("rb"), str(path)
    with stream if source != "-" else nullcontext(stream):
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                raise InputError(
                    f"{name} line {number} is not valid UTF-8 (byte {error.start})"
                ) from None
            yield _text(line, number, name) if jsonl else line


def _text(line: str, number: int, name: str) -> str:
    from pasi.errors import InputError

    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{name} line {number} is not JSON: {error.msg}") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InputError(f'{name} line {number} is not a JSON object with a "text" string')
    return row["text"]
