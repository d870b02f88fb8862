"""Text embedders behind one small protocol.

``wordllama`` ships its weights inside its wheel, so pasi has semantic search on any machine
with no download. Its plain ``WordLlama.load()`` tries the network even though the weights are
on disk, so it is loaded from the package directory with downloads disabled.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pasi.errors import ConfigError

if TYPE_CHECKING:
    from pasi.config import Settings


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of a fixed ``dim`` (all zeros for a text
    without meaning, such as the empty one: dense scoring takes that as no signal)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


# Loaded WordLlama models by dimension, shared by every WordLlamaEmbedder in the process: the
# memory's embedder and the safety similarity signal each make one, and a second load cost
# ~170 ms and ~9 MiB.
_LOADED: dict[int, Any] = {}
_LOADING = threading.Lock()


class WordLlamaEmbedder:
    """WordLlama (l2_supercat, 256 dimensions): ~35k sentences/s on one core, offline."""

    name = "wordllama"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _load(self) -> Any:
        with _LOADING:
            if self.dim not in _LOADED:
                import wordllama
                from wordllama import WordLlama

                _LOADED[self.dim] = WordLlama.load(
                    cache_dir=Path(wordllama.__file__).parent,
                    disable_download=True,
                    dim=self.dim,
                )
            return _LOADED[self.dim]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        with np.errstate(invalid="ignore", divide="ignore"):
            vectors = model.embed(list(texts), norm=True, batch_size=256)
        # A text with no known word (the empty one) has a zero sum, which WordLlama divides by
        # its zero norm: NaN. A zero vector instead says "no meaning" (cosine 0 with anything).
        vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float32), nan=0.0)
        return np.ascontiguousarray(vectors)


def make_embedder(spec: str, settings: Settings | None = None) -> Embedder | None:
    """Resolve the ``embedder`` setting; ``none`` means lexical search only.

    Besides ``wordllama``, any server or GGUF spec works (``ollama:nomic-embed-text``,
    ``openai:text-embedding-3-small``, ``openai-compatible:URL#NAME``, ``llamacpp:PATH``);
    its URL, key and timeout come from ``settings``.
    """
    name = spec.strip().lower()
    if name in ("none", ""):
        return None
    if name == "wordllama":
        return WordLlamaEmbedder()
    if ":" not in name or name == "auto":
        raise ConfigError(
            f"unknown embedder '{spec}' in setting 'embedder': use 'wordllama', 'none', "
            "or a model spec such as ollama:nomic-embed-text (docs/models.md)"
        )
    from pasi.config import load_settings
    from pasi.models.registry import build_embedder, parse_spec

    parsed = parse_spec(spec, "embedder")
    assert parsed is not None
    return build_embedder(parsed, settings or load_settings())
