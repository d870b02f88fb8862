"""A real pasi app for the REST tests: a user registry, two users with their own vaults, tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from pasi.config import Settings
from pasi.models.chat import ChatModel
from pasi.models.embedder import Embedder
from pasi.server.app import create_app
from pasi.server.users import UserRegistry
from pasi.vault.sqlite import open_vault


@dataclass
class RestApp:
    client: TestClient
    tokens: dict[str, str]
    home: Path

    def auth(self, user: str = "alice") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def vault_dir(self, user: str = "alice") -> Path:
        return self.client.app.state.users.require(user).vault

    def get(self, url: str, user: str = "alice", **kwargs):
        return self.client.get(url, headers=self.auth(user), **kwargs)

    def post(self, url: str, user: str = "alice", **kwargs):
        return self.client.post(url, headers=self.auth(user), **kwargs)

    def patch(self, url: str, user: str = "alice", **kwargs):
        return self.client.patch(url, headers=self.auth(user), **kwargs)

    def put(self, url: str, user: str = "alice", **kwargs):
        return self.client.put(url, headers=self.auth(user), **kwargs)

    def delete(self, url: str, user: str = "alice", **kwargs):
        return self.client.delete(url, headers=self.auth(user), **kwargs)


def make_settings(home: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "vault": home / "vault", "server_home": home / "server", "model": "none",
        "embedder": "wordllama",
    }  # fmt: skip
    values.update(overrides)
    return Settings(**values)


@contextmanager
def rest_app(
    home: Path,
    embedder: Embedder,
    chat_model: ChatModel | None = None,
    prepare: Callable[[UserRegistry], None] | None = None,
    **settings: object,
) -> Iterator[RestApp]:
    """The app with users alice and bob; ``prepare(registry)`` runs before it starts."""
    config = make_settings(home, **settings)
    registry = UserRegistry(config.server_home)
    tokens = {}
    for name in ("alice", "bob"):
        registry.add(name)
        tokens[name] = registry.create_token(name)
    if prepare is not None:
        prepare(registry)
    app = create_app(config, chat_model=chat_model, users=registry, embedder=embedder, mcp=False)
    with TestClient(app) as client:
        yield RestApp(client, tokens, home)
    registry.close()


@contextmanager
def encrypted_alice_app(home: Path, embedder: Embedder, passphrase: str) -> Iterator[RestApp]:
    """The same app, with alice's vault encrypted under ``passphrase`` before it starts."""

    def encrypt(registry: UserRegistry) -> None:
        open_vault(registry.require("alice").vault, passphrase, encrypt=True).close()

    with rest_app(home, embedder, prepare=encrypt, passphrase=passphrase) as app:
        yield app


def files_containing(directory: Path, text: str) -> list[str]:
    """Every file below ``directory`` whose bytes hold ``text`` in plain, relative paths."""
    found = [p for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]
    return [str(p.relative_to(directory)) for p in found]
