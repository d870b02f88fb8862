"""Log records go to the vault's log file, never into the conversation (``--verbose`` shows them)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from models.scripted_http import Reply, Seen, chat_reply, chunk, serve
from pasi.cli.logs import LOG_FILE, start_logging

LINES = "My sister Ana lives in Bergen.\nwhere does Ana live?\n/quit\n"


def _answer(seen: Seen) -> Reply:
    if seen.body and seen.body.get("stream"):
        return Reply(
            events=[chunk({"role": "assistant", "content": "In Bergen."}), chunk({}, "stop")]
        )
    return Reply(body=chat_reply('{"memories": []}'))


def _chat(vault: Path, url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    """The real process, the real openai client, real HTTP: how a user meets the log lines."""
    env = dict(os.environ, PASI_MODEL=f"openai-compatible:{url}/v1#scripted")
    command = [sys.executable, "-m", "pasi", *flags, "--vault", str(vault), "chat"]
    return subprocess.run(
        command, input=LINES, capture_output=True, text=True, env=env, timeout=120
    )


def _log_lines(text: str) -> list[str]:
    marks = ("INFO", "WARNING", "DEBUG")
    return [line for line in text.splitlines() if any(line.startswith(m) for m in marks)]


def test_chat_with_a_model_prints_no_log_lines_and_the_vault_log_keeps_them(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    with serve(_answer) as server:
        result = _chat(vault, server.url)
        requests = len(server.seen)
    assert result.returncode == 0, result.stderr
    assert "In Bergen." in result.stdout
    assert _log_lines(result.stdout) == [] and _log_lines(result.stderr) == []
    assert "HTTP Request" not in result.stdout + result.stderr
    logged = (vault / LOG_FILE).read_text(encoding="utf-8")
    assert requests >= 2
    assert logged.count("HTTP Request: POST") == requests
    assert (vault / LOG_FILE).stat().st_mode & 0o077 == 0  # private, like the vault


def test_verbose_shows_the_log_records_on_stderr_only(tmp_path: Path) -> None:
    with serve(_answer) as server:
        result = _chat(tmp_path / "vault", server.url, "--verbose")
        requests = len(server.seen)
    assert result.returncode == 0, result.stderr
    shown = [line for line in _log_lines(result.stderr) if "HTTP Request: POST" in line]
    assert len(shown) == requests
    assert _log_lines(result.stdout) == []


@pytest.fixture
def quiet(tmp_path: Path):
    setup = start_logging()
    setup.attach(tmp_path)
    yield tmp_path / LOG_FILE
    setup.close()


def test_basic_config_stray_handlers_and_warnings_all_land_in_the_file(
    quiet: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    logging.basicConfig(level=logging.INFO)  # what WordLlama does when imported
    library = logging.getLogger("pasi_test_library_with_its_own_handler")
    library.addHandler(logging.StreamHandler(sys.stderr))  # what spaCy does when imported
    library.warning("a library warning")
    logging.getLogger("pasi_test_http_client").info("HTTP Request: POST http://127.0.0.1/v1")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a deprecated call", DeprecationWarning, stacklevel=1)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    logged = quiet.read_text(encoding="utf-8")
    assert "a library warning" in logged and "HTTP Request: POST" in logged
    assert "DeprecationWarning: a deprecated call" in logged
    assert library.handlers == []
    silent = logging.getLogger("pasi_test_library_that_stops_propagating")
    silent.addHandler(logging.StreamHandler(sys.stderr))
    silent.propagate = False
    silent.error("no handler of its own")  # Python's last resort would print it on stderr
    assert capfd.readouterr() == ("", "")
    assert "no handler of its own" in quiet.read_text(encoding="utf-8")


def test_close_puts_logging_back_as_it_was(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLoggerClass(), logging.lastResort)
    setup = start_logging(verbose=True)
    setup.attach(tmp_path)
    assert root.level == logging.INFO and len(root.handlers) >= 2
    setup.close()
    after = (list(root.handlers), root.level, logging.getLoggerClass(), logging.lastResort)
    assert after == before


def test_no_log_file_is_made_before_the_vault_exists(tmp_path: Path) -> None:
    setup = start_logging()
    setup.attach(tmp_path / "not-yet")
    logging.getLogger("pasi.test").warning("before the vault")
    setup.close()
    assert not (tmp_path / "not-yet").exists()
