"""The vision seam: a model that looks at an image and says what it sees.

Any chat model that accepts OpenAI-style image input (``image_url`` content parts holding a
data URL: Ollama's llava or qwen2.5-vl, vLLM, llama.cpp's server with a projector, OpenAI)
serves as a :class:`Captioner` through :class:`ChatCaptioner`. Which one is the setting
``vision_model``; empty means pasi has no eyes and reads images only by OCR and EXIF.

A remote vision model sees the user's photos, so it is used only through the privacy gateway
and its audit log, like every remote model: the composition root passes ``private`` (the
wrapping, which this layer cannot import) to :func:`make_captioner`, and without it a remote
``vision_model`` is refused rather than called directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pasi.errors import ConfigError
from pasi.models.chat import ChatModel, ChatRequest, ImagePart, Message
from pasi.models.locality import is_local

if TYPE_CHECKING:
    from pasi.config import Settings

CAPTION_PROMPT = (
    "Describe this image for someone's personal memory. First line: a one-sentence caption. "
    "Then say briefly who is in it (appearance only, never guess names), the notable objects, "
    "and what kind of place it is. Do not invent what you cannot see."
)


@runtime_checkable
class Captioner(Protocol):
    """Looks at one image; ``prompt`` says what to look for (a caption, the user's question)."""

    name: str

    def describe(self, image: ImagePart, prompt: str = CAPTION_PROMPT) -> str: ...


class ChatCaptioner:
    """A vision-capable chat model used as a captioner: one user message with the image."""

    def __init__(self, model: ChatModel, *, max_tokens: int = 400) -> None:
        self.model = model
        self.name = model.name
        self.max_tokens = max_tokens

    @property
    def local(self) -> bool:
        """Whether the images stay on this machine (the model's own answer)."""
        return is_local(self.model)

    def describe(self, image: ImagePart, prompt: str = CAPTION_PROMPT) -> str:
        message = Message("user", prompt, images=(image,))
        reply = self.model.complete(ChatRequest([message], max_tokens=self.max_tokens))
        return reply.text.strip()


def make_captioner(
    settings: Settings, *, private: Callable[[ChatModel], ChatModel | None] | None = None
) -> Captioner | None:
    """The captioner ``vision_model`` names, or None when it is empty or 'none'.

    ``private`` wraps a remote model (``Pasi.captioner`` passes the privacy gateway); a remote
    model without it is a ConfigError, so no code path sends photos out unaudited.
    """
    from pasi.models.registry import build_model, parse_spec

    spec = parse_spec(settings.vision_model, "vision_model")
    if spec is None:
        return None
    model: ChatModel | None = build_model(spec, settings)
    if model is not None and not is_local(model):
        if private is None:
            raise ConfigError(
                f"vision_model '{settings.vision_model}' is a remote model: pasi sends it images "
                "only through its privacy gateway (build the captioner with Pasi.captioner())"
            )
        model = private(model)
    return ChatCaptioner(model) if model is not None else None
