"""Which models are on the user's machine: in-process llama.cpp, and servers on loopback only."""

from __future__ import annotations

from pathlib import Path

import pytest

from pasi.config import Settings
from pasi.models.chat import ScriptedModel
from pasi.models.locality import host_is_loopback, is_local, url_is_local
from pasi.models.registry import ModelSpec, build_model


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:11434/v1", "http://localhost:8000/v1", "http://[::1]:8080/v1",
     "http://127.3.4.5/v1", "https://LOCALHOST/v1", "http://api.localhost:9000/v1"],
)  # fmt: skip
def test_loopback_servers_are_local(url: str) -> None:
    assert url_is_local(url)


@pytest.mark.parametrize(
    "url",
    ["https://api.openai.com/v1", "http://192.168.1.20:11434/v1", "http://10.0.0.5/v1",
     "http://[2001:db8::1]/v1", "http://no-such-host.invalid/v1", "not a url"],
)  # fmt: skip
def test_everything_else_is_remote_even_when_it_cannot_be_resolved(url: str) -> None:
    assert not url_is_local(url)


def test_a_loopback_host_declared_remote_is_remote_by_host_or_by_port() -> None:
    assert not url_is_local("http://127.0.0.1:8000/v1", ["127.0.0.1:8000"])
    assert url_is_local("http://127.0.0.1:9000/v1", ["127.0.0.1:8000"])
    assert not url_is_local("http://localhost:9000/v1", ["LOCALHOST"])
    assert not url_is_local("http://[::1]:8000/v1", ["[::1]:8000"])


def test_a_name_that_resolves_to_loopback_is_local() -> None:
    assert host_is_loopback("localhost")
    assert not host_is_loopback("example.invalid")


def test_every_backend_says_whether_it_is_local(tmp_path: Path, tiny_gguf: Path) -> None:
    settings = Settings(vault=tmp_path, remote_hosts=["localhost:8001"], openai_api_key="k")
    ollama = build_model(ModelSpec("ollama", "llama3.2"), settings)
    openai = build_model(ModelSpec("openai", "gpt-4o-mini"), settings)
    tunnel = build_model(ModelSpec("openai-compatible", "m", "http://localhost:8001/v1"), settings)
    gguf = build_model(ModelSpec("llamacpp", str(tiny_gguf)), settings)
    assert (ollama.local, openai.local, tunnel.local, gguf.local) == (True, False, False, True)
    assert ScriptedModel(lambda _: "hi").local is True
    assert is_local(ScriptedModel(lambda _: "hi", local=False)) is False


def test_a_model_that_does_not_say_is_treated_as_remote() -> None:
    class Unsure:
        name = "unsure"

    assert not is_local(Unsure())
