"""A real Synapse homeserver on 127.0.0.1 for tests: throwaway config, SQLite, no federation,
no rate limits; users registered with the shared secret (as ``register_new_matrix_user`` does)."""

from __future__ import annotations

import hashlib
import hmac
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVER_NAME = "localhost"
SECRET = "pasi-test-shared-secret"
UNLIMITED = {"per_second": 10_000, "burst_count": 10_000}


@dataclass(frozen=True)
class Homeserver:
    url: str
    process: subprocess.Popen[bytes]

    def register(self, name: str, password: str) -> str:
        """A new user on the homeserver; returns its Matrix ID."""
        admin = f"{self.url}/_synapse/admin/v1/register"
        nonce = httpx.get(admin, timeout=10).json()["nonce"]
        message = b"\x00".join(x.encode() for x in (nonce, name, password, "notadmin"))
        mac = hmac.new(SECRET.encode(), message, hashlib.sha1).hexdigest()
        body = {"nonce": nonce, "username": name, "password": password, "mac": mac, "admin": False}
        response = httpx.post(admin, json=body, timeout=30)
        response.raise_for_status()
        return str(response.json()["user_id"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(directory: Path, port: int) -> Path:
    import yaml

    path = directory / "homeserver.yaml"
    subprocess.run(
        [sys.executable, "-m", "synapse.app.homeserver", "--server-name", SERVER_NAME,
         "--config-path", str(path), "--data-directory", str(directory), "--generate-config",
         "--report-stats=no"],
        cwd=directory, check=True, capture_output=True,
    )  # fmt: skip
    config = yaml.safe_load(path.read_text())
    log_config = directory / "log.yaml"
    log_config.write_text(
        "version: 1\nhandlers:\n  file:\n    class: logging.FileHandler\n"
        f"    filename: {directory / 'homeserver.log'}\n"
        "root:\n  level: WARNING\n  handlers: [file]\ndisable_existing_loggers: false\n"
    )
    config.update(
        listeners=[{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                    "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
        log_config=str(log_config),
        registration_shared_secret=SECRET,
        bcrypt_rounds=4,  # the default 12 costs ~0.5 s per login on this machine
        enable_registration=False,
        trusted_key_servers=[],
        suppress_key_server_warning=True,
        federation_domain_whitelist=[],
        presence={"enabled": False},
        url_preview_enabled=False,
        rc_message=UNLIMITED,
        rc_login={"address": UNLIMITED, "account": UNLIMITED, "failed_attempts": UNLIMITED},
        rc_registration=UNLIMITED,
        rc_joins={"local": UNLIMITED, "remote": UNLIMITED},
        rc_invites={"per_room": UNLIMITED, "per_user": UNLIMITED, "per_issuer": UNLIMITED},
        rc_admin_redaction=UNLIMITED,
    )  # fmt: skip
    path.write_text(yaml.safe_dump(config))
    return path


def start_homeserver(directory: Path, wait_seconds: float = 60.0) -> Homeserver:
    port = _free_port()
    config = _config(directory, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=(directory / "stderr.log").open("wb"),
    )  # fmt: skip
    server = Homeserver(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Synapse exited: {(directory / 'stderr.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.url}/_matrix/client/versions", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"Synapse did not answer within {wait_seconds} s")
