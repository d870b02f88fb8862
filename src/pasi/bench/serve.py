"""``pasi bench serve``: many streaming chat clients against ``pasi serve``, with an instant model.

The server runs as a subprocess (so its memory is measured alone) on a fresh vault of synthetic
memories, answering through a scripted upstream model that replies at once: the time to the
first token a client sees is what pasi adds (recording the message, assembling the context,
the tool loop, the HTTP stream). Clients are ``httpx`` async clients in this process, each
sending a message, reading the whole stream to ``[DONE]``, waiting ``think`` seconds (a person
reading the answer; 0 keeps the server saturated) and sending the next.

``backend="postgres"``: the vaults are users of one PostgreSQL database (``postgres_url``, or a
throwaway local server's); with ``users`` > 1, each of ``users`` users gets ``memories``
memories and clients take the users in turn (client i speaks as user i mod ``users``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pasi.bench.common import percentile, postgres_databases
from pasi.bench.scale import machine_info
from pasi.bench.synthetic import MemoryFaker

REPLY = "Here is what I found in your notes [m1]; tell me more if that is not it."
USER = "bench"
START_TIMEOUT = 120.0
RSS_EVERY = 0.5  # seconds between samples of the server's memory under load


@dataclass
class _Tally:
    ttft: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    chunks: int = 0
    errors: list[str] = field(default_factory=list)


def run(
    clients: int = 50,
    duration: float = 60.0,
    *,
    think: float = 0.0,
    memories: int = 1000,
    embedder: str = "wordllama",
    remote: bool = False,
    progress: Callable[[str], None] | None = None,
    backend: str = "sqlite",
    users: int = 1,
    postgres_url: str | None = None,
) -> dict[str, Any]:
    if backend == "postgres":
        with postgres_databases(postgres_url) as database:
            found = _run(clients, duration, think, memories, embedder, remote, progress,
                         users, database())  # fmt: skip
    else:
        found = _run(clients, duration, think, memories, embedder, remote, progress, users, None)
    return {**found, "backend": backend, "users": users}


def _run(clients, duration, think, memories, embedder, remote, progress, users, database):
    say = progress or (lambda _: None)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    with tempfile.TemporaryDirectory(prefix="pasi-bench-serve-") as directory:
        home = Path(directory)
        tokens = _prepare(home, memories, embedder, users, database)
        say(f"{users} vault(s) of {memories:,} memories ready; starting the server")
        port = _free_port()
        process = _start_server(home, port, embedder, remote)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process)
            idle = _rss_mb(process.pid)
            say(f"server up, {idle:.0f} MB idle; {clients} clients for {duration:g} s")
            tally, peak = asyncio.run(_load(url, tokens, clients, duration, think, process.pid))
            after = _rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    report = _report(tally, clients, duration, think, memories, embedder, idle, peak, after)
    return {**report, "upstream": "remote" if remote else "local"}


def _prepare(
    home: Path, memories: int, embedder_spec: str, users: int = 1, database: str | None = None
) -> list[str]:
    """The bench users, each with a vault of synthetic memories, and a token each."""
    from pasi.memory.store import MemoryStore
    from pasi.models.embedder import make_embedder
    from pasi.server.users import UserRegistry
    from pasi.vault.location import open_location

    registry = UserRegistry(home)
    embedder = make_embedder(embedder_spec)
    tokens = []
    for index in range(users):
        name = USER if users == 1 else f"{USER}{index}"
        location = None
        if database is not None:  # one database, a user id of its own (docs/server.md)
            location = Path(f"{database}?pasi_user={name}&pasi_files={home / 'files' / name}")
        user = registry.add(name, location)
        tokens.append(registry.create_token(name, label="bench"))
        with open_location(user.vault) as vault:
            MemoryStore(vault, embedder).remember_many(list(MemoryFaker(index).memories(memories)))
    registry.close()
    return tokens


def serve_child(home: str, port: str, embedder: str, where: str = "local") -> None:
    """The server process: ``create_app`` with an instant scripted model, on 127.0.0.1.

    The model says it is local (like llama.cpp or Ollama on this machine) unless ``where`` is
    ``remote``: then every request also goes through the privacy gateway (docs/privacy.md)."""
    import uvicorn

    from pasi.config import Settings
    from pasi.models.chat import Completion, ScriptedModel
    from pasi.server.app import create_app

    settings = Settings(
        server_home=Path(home), vault=Path(home) / "unused", model="none", embedder=embedder
    )
    model = ScriptedModel(lambda _: Completion(REPLY, finish_reason="stop"), name="instant")
    model.local = where != "remote"  # type: ignore[attr-defined]  (pasi.models.locality)
    app = create_app(settings, chat_model=model)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)


def _start_server(home: Path, port: int, embedder: str, remote: bool) -> subprocess.Popen[bytes]:
    code = "import sys; from pasi.bench.serve import serve_child; serve_child(*sys.argv[1:])"
    where = "remote" if remote else "local"
    command = [sys.executable, "-c", code, str(home), str(port), embedder, where]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the benchmark server exited: {stderr[-2000:]}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the benchmark server did not start")


async def _load(
    url: str, tokens: list[str], clients: int, duration: float, think: float, pid: int
) -> tuple[_Tally, float]:
    tally = _Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60.0) as client:
        for token in tokens:  # each user's session opened once before the clock starts
            await _one_turn(client, "warm up: load the embedder and the vectors", _Tally(), token)
        deadline = time.monotonic() + duration
        sampler = asyncio.create_task(_sample_rss(pid, deadline))
        await asyncio.gather(
            *(_client(client, i, clients, deadline, think, tally, tokens[i % len(tokens)])
              for i in range(clients))
        )  # fmt: skip
        peak = await sampler
    return tally, peak


async def _client(
    client: httpx.AsyncClient,
    index: int,
    clients: int,
    deadline: float,
    think: float,
    tally: _Tally,
    token: str,
) -> None:
    faker = MemoryFaker(index + 1)
    turn = 0
    await asyncio.sleep(think * index / clients)  # spread out, or all would ask at once forever
    while time.monotonic() < deadline:
        message = faker.question() if turn % 2 == 0 else faker.memory().text
        await _one_turn(client, message, tally, token)
        turn += 1
        if think:
            await asyncio.sleep(think)


async def _one_turn(client: httpx.AsyncClient, message: str, tally: _Tally, token: str) -> None:
    body = {"model": "pasi", "stream": True, "messages": [{"role": "user", "content": message}]}
    headers = {"Authorization": f"Bearer {token}"}
    began = time.perf_counter()
    first: float | None = None
    done = False
    try:
        async with client.stream(
            "POST", "/v1/chat/completions", json=body, headers=headers
        ) as response:
            if response.status_code != 200:
                await response.aread()
                tally.errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                return
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[len("data: ") :]
                if data == "[DONE]":
                    done = True
                    break
                chunk = json.loads(data)
                if "error" in chunk:
                    tally.errors.append(f"error chunk: {chunk['error']['message'][:200]}")
                    return
                content = chunk["choices"][0]["delta"].get("content") if chunk["choices"] else ""
                if content:
                    tally.chunks += 1
                    if first is None:
                        first = time.perf_counter()
    except (httpx.HTTPError, json.JSONDecodeError, KeyError) as error:
        tally.errors.append(f"{type(error).__name__}: {error}"[:200])
        return
    if not done or first is None:
        tally.errors.append("the stream ended without text or without [DONE]")
        return
    tally.ttft.append((first - began) * 1000)
    tally.total.append((time.perf_counter() - began) * 1000)


async def _sample_rss(pid: int, deadline: float) -> float:
    peak = 0.0
    while time.monotonic() < deadline:
        peak = max(peak, _rss_mb(pid))
        await asyncio.sleep(RSS_EVERY)
    return peak


def _rss_mb(pid: int) -> float:
    """Resident memory of a process now, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values, default=0.0), 1),
    }


def _report(
    tally: _Tally,
    clients: int,
    duration: float,
    think: float,
    memories: int,
    embedder: str,
    idle: float,
    peak: float,
    after: float,
) -> dict[str, Any]:
    return {
        "benchmark": "serve",
        "clients": clients,
        "duration_s": duration,
        "think_s": think,
        "memories": memories,
        "embedder": embedder,
        "turns": len(tally.ttft),
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:5],
        "ttft_ms": _ms(tally.ttft),
        "turn_ms": _ms(tally.total),
        "turns_per_s": round(len(tally.ttft) / duration, 1),
        "chunks_per_s": round(tally.chunks / duration, 1),
        "server_rss_mb": {"idle": idle, "peak_under_load": peak, "after_load": after},
        "machine": machine_info(),
    }
