"""Toolsets that wrap toolsets: each changes one thing and passes everything else through.

A consent gate for side-effecting tools belongs here too, as another small wrapper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pasi.models.chat import ToolCall
from pasi.tools.registry import Tool, ToolContext, ToolResult, Toolset, error_result


@dataclass
class Filtered:
    """Only the tools ``keep`` accepts are offered, and only they may run."""

    inner: Toolset
    keep: Callable[[Tool], bool]

    def tools(self) -> list[Tool]:
        return [tool for tool in self.inner.tools() if self.keep(tool)]

    def run(self, call: ToolCall, context: ToolContext) -> ToolResult:
        if call.name not in {tool.name for tool in self.tools()}:
            names = ", ".join(tool.name for tool in self.tools()) or "none"
            return error_result(call, f"unknown tool '{call.name}'; the tools are: {names}")
        return self.inner.run(call, context)


def read_only(toolset: Toolset) -> Filtered:
    """The tools that change nothing: for benchmarks, demos and untrusted sessions."""
    return Filtered(toolset, lambda tool: not tool.side_effect)
