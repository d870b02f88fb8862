"""``pasi mcp``: the user's memory as MCP tools over stdio, for agents on this machine."""

from __future__ import annotations

import typer

from pasi.cli.common import state


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)


def mcp(ctx: typer.Context) -> None:
    """Serve recall, search_personal_data and remember over MCP on stdin/stdout."""
    from pasi.server.mcp_tools import build_mcp

    cli = state(ctx)
    cli.pasi()  # open the vault now: a bad path fails before the client connects
    build_mcp(cli.pasi).run("stdio")
