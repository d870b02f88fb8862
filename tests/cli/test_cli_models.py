"""``pasi models``: list, test and pull, against real servers on 127.0.0.1 and offline."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from cli_support import Invoke, assert_one_error_line

from models.scripted_http import Reply, Seen, chat_reply, closed_port, serve

PAYLOAD = b"GGUF" + bytes(range(256)) * 64


def test_list_shows_each_tier_the_auto_choice_files_and_catalogue(
    pasi: Invoke, vault_dir: Path
) -> None:
    (vault_dir / "models").mkdir(parents=True)
    (vault_dir / "models" / "mine.gguf").write_bytes(PAYLOAD)
    result = pasi("models", "list", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["tier"] for t in data["tiers"]] == ["fast", "strong"]
    chosen = data["tiers"][1]["model"]
    assert chosen.startswith("llamacpp:") and "mine.gguf" in chosen and "auto:" in chosen
    assert data["files"] == [
        {"file": str(vault_dir / "models" / "mine.gguf"), "bytes": len(PAYLOAD)}
    ]
    assert data["catalogue"] and all(len(e["name"]) > 3 for e in data["catalogue"])
    assert all(e["source"].startswith("PyPI: ") for e in data["catalogue"])
    table = pasi("models", "list")
    assert "strong" in table.stdout and "mine.gguf" in table.stdout


def test_test_prints_latency_and_reply(pasi: Invoke) -> None:
    def handler(seen: Seen) -> Reply:
        return Reply(body=chat_reply("Yes, here."))

    with serve(handler) as server:
        result = pasi("models", "test", f"openai-compatible:{server.url}/v1#tiny")
    assert result.exit_code == 0, result.output
    assert "openai-compatible:tiny: replied in" in result.stdout and "Yes, here." in result.stdout
    assert server.seen[0].body["model"] == "tiny"


def test_test_of_a_server_that_is_down_is_one_error_line(pasi: Invoke) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    result = pasi("models", "test", f"openai-compatible:{url}#tiny")
    assert_one_error_line(result, f"cannot reach the model server at {url}")


def test_test_without_a_model_or_with_a_bad_spec_says_what_to_do(pasi: Invoke) -> None:
    assert_one_error_line(pasi("models", "test"), "no model to test", "docs/models.md")
    assert_one_error_line(pasi("models", "test", "llama3"), "invalid model spec 'llama3'")


def _file_server():
    def handler(seen: Seen) -> Reply:
        return Reply(body=PAYLOAD) if seen.path == "/m.gguf" else Reply(404, b"no")

    return serve(handler)


def test_pull_keeps_a_file_only_when_its_checksum_matches(pasi: Invoke, vault_dir: Path) -> None:
    folder = vault_dir / "models"
    with _file_server() as server:
        url = f"{server.url}/m.gguf"
        wrong = pasi("models", "pull", "m.gguf", "--url", url, "--sha256", "0" * 64)
        assert_one_error_line(wrong, "has SHA-256", "it was deleted")
        assert not folder.exists() or list(folder.iterdir()) == []
        right = hashlib.sha256(PAYLOAD).hexdigest()
        result = pasi("models", "pull", "m", "--url", url, "--sha256", right.upper())
    assert result.exit_code == 0, result.output
    assert (folder / "m.gguf").read_bytes() == PAYLOAD
    assert sorted(folder.iterdir()) == [folder / "m.gguf", folder / "m.gguf.sha256"]  # a stamp
    assert 'model = "llamacpp:m.gguf"' in result.stdout


def test_pull_offline_fails_at_once_naming_the_url(pasi: Invoke, vault_dir: Path) -> None:
    for url in (
        f"http://127.0.0.1:{closed_port()}/m.gguf",
        "http://models.invalid/m.gguf",
    ):
        started = time.perf_counter()
        result = pasi("models", "pull", "m", "--url", url, "--sha256", "a" * 64)
        assert time.perf_counter() - started < 3
        assert_one_error_line(result, f"cannot download {url}")
    with _file_server() as server:
        missing = pasi("models", "pull", "m", "--url", f"{server.url}/x", "--sha256", "a" * 64)
    assert_one_error_line(missing, "HTTP 404")
    assert not (vault_dir / "models" / "m.gguf.part").exists()


def test_pull_refuses_unknown_names_and_unverifiable_urls(pasi: Invoke) -> None:
    assert_one_error_line(pasi("models", "pull", "gpt-5"), "no model 'gpt-5'", "smollm2")
    assert_one_error_line(pasi("models", "pull", "x", "--url", "http://h/x"), "--sha256")
    assert_one_error_line(
        pasi("models", "pull", "x", "--url", "http://h/x", "--sha256", "abc"), "64 hexadecimal"
    )
    assert_one_error_line(
        pasi("models", "pull", "../x", "--url", "http://h/x", "--sha256", "a" * 64), "plain file"
    )
