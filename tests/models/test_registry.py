"""Model specs, tiers and the automatic choice, with a real fake Ollama on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from scripted_http import Reply, Seen, closed_port, serve

from pasi.config import load_settings
from pasi.errors import ConfigError, ModelAuthError, ModelNotFoundError
from pasi.models.bounds import Bounded
from pasi.models.llamacpp import LlamaCppModel
from pasi.models.openai_compat import OpenAICompatModel
from pasi.models.registry import ModelSpec, choose_auto, load_models, parse_spec, probe_ollama
from pasi.models.tool_text import TextToolCalls


@pytest.fixture(autouse=True)
def _no_ollama_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("PASI_OLLAMA_URL", f"http://127.0.0.1:{closed_port()}/v1")


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("ollama:llama3.2", ModelSpec("ollama", "llama3.2")),
        ("ollama:qwen2.5:0.5b", ModelSpec("ollama", "qwen2.5:0.5b")),
        ("OpenAI:gpt-4o-mini", ModelSpec("openai", "gpt-4o-mini")),
        (
            "openai-compatible:http://10.0.0.5:8000/v1/#Qwen/Qwen2.5-7B",
            ModelSpec("openai-compatible", "Qwen/Qwen2.5-7B", "http://10.0.0.5:8000/v1"),
        ),
        ("llamacpp:/models/tiny.gguf", ModelSpec("llamacpp", "/models/tiny.gguf")),
        ("none", None),
        (" NONE ", None),
    ],
)
def test_specs_parse_to_backend_name_and_url(text: str, spec: ModelSpec | None) -> None:
    assert parse_spec(text) == spec


@pytest.mark.parametrize(
    "text",
    [
        "llama3.2",
        "gpt:4o",
        "ollama:",
        "openai-compatible:localhost:8000#m",
        "openai-compatible:http://h/v1",
    ],
)
def test_a_bad_spec_is_a_config_error_naming_the_setting_and_the_forms(text: str) -> None:
    with pytest.raises(ConfigError, match="setting 'fast_model'") as caught:
        parse_spec(text, "fast_model")
    assert text in str(caught.value) and "ollama:NAME" in str(caught.value)


def test_one_set_tier_fills_the_other_and_model_fills_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASI_STRONG_MODEL", "ollama:big")  # model is left at auto
    one = load_models(load_settings())
    assert one.fast is one.strong and one.strong.name == "ollama:big"
    assert one.chosen == "ollama:big"
    monkeypatch.setenv("PASI_FAST_MODEL", "ollama:small")
    two = load_models(load_settings())
    assert (two.fast.name, two.strong.name) == ("ollama:small", "ollama:big")
    assert two.chosen == "fast: ollama:small; strong: ollama:big"
    monkeypatch.delenv("PASI_STRONG_MODEL")
    monkeypatch.setenv("PASI_MODEL", "ollama:medium")  # an explicit model fills the unset tier
    three = load_models(load_settings())
    assert (three.fast.name, three.strong.name) == ("ollama:small", "ollama:medium")
    monkeypatch.delenv("PASI_FAST_MODEL")
    both = load_models(load_settings())
    assert both.fast is both.strong and both.strong.name == "ollama:medium"


def test_none_means_no_model_in_either_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASI_MODEL", "none")
    models = load_models(load_settings())
    assert (models.fast, models.strong, models.chosen) == (None, None, "none")


def test_openai_without_a_key_says_where_to_put_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASI_MODEL", "openai:gpt-4o-mini")
    with pytest.raises(ModelAuthError, match="OPENAI_API_KEY"):
        load_models(load_settings())
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    wrapped = load_models(load_settings()).strong
    assert isinstance(wrapped, TextToolCalls) and wrapped.mode == "auto"
    bounded = wrapped.inner
    assert isinstance(bounded, Bounded) and bounded.max_tokens == 512
    model = bounded.inner
    assert isinstance(model, OpenAICompatModel) and model.provider.api_key == "sk-test"
    assert model.provider.base_url == "https://api.openai.com/v1"


def test_a_missing_gguf_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PASI_MODEL", f"llamacpp:{tmp_path / 'nothing.gguf'}")
    with pytest.raises(ModelNotFoundError, match=r"nothing\.gguf"):
        load_models(load_settings())


def test_a_bare_gguf_name_is_looked_up_in_the_vault(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mine.gguf").write_bytes(b"GGUF")
    monkeypatch.setenv("PASI_VAULT", str(tmp_path))
    monkeypatch.setenv("PASI_MODEL", "llamacpp:mine.gguf")
    model = load_models(load_settings()).strong.inner.inner  # type: ignore[union-attr]
    assert isinstance(model, LlamaCppModel) and model.path == tmp_path / "models" / "mine.gguf"


def _fake_ollama(names: list[str]):
    def handler(seen: Seen) -> Reply:
        if seen.path == "/api/tags":
            return Reply(body={"models": [{"name": name} for name in names]})
        return Reply(404, {"error": "not found"})

    return handler


def test_auto_prefers_a_running_ollama_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with serve(_fake_ollama(["llama3.2:latest", "qwen2.5:0.5b"])) as ollama:
        monkeypatch.setenv("PASI_OLLAMA_URL", f"{ollama.url}/v1")
        models = load_models(load_settings())
    assert models.strong is not None and models.strong.name == "ollama:llama3.2:latest"
    assert models.fast is models.strong
    assert "an Ollama server answers at" in models.chosen and ollama.url in models.chosen
    assert [seen.path for seen in ollama.seen] == ["/api/tags"]  # both tiers: one probe


def test_auto_falls_back_to_openai_models_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(seen: Seen) -> Reply:
        if seen.path == "/v1/models":
            return Reply(body={"object": "list", "data": [{"id": "served-model"}]})
        return Reply(404, {"error": "not found"})

    with serve(handler) as server:
        assert probe_ollama(f"{server.url}/v1") == ["served-model"]


def test_auto_without_ollama_takes_an_openai_key_then_a_gguf_then_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PASI_VAULT", str(tmp_path / "vault"))
    started = time.perf_counter()
    nothing = choose_auto(load_settings())
    assert time.perf_counter() - started < 1.5  # a closed port never hangs the start
    assert nothing.spec is None and "no OPENAI_API_KEY" in nothing.reason
    models = tmp_path / "vault" / "models"
    models.mkdir(parents=True)
    (models / "b.gguf").write_bytes(b"GGUF")
    (models / "a.gguf").write_bytes(b"GGUF")
    (models / "c.gguf.part").write_bytes(b"GG")
    local = choose_auto(load_settings())
    assert local.spec == ModelSpec("llamacpp", str(models / "a.gguf"))
    assert str(models) in local.reason
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert choose_auto(load_settings()).spec == ModelSpec("openai", "gpt-4o-mini")


def test_an_ollama_with_no_models_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(_fake_ollama([])) as ollama:
        monkeypatch.setenv("PASI_OLLAMA_URL", ollama.url)
        choice = choose_auto(load_settings())
    assert choice.spec is None and "no models" in choice.reason


def test_a_blackholed_ollama_url_is_given_up_within_the_probe_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def handler(_: Seen) -> Reply:
        return Reply(body={"models": [{"name": "slow"}]}, delay=2)

    with serve(handler) as ollama:
        started = time.perf_counter()
        assert probe_ollama(ollama.url) is None
        assert time.perf_counter() - started < 1.5  # the server would answer after 2 s


def test_resolving_models_imports_no_backend_and_touches_no_network() -> None:
    code = (
        "import sys\n"
        "from pasi.config import load_settings\n"
        "from pasi.models.registry import load_models\n"
        "m = load_models(load_settings(model='ollama:llama3.2', fast_model='openai:x',"
        " openai_api_key='sk'))\n"
        "assert (m.fast.name, m.strong.name) == ('openai:x', 'ollama:llama3.2')\n"
        "heavy = [n for n in ('openai', 'xllamacpp', 'httpx') if n in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_tool_mode_reaches_every_built_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASI_MODEL", "openai-compatible:http://127.0.0.1:9/v1#qwen")
    monkeypatch.setenv("PASI_TOOL_MODE", "prompt")
    model = load_models(load_settings()).strong
    assert (
        isinstance(model, TextToolCalls)
        and model.prompted
        and model.name == "openai-compatible:qwen"
    )
    monkeypatch.setenv("PASI_TOOL_MODE", "sometimes")
    with pytest.raises(ConfigError, match="tool_mode"):
        load_settings()
