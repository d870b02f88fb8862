"""No telemetry: a whole session, with every network call watched, contacts only the model.

Each pasi command runs in its own process with a ``sitecustomize`` module on ``PYTHONPATH``
that installs an audit hook (PEP 578) logging every ``socket.connect``, ``socket.getaddrinfo``
and ``socket.sendto`` to a file; proxy variables are unset so nothing is routed elsewhere. The
session ingests files, chats through a model served over real HTTP on 127.0.0.1, asks, exports,
and serves the web API. The log must show the model endpoint and nothing else.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ingest.files import write_csv, write_ics, write_vcf
from models.scripted_http import Reply, Seen, chat_reply, chunk, serve

SITECUSTOMIZE = """
import os, socket, sys

_LOG = os.environ["PASI_TEST_NETWORK_LOG"]

def _record(event, args):
    if event == "socket.connect":
        sock, address = args
        family = sock.family.name if hasattr(sock.family, "name") else str(sock.family)
        line = f"connect {family} {address!r}"
    elif event == "socket.getaddrinfo":
        line = f"getaddrinfo {args[0]!r} {args[1]!r}"
    elif event == "socket.sendto":
        line = f"sendto {args[1]!r}"
    else:
        return
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {line}\\n")

sys.addaudithook(_record)
"""
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
START_TIMEOUT = 60


def _model(seen: Seen) -> Reply:
    if seen.path.endswith("/models"):
        return Reply(body={"object": "list", "data": [{"id": "local", "object": "model"}]})
    if seen.body and seen.body.get("stream"):
        events = [chunk({"role": "assistant", "content": ""}), chunk({"content": "Noted."})]
        return Reply(events=[*events, chunk({}, finish="stop")])
    return Reply(body=chat_reply("Noted."))


def _environment(tmp_path: Path, model_url: str) -> dict[str, str]:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXIES}
    env.update(
        PYTHONPATH=str(hooks),
        PASI_TEST_NETWORK_LOG=str(tmp_path / "network.log"),
        PASI_MODEL=f"openai-compatible:{model_url}/v1#local",
        PASI_SERVER_HOME=str(tmp_path / "server"),
    )
    return env


def _pasi(env: dict[str, str], vault: Path, *args: str, stdin: str = "") -> str:
    command = [sys.executable, "-m", "pasi", "--vault", str(vault), *args]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"pasi {' '.join(args)}: {done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_and_chat(env: dict[str, str], vault: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "pasi", "--vault", str(vault), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        url = ""
        for line in process.stdout:
            if "#token=" in line:
                url = line.split()[-1]
                break
            assert time.monotonic() < deadline
        base, token = url.split("/#token=")
        headers = {"Authorization": f"Bearer {token}"}
        asked = {"model": "pasi", "messages": [{"role": "user", "content": "What do I like?"}]}
        reply = httpx.post(f"{base}/v1/chat/completions", json=asked, headers=headers, timeout=60)
        assert reply.status_code == 200, reply.text
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_full_session_contacts_nothing_but_the_configured_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.md").write_text("# Garden\n\nPlant the tulips in October.\n")
    write_ics(data / "calendar.ics")
    write_vcf(data / "people.vcf")
    write_csv(data / "expenses.csv")
    vault = tmp_path / "vault"
    with serve(_model) as model:
        env = _environment(tmp_path, model.url)
        _pasi(env, vault, "ingest", str(data))
        _pasi(env, vault, "chat", stdin="I like tulips\nWhat do I like?\nThanks\n")
        _pasi(env, vault, "ask", "when do I plant the tulips")
        _pasi(env, vault, "export", str(tmp_path / "export.jsonl"))
        _serve_and_chat(env, vault)
        asked_model = [s for s in model.seen if s.path.endswith("/chat/completions")]

    model_port = int(model.url.rsplit(":", 1)[1])
    log = (tmp_path / "network.log").read_text().splitlines()
    events = [line.split(" ", 1)[1] for line in log]
    connects = [e for e in events if e.startswith("connect")]
    assert asked_model and connects, "the session reached the model, and the hook saw it"
    allowed = {f"connect AF_INET ('127.0.0.1', {model_port})"}
    assert set(connects) == allowed, json.dumps(sorted(set(connects)), indent=1)
    lookups = {e for e in events if e.startswith("getaddrinfo")}
    assert lookups <= {f"getaddrinfo '127.0.0.1' {model_port}"}, sorted(lookups)
    assert not [e for e in events if e.startswith("sendto")]
