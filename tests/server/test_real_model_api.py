"""The OpenAI-compatible API answered by a real small model (Qwen2.5-Coder-0.5B, in process),
through the real ``openai`` SDK: what any client gets is a plain answer, never tool-call text,
never empty, and it is what pasi recorded."""

from __future__ import annotations

from collections.abc import Callable

from live_server import RunningServer

from pasi.bench.model import TOOL_TEXT
from pasi.models.chat import ChatModel


def test_a_streamed_answer_from_a_real_model_is_plain_text(
    start_server: Callable[..., RunningServer], qwen_chat: ChatModel
) -> None:
    server = start_server(chat_model=qwen_chat)
    alice = server.token("alice")
    server.pasi("alice").memory.remember("The user's bike is in the shed")
    stream = server.openai(alice).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "Where is my bike?"}], stream=True
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text.strip() and not TOOL_TEXT.search(text)
    recorded = server.turns(limit=1)[0]
    assert recorded.role == "assistant" and recorded.text == text.strip()
