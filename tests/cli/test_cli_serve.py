"""``pasi users``, ``pasi tokens`` and ``pasi serve`` (a real subprocess on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cli_support import Invoke, assert_one_error_line

from models.scripted_http import closed_port

START_TIMEOUT = 60.0


def test_users_add_list_remove(pasi: Invoke, tmp_path: Path) -> None:
    added = pasi("users", "add", "alice")
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert token.startswith("pasi_") and "shown only now" in added.stderr
    bound = pasi("users", "add", "bob", "--vault", str(tmp_path / "shared"))
    assert bound.exit_code == 0, bound.output
    listed = json.loads(pasi("users", "list", "--json").stdout)
    assert [(u["name"], u["tokens"]) for u in listed] == [("alice", 1), ("bob", 1)]
    assert listed[0]["vault"].endswith("pasi-server/vaults/alice")
    assert listed[1]["vault"] == str((tmp_path / "shared").resolve())
    assert_one_error_line(pasi("users", "add", "alice"), "already a user named 'alice'")
    assert_one_error_line(pasi("users", "add", "../etc"), "'../etc' is not allowed")
    removed = pasi("users", "remove", "alice")
    assert removed.exit_code == 0 and "vault" in removed.stdout
    assert [t["user"] for t in json.loads(pasi("tokens", "list", "--json").stdout)] == ["bob"]


def test_tokens_create_list_revoke(pasi: Invoke, vault_dir: Path) -> None:
    created = pasi("tokens", "create", "--label", "laptop")
    assert created.exit_code == 0, created.output
    users = json.loads(pasi("users", "list", "--json").stdout)
    assert users == [{"name": "local", "vault": str(vault_dir.resolve()), "tokens": 1}]
    tokens = json.loads(pasi("tokens", "list", "--json").stdout)
    assert [(t["user"], t["label"]) for t in tokens] == [("local", "laptop")]
    assert created.stdout.strip() not in pasi("tokens", "list").stdout
    revoked = pasi("tokens", "revoke", str(tokens[0]["id"]))
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert json.loads(pasi("tokens", "list", "--json").stdout) == []
    assert_one_error_line(pasi("tokens", "revoke", "999"), "no token 999")
    assert_one_error_line(pasi("tokens", "create", "nobody"), "no user named 'nobody'")


def test_serve_refuses_a_public_bind_without_tokens(pasi: Invoke) -> None:
    assert_one_error_line(pasi("serve", "--host", "0.0.0.0"), "refusing to bind 0.0.0.0")


def test_serve_prints_a_browser_token_that_dies_with_the_server(
    pasi: Invoke, vault_dir: Path
) -> None:
    port = closed_port()
    env = {**os.environ, "PASI_MODEL": "none", "PASI_EMBEDDER": "none"}
    command = [sys.executable, "-m", "pasi", "--vault", str(vault_dir), "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        url = _browser_url(process)
        base, token = url.split("/#token=")
        assert base == f"http://127.0.0.1:{port}"
        response = httpx.get(f"{base}/v1/models", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert [t["user"] for t in json.loads(pasi("tokens", "list", "--json").stdout)] == ["local"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0
    assert json.loads(pasi("tokens", "list", "--json").stdout) == []


def _browser_url(process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    assert process.stdout is not None
    for line in process.stdout:
        if "#token=" in line:
            return line.split()[-1]
        assert time.monotonic() < deadline
    raise AssertionError(f"pasi serve printed no browser URL (exit {process.poll()})")
