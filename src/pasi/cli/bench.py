"""``pasi bench``: the benchmark harnesses, on public data sets or the user's own files.

Harness modules are imported inside each command: they are heavy, and some land in pasi
later than the CLI, which must keep working without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from pasi.cli import bench_trust
from pasi.cli.bench_common import build_chat_model, harness, ints, progress, show
from pasi.cli.common import existing_file, state
from pasi.cli.render import console, print_json
from pasi.errors import InputError

bench_app = typer.Typer(help="Run benchmarks: retrieval quality and scale.", no_args_is_help=True)

BACKEND_HELP = "sqlite, or postgres (a throwaway local PostgreSQL)."
POSTGRES_URL_HELP = "With --backend postgres: a database to use instead (each run: new users)."


def _backend(backend: str) -> str:
    if backend not in ("sqlite", "postgres"):
        raise typer.BadParameter("--backend is sqlite or postgres")
    return backend


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
    backend: str = typer.Option("sqlite", "--backend", help=BACKEND_HELP),
    postgres_url: str = typer.Option(None, "--postgres-url", help=POSTGRES_URL_HELP),
) -> None:
    """LoCoMo evidence recall@k over dialogue turns, with no language model."""
    if budget is not None and _backend(backend) != "sqlite":
        raise typer.BadParameter("--budget runs on SQLite only (no --backend postgres yet)")
    if budget is not None:
        run_budget = harness("locomo_budget", "run_locomo_budget")
        result = run_budget(
            existing_file(file), budget, embedder=state(ctx).embedder(),
            progress=None if as_json else progress,
        )  # fmt: skip
        show(result, as_json, f"LoCoMo recall in a {budget}-token context")
        return
    ks = ints(k, "--k")
    _backend(backend)
    run_locomo = harness("locomo", "run_locomo")
    facts = "reference" if reference_facts else "model" if extract else None
    model = _fast_model(ctx) if facts == "model" else None
    result = run_locomo(
        existing_file(file), ks, embedder=state(ctx).embedder(),
        progress=None if as_json else progress, facts=facts, model=model,
        backend=backend, postgres_url=postgres_url,
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
    run_longmemeval = harness("longmemeval", "run_longmemeval")
    result = run_longmemeval(existing_file(file), embedder=state(ctx).embedder())
    show(result, as_json, "LongMemEval")


@bench_app.command()
def scale(
    ctx: typer.Context,
    n: str = typer.Option("10000,100000", "--n", help="Vault sizes to measure, comma-separated."),
    queries: int = typer.Option(200, "--queries", min=1, help="Questions timed at each size."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Use an encrypted (SQLCipher) vault."),
    backend: str = typer.Option(
        "sqlite", "--backend", help="sqlite, or postgres (a throwaway local PostgreSQL)."
    ),
    postgres_url: str = typer.Option(
        None, "--postgres-url", help="With --backend postgres: an empty database to use instead."
    ),
) -> None:
    """Retrieval latency (p50/p95), ingest throughput and memory use at growing sizes."""
    ns = ints(n, "--n")
    _backend(backend)
    run_scale = harness("scale", "run_scale")
    result = run_scale(
        ns, queries=queries, embedder=state(ctx).embedder(), encrypted=encrypt,
        backend=backend, postgres_url=postgres_url,
    )  # fmt: skip
    show(result, as_json, "scale")


@bench_app.command()
def turn(
    ctx: typer.Context,
    n: int = typer.Option(100_000, "--n", min=1, help="Memories in the synthetic vault."),
    turns: int = typer.Option(200, "--turns", min=1, help="Chat turns timed."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    backend: str = typer.Option("sqlite", "--backend", help=BACKEND_HELP),
    postgres_url: str = typer.Option(None, "--postgres-url", help=POSTGRES_URL_HELP),
) -> None:
    """Time a chat turn spends outside the model (p50/p95), with an instant scripted model."""
    run_turn = harness("turn", "run_turn")
    result = run_turn(
        n, turns, embedder=state(ctx).embedder(), progress=None if as_json else progress,
        backend=_backend(backend), postgres_url=postgres_url,
    )  # fmt: skip
    show(result, as_json, "chat turn outside the model")


@bench_app.command("scheduler")
def scheduler_bench(
    jobs: str = typer.Option(
        "100,1000,10000", "--jobs", help="Numbers of daily reminders, comma-separated."
    ),
    rounds: int = typer.Option(50, "--rounds", min=1, help="Idle scheduler rounds timed per size."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Scheduler: an idle round's latency and deliveries per second, by number of jobs."""
    run_scheduler = harness("scheduler", "run")
    show(run_scheduler(ints(jobs, "--jobs"), rounds), as_json, "scheduler")


