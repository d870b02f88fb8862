"""Language models, embedders and (later) speech and vision, each behind a small protocol."""

from pasi.models.chat import (
    ChatModel,
    ChatRequest,
    Chunk,
    Completion,
    Message,
    ScriptedModel,
    ToolCall,
    ToolSpec,
)
from pasi.models.embedder import Embedder, WordLlamaEmbedder, make_embedder

__all__ = [
    "ChatModel",
    "ChatRequest",
    "Chunk",
    "Completion",
    "Embedder",
    "Message",
    "ScriptedModel",
    "ToolCall",
    "ToolSpec",
    "WordLlamaEmbedder",
    "make_embedder",
]
