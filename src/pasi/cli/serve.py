"""``pasi serve``, ``pasi users`` and ``pasi tokens``: the server and who may use it.

A token is printed once, when it is made, and only its hash is kept. ``pasi serve`` makes a
token for the local user each time it starts (printed in the browser URL) and revokes it when
it stops, so no long-lived secret sits in a shell history or a bookmark.
"""

from __future__ import annotations

import ipaddress
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pasi.cli.common import state
from pasi.cli.render import print_json
from pasi.errors import ConfigError

if TYPE_CHECKING:
    from pasi.config import Settings
    from pasi.server.users import UserRegistry

users_app = typer.Typer(
    help="Users of `pasi serve`, each with their own vault.", no_args_is_help=True
)
GRACE_SECONDS = 3  # open requests get this long to finish when the server stops

tokens_app = typer.Typer(help="Bearer tokens for `pasi serve`.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")


def is_loopback(host: str) -> bool:
    """Only a literal loopback address (or ``localhost``) counts: a name could resolve anywhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(
        None, "--host", help="Address to bind (default: setting 'server_host', 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port (default: setting 'server_port', 8765)."
    ),
    matrix: bool | None = typer.Option(
        None, "--matrix/--no-matrix",
        help="Also run the Matrix bridge for every user logged in with `pasi matrix login` "
        "(default: setting 'matrix_serve', off).",
    ),
) -> None:  # fmt: skip
    """Serve the OpenAI-compatible API, the REST API, MCP and the web app."""
    settings = state(ctx).settings()
    if matrix is not None:
        settings = settings.model_copy(update={"matrix_serve": matrix})
    host = host or settings.server_host
    port = port or settings.server_port
    with _registry(settings) as registry:
        if not is_loopback(host) and not registry.has_tokens():
            raise ConfigError(
                f"refusing to bind {host}, which other machines can reach, while no user has a "
                "token: create one first with `pasi users add NAME` or `pasi tokens create`"
            )
        browser_token = _browser_token(registry, settings, loopback=is_loopback(host))
        try:
            _run(settings, registry, host, port, browser_token)
        finally:
            if browser_token is not None:
                registry.revoke(browser_token[0])


def _browser_token(
    registry: UserRegistry, settings: Settings, *, loopback: bool
) -> tuple[int, str] | None:
    """A token for the local user for this run only: (its id, the token). On a loopback bind
    the local user is created when missing; on any other bind only an existing one is used."""
    from pasi.server.users import LOCAL_USER

    if not loopback and registry.get(LOCAL_USER) is None:
        return None
    registry.ensure_local_user(settings.vault)
    return registry.issue(LOCAL_USER, label="pasi serve (revoked when it stops)")


def _run(
    settings: Settings,
    registry: UserRegistry,
    host: str,
    port: int,
    browser_token: tuple[int, str] | None,
) -> None:
    import uvicorn

    from pasi.server.app import create_app

    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    lines = [
        f"pasi is serving on {base} (Ctrl-C stops it)",
        f"OpenAI-compatible API: {base}/v1   MCP: {base}/mcp/",
    ]
    if browser_token is not None:
        lines.append(f"Open in your browser: {base}/#token={browser_token[1]}")
    app = create_app(settings, users=registry)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )  # fmt: skip
    with _stop_signals():
        _announcing_server(config, lines, app.state.threads.stop).run()


def _announcing_server(config: Any, lines: list[str], stop_turns: Callable[[], None]) -> Any:
    """uvicorn's server, printing where to connect once it listens (not before), and ending
    open turns first when it stops: uvicorn's graceful shutdown waits for open responses, and
    a streamed answer from a slow local model may take minutes (pasi.server.threads)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                for line in lines:
                    typer.echo(line)
                sys.stdout.flush()

        async def shutdown(self, sockets: list[Any] | None = None) -> None:
            stop_turns()
            await super().shutdown(sockets)

    return Server(config)


class _Stopped(Exception):
    """Ctrl-C or SIGTERM, re-raised by uvicorn once it has shut down."""


@contextmanager
def _stop_signals() -> Iterator[None]:
    """uvicorn re-sends the stop signal to the process after a clean shutdown; with the default
    SIGTERM handler that would kill pasi before it revokes the browser token."""

    def stop(signum: int, frame: object) -> None:
        raise _Stopped

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except _Stopped:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _registry(settings: Settings) -> closing[UserRegistry]:
    """The server's user list, closed when the ``with`` block ends."""
    from pasi.server.users import UserRegistry

    return closing(UserRegistry(settings.server_home))


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="User name: letters, digits, '.', '_' or '-'."),
    vault: Path | None = typer.Option(
        None,
        "--vault",
        metavar="DIR",
        help="Bind the user to this existing vault (default: server_home/vaults/NAME).",
    ),
) -> None:
    """Add a user with their own vault, and print their first token."""
    with _registry(state(ctx).settings()) as registry:
        user = registry.add(name, vault)
        token = registry.create_token(name, label="created with the user")
    _say_token(token, f"user '{user.name}' added, vault {user.vault}")


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Users, their vaults and how many tokens each holds."""
    with _registry(state(ctx).settings()) as registry:
        rows = [
            {"name": u.name, "vault": str(u.vault), "tokens": len(registry.tokens(u.name))}
            for u in registry.list()
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']}\t{row['vault']}\t{row['tokens']} token(s)")
    if not rows:
        typer.echo("no users yet: `pasi users add NAME` or `pasi tokens create`")


@users_app.command("remove")
def users_remove(
    ctx: typer.Context, name: str = typer.Argument(..., help="The user to remove.")
) -> None:
    """Remove a user and revoke their tokens; their vault directory is kept."""
    with _registry(state(ctx).settings()) as registry:
        user = registry.remove(name)
    typer.echo(
        f"user '{user.name}' removed and their tokens revoked; the vault {user.vault} is kept"
    )


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    name: str | None = typer.Argument(
        None, help="The user (default: 'local', bound to the 'vault' setting, made if missing)."
    ),
    label: str = typer.Option("", "--label", help="A note to tell tokens apart."),
) -> None:
    """Create a token; it is printed once, on stdout, and only its hash is kept."""
    from pasi.server.users import LOCAL_USER

    settings = state(ctx).settings()
    with _registry(settings) as registry:
        if name is None or name == LOCAL_USER:
            registry.ensure_local_user(settings.vault)
        token = registry.create_token(name or LOCAL_USER, label=label)
    _say_token(token, f"token created for '{name or LOCAL_USER}'")


@tokens_app.command("list")
def tokens_list(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="Only this user's tokens."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Tokens by id, user, label and creation time (never the tokens themselves)."""
    with _registry(state(ctx).settings()) as registry:
        found = registry.tokens(name)
    rows = [
        {"id": t.id, "user": t.user, "label": t.label, "created_at": t.created_at} for t in found
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        line = f"{row['id']}\t{row['user']}\t{row['created_at']}\t{row['label']}"
        typer.echo(line)


@tokens_app.command("revoke")
def tokens_revoke(
    ctx: typer.Context,
    token_id: int = typer.Argument(..., help="The token's id (pasi tokens list)."),
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    with _registry(state(ctx).settings()) as registry:
        revoked = registry.revoke(token_id)
    typer.echo(f"token {revoked.id} of '{revoked.user}' revoked")


def _say_token(token: str, what: str) -> None:
    """The token alone on stdout (for `$(pasi tokens create)`), the explanation on stderr."""
    sys.stderr.write(f"{what}; the token is shown only now, keep it safe:\n")
    sys.stderr.flush()
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
