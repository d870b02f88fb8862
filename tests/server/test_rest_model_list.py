"""Settings lists the models the configured servers offer (Ollama, an OpenAI-compatible
server), asking only the servers the settings name, on a real pasi server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable

from live_server import RunningServer

from models.scripted_http import Reply, Seen, closed_port, serve
from pasi.config import Settings


def _ollama(seen: Seen) -> Reply:
    if seen.path == "/api/tags":
        return Reply(body={"models": [{"name": "llama3.2:latest"}, {"name": "qwen2.5:0.5b"}]})
    return Reply(404, {"error": "not found"})


def _vllm(seen: Seen) -> Reply:
    if seen.path == "/v1/models":
        return Reply(body={"object": "list", "data": [{"id": "Qwen/Qwen2.5-7B-Instruct"}]})
    return Reply(404, {"error": "not found"})


def test_the_models_each_configured_server_offers_are_listed_as_specs(
    start_server: Callable[..., RunningServer], server_settings: Settings
) -> None:
    with serve(_ollama) as ollama, serve(_vllm) as vllm:
        settings = server_settings.model_copy(update={
            "ollama_url": f"{ollama.url}/v1",
            "strong_model": f"openai-compatible:{vllm.url}/v1#Qwen/Qwen2.5-7B-Instruct",
        })  # fmt: skip
        server = start_server(settings)
        listed = server.http(server.token()).get("/api/settings/models").json()
    assert listed == [
        {"server": "ollama", "url": f"{ollama.url}/v1", "answered": True,
         "specs": ["ollama:llama3.2:latest", "ollama:qwen2.5:0.5b"]},
        {"server": "openai-compatible", "url": f"{vllm.url}/v1", "answered": True,
         "specs": [f"openai-compatible:{vllm.url}/v1#Qwen/Qwen2.5-7B-Instruct"]},
    ]  # fmt: skip
    assert [s.path for s in ollama.seen] == ["/api/tags"]


def test_a_server_that_does_not_answer_is_said_so(
    start_server: Callable[..., RunningServer], server_settings: Settings
) -> None:
    port = closed_port()
    settings = server_settings.model_copy(update={"ollama_url": f"http://127.0.0.1:{port}"})
    server = start_server(settings)
    [ollama] = server.http(server.token()).get("/api/settings/models").json()
    assert ollama == {"server": "ollama", "url": f"http://127.0.0.1:{port}", "answered": False,
                      "specs": []}  # fmt: skip