@bench_app.command("matrix")
def matrix_bench(
    messages: int = typer.Option(20, "--messages", min=1, help="Questions sent through Matrix."),
    model: str = typer.Option(
        "none", "--model", metavar="SPEC", help="Chat model answering ('none': offline answers)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Matrix bridge: message-to-reply latency through a throwaway Synapse on 127.0.0.1."""
    run_matrix = harness("matrix", "run")
    show(run_matrix(messages, model), as_json, "matrix bridge")


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
    run_voice = harness("voice", "run_voice")
    result = run_voice(utterances, whisper_folder=choice.folder if choice else None,
                       accuracy=accuracy, full_window=full_window,
                       recording_minutes=recording)  # fmt: skip
    show(result, as_json, "voice outside the model")


@bench_app.command("day")
def day_bench(
    ctx: typer.Context,
    stt: str = typer.Option("auto", "--stt", help="auto or faster-whisper[:FOLDER]."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Ask about your day: questions on recordings and screen captures, cited right or not."""
    from pasi.models.whisper import whisper_choice

    choice = whisper_choice(stt, state(ctx).settings())
    if choice is None:
        raise InputError("pasi bench day needs Whisper: run `pasi models pull whisper-base`")
    run_day = harness("day", "run_day")
    show(run_day(choice.folder, state(ctx).embedder()), as_json, "ask about your day")


@bench_app.command("ingest")
def ingest_bench(
    ctx: typer.Context,
    messages: int = typer.Option(10_000, "--messages", min=1, help="Messages in the mbox."),
    notes: int = typer.Option(5_000, "--notes", min=1, help="Markdown notes in the folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Ingest throughput and re-sync time on a generated mbox and Markdown folder."""
    run_ingest = harness("ingest", "run_ingest")
    result = run_ingest(
        embedder=state(ctx).embedder(), messages=messages, notes=notes,
        progress=None if as_json else progress,
    )  # fmt: skip
    show(result, as_json, "ingest")


@bench_app.command("model")
def model_bench(
    ctx: typer.Context,
    spec: str = typer.Argument(
        "", metavar="[SPEC]", help="The model to score (docs/models.md); default: the strong tier."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Score a chat model on conversations written for pasi: replies, tools, memories, cost."""
    run_model_bench = harness("model", "run_model_bench")
    settings = state(ctx).settings()
    chosen = spec or settings.strong_model or settings.model
    chat_model = build_chat_model(ctx, chosen, "SPEC")
    result = run_model_bench(
        chat_model, embedder=state(ctx).embedder(), progress=None if as_json else progress
    )
    if not as_json:
        result = {k: v for k, v in result.items() if k != "conversations"}
    show(result, as_json, f"model ({result['model']})")


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
    backend: str = typer.Option("sqlite", "--backend", help=BACKEND_HELP),
    users: int = typer.Option(
        1, "--users", min=1, help="Users, each with --memories memories; clients take them in turn."
    ),
    postgres_url: str = typer.Option(None, "--postgres-url", help=POSTGRES_URL_HELP),
) -> None:
    """pasi serve under streaming chat clients: errors, time to first token, memory."""
    run_serve = harness("serve", "run")
    result = run_serve(
        clients, duration, think=think, memories=memories, embedder=state(ctx).settings().embedder,
        remote=remote, progress=None if as_json else progress, backend=_backend(backend),
        users=users, postgres_url=postgres_url,
    )  # fmt: skip
    show(result, as_json, "pasi serve under load")


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
    run_tables = harness("tables", "run_tables")
    splits = None if split == "all" else [split]
    if model is None:
        result = run_tables(splits, limit=limit)
    else:
        chat_model = build_chat_model(ctx, model, "--model")
        answerer = harness("tables", "model_answerer")(chat_model)
        result = run_tables(splits, answerer, chat_model.name, limit=limit,
                         progress=progress)  # fmt: skip
    if not as_json:
        for figures in result["splits"].values():
            figures["wrong"] = len(figures["wrong"])  # the questions are in --json
    show(result, as_json, f"tables ({result['answerer']})")


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
    result = harness("capture", "run_capture")(None if split == "all" else [split], scenes)
    show(result, as_json, "capture")


bench_trust.register(bench_app)
