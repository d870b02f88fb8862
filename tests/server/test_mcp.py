"""MCP through the official SDK's client: over stdio (``pasi mcp``) and HTTP (``/mcp/``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
from live_server import RunningServer
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

TOOLS = {"recall", "remember", "search_personal_data"}


def _text(result: Any) -> str:
    return "\n".join(part.text for part in result.content if part.type == "text")


def _http_client(server: RunningServer, token: str) -> Client:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    return Client(streamable_http_client(f"{server.url}/mcp/", http_client=http))


def test_stdio_lists_and_calls_the_tools(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    command = ["-m", "pasi", "--vault", str(vault), "--embedder", "none", "mcp"]
    params = StdioServerParameters(
        command=sys.executable, args=command, env={**os.environ, "PASI_MODEL": "none"}
    )

    async def session() -> tuple[set[str], str, str, str]:
        async with Client(params) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            stored = await client.call_tool(
                "remember", {"text": "My bike lock code is 3141", "kind": "fact"}
            )
            found = await client.call_tool("recall", {"query": "bike lock code"})
            searched = await client.call_tool("search_personal_data", {"query": "bike"})
            return names, _text(stored), _text(found), _text(searched)

    names, stored, found, searched = anyio.run(session)
    assert names == TOOLS
    assert stored == "remembered as [m1]"
    assert "[m1]" in found and "3141" in found
    assert searched == "nothing found"  # memories are not turns or documents


def test_http_runs_the_tools_as_the_tokens_user(server: RunningServer) -> None:
    alice, bob = server.token("alice"), server.token("bob")
    server.openai(alice).chat.completions.create(
        model="pasi",
        messages=[{"role": "user", "content": "I keep the spare key under the cactus"}],
    )

    async def as_alice() -> tuple[set[str], str, str, bool]:
        async with _http_client(server, alice) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            await client.call_tool("remember", {"text": "Alice's passport expires in 2031"})
            found = await client.call_tool("recall", {"query": "passport expires"})
            searched = await client.call_tool("search_personal_data", {"query": "spare key"})
            bad = await client.call_tool("recall", {"query": ""})
            return names, _text(found), _text(searched), bool(bad.is_error)

    async def as_bob() -> tuple[str, str]:
        async with _http_client(server, bob) as client:
            found = await client.call_tool("recall", {"query": "passport expires"})
            searched = await client.call_tool("search_personal_data", {"query": "spare key"})
            return _text(found), _text(searched)

    names, found, searched, refused = anyio.run(as_alice)
    assert names == TOOLS
    assert "2031" in found
    assert "cactus" in searched
    assert refused
    assert anyio.run(as_bob) == ("nothing found", "nothing found")
    assert [m.text for m in server.pasi("bob").memory.list()] == []


def test_http_mcp_needs_a_token(server: RunningServer) -> None:
    with server.http() as client:
        missing = client.post("/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    with server.http("pasi_forged") as client:
        forged = client.post("/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    for response in (missing, forged):
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "authentication_error"
