"""Memory: episodes and statements with provenance, corrections, erasure and retrieval."""

from pasi.memory.retrieval import Recalled, RetrievalParams, Retriever
from pasi.memory.store import ForgetReport, MemoryStore, Turn

__all__ = ["ForgetReport", "MemoryStore", "Recalled", "RetrievalParams", "Retriever", "Turn"]
