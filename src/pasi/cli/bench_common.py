"""What the ``pasi bench`` commands share: option parsing, loading a harness, printing results."""

from __future__ import annotations

import importlib
from typing import Any

import typer

from pasi.cli.common import state
from pasi.cli.render import console, err_console, print_json
from pasi.errors import InputError, PasiError


def ints(value: str, option: str) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        numbers = []
    if not numbers or any(n < 1 for n in numbers):
        raise InputError(
            f"{option} takes positive whole numbers separated by commas, not '{value}'"
        )
    return numbers


def harness(module: str, function: str) -> Any:
    try:
        loaded = importlib.import_module(f"pasi.bench.{module}")
    except ModuleNotFoundError as error:
        if error.name != f"pasi.bench.{module}":
            raise
        raise PasiError(
            f"the {module} benchmark is not available in this version of pasi"
        ) from None
    return getattr(loaded, function)


def progress(message: str) -> None:
    err_console().print(message, markup=False)


def build_chat_model(ctx: typer.Context, spec: str, option: str) -> Any:
    """The chat model a spec names (``auto`` resolved), built as pasi would build it."""
    from pasi.models.registry import build_model, resolve

    settings = state(ctx).settings()
    choice = resolve(spec, settings, option)
    if choice.spec is None:
        raise InputError(f"{option} needs a model spec, e.g. ollama:llama3.2 (docs/models.md)")
    return build_model(choice.spec, settings)


def show(result: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("measure", overflow="fold")
    table.add_column("value", overflow="fold")
    for key, value in flatten(result):
        table.add_row(key, str(value))
    console().print(table)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested results as (dotted key, value) rows for a two-column table."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, inner in value.items():
            rows.extend(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = []
        for index, inner in enumerate(value):
            rows.extend(flatten(inner, f"{prefix}[{index}]"))
        return rows
    return [(prefix, value)]
