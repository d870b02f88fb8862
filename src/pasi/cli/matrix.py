"""``pasi matrix``: talk to pasi from a Matrix client (Element, or WhatsApp/Telegram through a
bridge on the homeserver). docs/messaging.md has the set-up."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime

import typer

from pasi.cli.common import state
from pasi.errors import ConfigError, InputError

matrix_app = typer.Typer(
    help="pasi as a Matrix bot: answers your Matrix ID, sends your reminders.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(matrix_app, name="matrix")


@matrix_app.command("login")
def login(
    ctx: typer.Context,
    homeserver: str = typer.Option(
        ..., "--homeserver", metavar="URL", help="The homeserver, e.g. https://matrix.example.org."
    ),
    user: str = typer.Option(
        ..., "--user", metavar="NAME", help="The bot account: '@pasi:example.org' or 'pasi'."
    ),
    password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, envvar="PASI_MATRIX_PASSWORD",
        help="The bot account's password (asked when not given; or $PASI_MATRIX_PASSWORD). "
        "Only the access token it gets is kept.",
    ),
) -> None:  # fmt: skip
    """Log pasi's bot account in; the access token is kept in the vault directory (mode 0600)."""
    from pasi.life.matrix import MatrixClient, save_account

    cli = state(ctx)
    settings = cli.settings()
    cli.pasi()  # an encrypted vault is opened (asking its passphrase): the token is sealed in it
    account = MatrixClient.login(homeserver, user, password)
    path = save_account(settings.vault, account)
    typer.echo(f"logged in as {account.user_id} on {account.homeserver}; token kept in {path}")
    if not settings.matrix_allow:
        typer.echo('next: set matrix_allow = ["@you:your.server"] in the config file')


@matrix_app.command("logout")
def logout(ctx: typer.Context) -> None:
    """Forget the bot account's access token (it stays valid on the server until revoked there)."""
    from pasi.life.matrix import forget_account

    settings = state(ctx).settings()
    forgot = forget_account(settings.vault)
    typer.echo("forgot the Matrix account" if forgot else "pasi had no Matrix account")


@matrix_app.command("run")
def run(
    ctx: typer.Context,
    scheduler: bool = typer.Option(
        True, "--scheduler/--no-scheduler",
        help="Also send due reminders, check-ins and the brief from this process.",
    ),
) -> None:  # fmt: skip
    """Answer Matrix messages from the allow-listed IDs until Ctrl-C."""
    from pasi.cli.life import start_scheduler
    from pasi.life.matrix import MatrixClient, claim_bridge, load_account
    from pasi.server.matrix_bridge import MatrixBridge

    cli = state(ctx)
    settings = cli.settings()
    if not settings.matrix_allow:
        raise ConfigError("set 'matrix_allow' to your Matrix ID(s): pasi answers no one else")
    pasi = cli.pasi()  # first: an encrypted vault keeps the account sealed
    account = load_account(settings.vault)
    if account is None:
        raise InputError("pasi has no Matrix account yet: run `pasi matrix login` first")
    claim = claim_bridge(settings.vault)
    client = MatrixClient(account)
    bridge = MatrixBridge.for_pasi(pasi, client, report=_say)
    bridge.offer_deliveries()  # before the scheduler: reminders due on start go encrypted too
    stop_scheduler = start_scheduler(cli, terminal=False) if scheduler else None
    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, _interrupt)  # ends a long-poll at once, as Ctrl-C
    allow = ", ".join(settings.matrix_allow)
    typer.echo(f"pasi matrix: {account.user_id} answers {allow}; Ctrl-C stops it")
    try:
        bridge.run(stopped)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if stop_scheduler is not None:
            stop_scheduler()
        bridge.close()
        claim.close()


def _say(line: str) -> None:
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    typer.echo(f"{stamp} matrix: {line}", err=True)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt
