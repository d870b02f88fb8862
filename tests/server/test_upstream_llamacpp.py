"""pasi serve with a real upstream: llama.cpp's OpenAI-compatible server on the tiny GGUF.

Its random weights write nonsense, so the test checks the plumbing: what the SDK receives,
streamed or whole, is exactly what pasi recorded as its reply and what came from upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import xllamacpp  # noqa: F401  (installed by the test setup: fail, never skip)
from live_server import RunningServer

from models.llamacpp_server import llamacpp_server
from pasi.config import Settings


@pytest.fixture(scope="module")
def llama_url(tiny_gguf: Path) -> Iterator[str]:
    with llamacpp_server(tiny_gguf, n_ctx=2048) as url:
        yield url


@pytest.fixture
def upstream(
    start_server: Callable[..., RunningServer], server_settings: Settings, llama_url: str
) -> RunningServer:
    settings = server_settings.model_copy(
        update={
            "model": f"openai-compatible:{llama_url}#tiny",
            "fast_model": "none",  # no extraction in the background: this test is about serving
            "context_tokens": 500,
        }
    )
    return start_server(settings)


def _last_reply(server: RunningServer) -> str:
    turns = server.turns(limit=2)
    assert [t.role for t in turns] == ["user", "assistant"]
    return turns[-1].text


def test_whole_completion_from_llamacpp(upstream: RunningServer) -> None:
    reply = upstream.openai(upstream.token()).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "hello"}], max_tokens=24
    )
    assert reply.pasi["model"] == "openai-compatible:tiny"  # type: ignore[attr-defined]
    text = reply.choices[0].message.content
    assert text and text == _last_reply(upstream)


def test_streamed_completion_from_llamacpp(upstream: RunningServer) -> None:
    stream = upstream.openai(upstream.token()).chat.completions.create(
        model="pasi",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
        max_tokens=24,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.replace("\x00", "").strip() == _last_reply(upstream)  # NUL is not stored
    assert chunks[-1].choices[0].finish_reason == "stop"
