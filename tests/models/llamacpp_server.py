"""llama.cpp's OpenAI-compatible server (xllamacpp's, run by tests/models/serve_gguf.py) as a
real subprocess on 127.0.0.1, shared by the model tests and the serving tests that use it as
an upstream."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.scripted_http import closed_port

START_TIMEOUT = 60.0
SERVE = Path(__file__).with_name("serve_gguf.py")


@contextmanager
def llamacpp_server(gguf: Path, *, n_ctx: int, embedding: bool = False) -> Iterator[str]:
    """Yields the server's base URL (``…/v1``), model alias ``tiny``; stops it afterwards.

    Its start-up time is printed (seen with ``pytest -s``) since it dominates these tests.
    """
    port = closed_port()
    command = [sys.executable, str(SERVE), str(gguf), str(port), "tiny", str(n_ctx)]
    if embedding:
        command.append("--embedding")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        started = time.perf_counter()
        _wait_until_up(url, process)
        print(f"llama.cpp's server answered after {time.perf_counter() - started:.2f} s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            assert process.stderr is not None
            stderr = process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"llama.cpp's server exited: {stderr[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"llama.cpp's server did not answer at {url} within {START_TIMEOUT:.0f} s")
