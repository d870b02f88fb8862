"""The public face is small and deliberate; the layers import only leftwards (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pasi

SRC = Path(pasi.__file__).parent

# Each layer may import itself and the layers listed for it (plus the shared base modules).
BASE = {"errors", "config", "clock"}
ALLOWED = {
    "vault": set(),
    "models": set(),
    "memory": {"vault", "models"},
    "ingest": {"vault", "models", "memory"},
    "privacy": {"vault", "models", "memory", "ingest"},
    "safety": {"vault", "models", "memory"},
    "life": {"vault", "models", "memory", "ingest"},
    "tools": {"vault", "models", "memory", "ingest", "privacy", "safety", "life"},
    "agent": {"vault", "models", "memory", "ingest", "privacy", "safety", "life", "tools"},
    "senses": {"vault", "models", "memory", "ingest", "privacy", "safety", "life", "tools", "agent"},
    "server": {
        "vault", "models", "memory", "ingest", "privacy", "safety", "life", "tools", "agent", "senses",
    },
    "bench": {
        "vault", "models", "memory", "ingest", "privacy", "safety", "life", "tools", "agent", "senses",
        "server",
    },
}  # fmt: skip


def test_public_names_are_exactly_the_facade() -> None:
    assert sorted(pasi.__all__) == sorted(
        ["Embedder", "Episode", "Memory", "Pasi", "PasiError", "Recalled", "Settings", "Turn"]
    )
    for name in pasi.__all__:
        assert getattr(pasi, name) is not None


def _imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pasi" and len(parts) > 1:
                layers.add(parts[1])
    return layers


def test_layers_import_only_leftwards() -> None:
    violations = []
    for layer, allowed in ALLOWED.items():
        for path in (SRC / layer).rglob("*.py"):
            wrong = _imported_layers(path) - allowed - BASE - {layer}
            if wrong:
                violations.append(f"{path.relative_to(SRC)} imports {sorted(wrong)}")
    assert violations == []
