"""``pasi models``: which models pasi uses, a quick test of one, and downloading a GGUF.

Model code is imported inside each command: the ``openai`` SDK and ``xllamacpp`` are heavy,
and ``pasi --help`` should not pay for them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pasi.cli.common import state
from pasi.cli.render import console, err_console, print_json
from pasi.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pasi.config import Settings

models_app = typer.Typer(
    help="Chat models: list them, test one, download a GGUF.", no_args_is_help=True
)

PROBE_PROMPT = "Reply with one short sentence: are you there?"


@models_app.command("list")
def list_models(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Models per tier (with the automatic choice), GGUFs in the vault, the catalogue."""
    from pasi.models.download import CATALOGUE
    from pasi.models.registry import local_ggufs, models_dir, resolve, tier_settings

    settings = state(ctx).settings()
    tiers, chosen = [], {}
    for tier, (setting, text) in zip(("fast", "strong"), tier_settings(settings), strict=True):
        if text not in chosen:  # `auto` for both tiers probes once
            chosen[text] = resolve(text, settings, setting).describe()
        tiers.append({"tier": tier, "setting": setting, "value": text, "model": chosen[text]})
    folder = models_dir(settings)
    files = [{"file": str(p), "bytes": p.stat().st_size} for p in local_ggufs(folder)]
    catalogue = [
        {
            "name": e.name,
            "bytes": e.size,
            "about": e.about,
            "source": e.source,
            "pulled": (folder / e.file).is_file(),
        }
        for e in CATALOGUE
    ]
    if as_json:
        print_json(
            {"tiers": tiers, "models_dir": str(folder), "files": files, "catalogue": catalogue}
        )
        return
    _show(tiers, folder, files, catalogue)


def _show(tiers: list[Any], folder: Path, files: list[Any], catalogue: list[Any]) -> None:
    from rich.table import Table

    out = console()
    table = Table("tier", "setting", "model")
    for row in tiers:
        table.add_row(row["tier"], f"{row['setting']} = {row['value']!r}", row["model"])
    out.print(table)
    out.print(f"GGUF files in {folder}: {len(files) or 'none'}", markup=False)
    for row in files:
        out.print(f"  {row['file']}  ({_size(row['bytes'])})", markup=False)
    table = Table("catalogue name", "size", "about", "pulled", title="pasi models pull NAME")
    for row in catalogue:
        table.add_row(
            row["name"], _size(row["bytes"]), row["about"], "yes" if row["pulled"] else ""
        )
    out.print(table)


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


@models_app.command("test")
def test_model(
    ctx: typer.Context,
    spec: str | None = typer.Argument(
        None, metavar="[SPEC]", help="A model spec; default: the strong tier's model."
    ),
    tier: str = typer.Option("strong", "--tier", help="Tier to test when no SPEC: fast or strong."),
) -> None:
    """Send a tiny request to a model and print how long the reply took."""
    from pasi.models.chat import ChatRequest, Message
    from pasi.models.registry import build_model, resolve, tier_settings

    settings = state(ctx).settings()
    setting, text = _tier_spec(settings, tier, tier_settings) if spec is None else ("SPEC", spec)
    choice = resolve(text, settings, setting)
    if choice.spec is None:
        raise ConfigError(
            f"no model to test: {setting} is {choice.describe()!r}; give a SPEC "
            "(e.g. ollama:llama3.2) or see docs/models.md"
        )
    model = build_model(choice.spec, settings)
    if choice.reason:
        err_console().print(choice.reason, markup=False)
    started = time.perf_counter()
    completion = model.complete(ChatRequest([Message("user", PROBE_PROMPT)], max_tokens=32))
    elapsed = time.perf_counter() - started
    reply = " ".join(completion.text.split()) or "(an empty reply)"
    console().print(f"{model.name}: replied in {elapsed * 1000:,.0f} ms: {reply}", markup=False)


def _tier_spec(settings: Settings, tier: str, tier_settings: Any) -> tuple[str, str]:
    fast, strong = tier_settings(settings)
    if tier not in ("fast", "strong"):
        raise InputError(f"--tier is 'fast' or 'strong', not '{tier}'")
    return fast if tier == "fast" else strong


@models_app.command("pull")
def pull(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A catalogue name (see `pasi models list`)."),
    url: str | None = typer.Option(None, "--url", help="Download this URL instead (a GGUF)."),
    sha256: str | None = typer.Option(None, "--sha256", help="Its SHA-256, required with --url."),
) -> None:
    """Download a GGUF into the vault's models folder, verifying its checksum."""
    from pasi.models.registry import models_dir

    folder = models_dir(state(ctx).settings())
    dest = _pull_catalogue(name, folder) if url is None else _pull_url(name, url, sha256, folder)
    if dest is not None:
        use = (_use_hint(name) if url is None else "") or f'model = "llamacpp:{dest.name}"'
        console().print(f"downloaded {dest}; use it with {use}", markup=False)


def _use_hint(name: str) -> str:
    from pasi.models.download import find_entry

    return find_entry(name).use


def _pull_catalogue(name: str, folder: Path) -> Path | None:
    from pasi.models.download import fetch_catalogue_model, find_entry, is_entry_verified

    entry = find_entry(name)
    dest = folder / entry.file
    if is_entry_verified(entry, folder):
        console().print(f"already there: {dest}", markup=False)
        return None
    err_console().print(f"fetching {entry.file} from {entry.source}", markup=False)
    with _ProgressBar(entry.file) as advance:
        return fetch_catalogue_model(name, folder, progress=advance)


def _pull_url(name: str, url: str, sha256: str | None, folder: Path) -> Path | None:
    from pasi.models.download import check_sha256, download, stamp

    if sha256 is None:
        raise InputError("--url needs --sha256: pasi keeps only files it can verify")
    file_name, digest = _file_name(name), check_sha256(sha256)
    dest = folder / file_name
    if dest.is_file():
        console().print(f"already there: {dest}", markup=False)
        return None
    with _ProgressBar(file_name) as advance:
        download(url, dest, digest, progress=advance)
    stamp(dest, digest)
    return dest


def _file_name(name: str) -> str:
    base = Path(name).name
    if not base or base != name or base.startswith("."):
        raise InputError(f"NAME must be a plain file name with --url, not '{name}'")
    return base if base.endswith(".gguf") else f"{base}.gguf"


class _ProgressBar:
    """A Rich progress bar on stderr that a download callback advances."""

    def __init__(self, label: str) -> None:
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        self._bar = Progress(
            *Progress.get_default_columns(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=err_console(),
            transient=True,
        )
        self._task = self._bar.add_task(label, total=None)

    def __enter__(self) -> Any:
        self._bar.start()
        return self._advance

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def _advance(self, done: int, total: int | None) -> None:
        self._bar.update(self._task, completed=done, total=total)
