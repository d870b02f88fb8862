"""Tools the assistant can call, built-in and from plugins, registered through one hook."""

from pasi.tools.registry import (
    Tool,
    ToolContext,
    ToolOutput,
    ToolRegistry,
    ToolResult,
    Toolset,
    default_tools,
    load_tools,
    specs,
)

__all__ = [
    "Tool",
    "ToolContext",
    "ToolOutput",
    "ToolRegistry",
    "ToolResult",
    "Toolset",
    "default_tools",
    "load_tools",
    "specs",
]
