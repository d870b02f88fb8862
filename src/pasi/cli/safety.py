"""``pasi safety check``: the content policy's verdict on each input line, as JSON lines."""

from __future__ import annotations

import json
import sys

import typer

from pasi.cli.common import state
from pasi.cli.lines import input_texts

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
    for text in input_texts(source, jsonl=jsonl):
        verdict = classifier.classify(text)
        row = {"safe": verdict.safe, "categories": list(verdict.categories), "by": verdict.by}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
