"""MCP: the user's memory as tools for other agents (desktop assistants, editors).

Three tools, each a thin wrapper over the built-in tool of the chat assistant, so they quote,
withhold and ask consent exactly as in ``pasi chat``: ``recall`` (memories),
``search_personal_data`` (past conversations and imported documents) and ``remember``. The
calling agent is treated as a remote model: sensitive memories and sources not cleared for
remote models stay out of what it reads, and a sensitive statement is stored only once the
user has consented to that kind (``pasi chat`` asks).

The same server runs over stdio (``pasi mcp``, the local vault) and over HTTP under
``pasi serve`` (``/mcp/``, the user of the request's token).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from pasi import __version__
from pasi.models.chat import ToolCall
from pasi.tools.registry import ToolContext, default_tools

if TYPE_CHECKING:
    from pasi import Pasi

INSTRUCTIONS = (
    "pasi is the user's personal memory. Use recall for facts, preferences, plans and people; "
    "search_personal_data for what the user said or imported (notes, mail, documents). Results "
    "carry tags such as [m12] (memory 12) and [t345] (turn 345): cite them. Use remember only "
    "for something the user asked you to keep."
)

Kind = Literal["fact", "preference", "event", "plan", "relationship"]


def build_mcp(pasi_for_request: Callable[[], Pasi]) -> MCPServer:
    """The MCP server; ``pasi_for_request`` gives the Pasi of whoever is calling."""
    server: MCPServer = MCPServer(
        name="pasi", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )
    tools = default_tools()

    def run(name: str, arguments: dict[str, Any]) -> str:
        pasi = pasi_for_request()
        call = ToolCall(f"mcp-{uuid.uuid4().hex[:12]}", name, json.dumps(arguments))
        result = tools.run(call, ToolContext(pasi.memory, None, remote=True))
        if not result.ok:
            raise ToolError(json.loads(result.content).get("error", result.content))
        return result.content

    read_only = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

    @server.tool(annotations=read_only)
    def recall(
        query: str = Field(min_length=1, description="What to look for, in plain words."),
        k: int = Field(default=5, ge=1, le=20, description="How many results."),
    ) -> str:
        """Search the user's memories: facts, preferences, plans, events and people."""
        return run("recall", {"query": query, "k": k})

    @server.tool(annotations=read_only)
    def search_personal_data(
        query: str = Field(min_length=1, description="What to look for, in plain words."),
        k: int = Field(default=5, ge=1, le=20, description="How many results."),
    ) -> str:
        """Search what the user said in past conversations and the documents, notes and mail
        they imported into pasi."""
        return run("search", {"query": query, "k": k})

    @server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False))
    def remember(
        text: str = Field(
            min_length=1, description="One statement, e.g. 'Ana's birthday is 3 May'."
        ),
        kind: Kind = Field(default="fact", description="What sort of statement it is."),
        subject: str = Field(default="user", description="Who it is about; 'user' is the user."),
    ) -> str:
        """Store a new memory the user asked you to keep."""
        return run("remember", {"text": text, "kind": kind, "subject": subject})

    return server
