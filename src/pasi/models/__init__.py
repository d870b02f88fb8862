"""Language models, embedders and (later) speech and vision, each behind a small protocol."""

from pasi.models.embedder import Embedder, WordLlamaEmbedder, make_embedder

__all__ = ["Embedder", "WordLlamaEmbedder", "make_embedder"]
