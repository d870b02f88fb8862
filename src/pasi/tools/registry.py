"""Tools the model may call: a name, a Pydantic argument model, a function, an effect class.

Built-in tools register through :func:`load_tools` exactly as a plugin does, by a module (or any
object) with a ``register_tools(register)`` function, so the extension point is always exercised.
A :class:`Toolset` is anything with ``tools()`` and ``run()``; wrappers such as
:func:`pasi.tools.wrappers.read_only` (or a consent gate) wrap one toolset in another instead of
adding an ``if`` to every tool.

A tool call never crashes the turn: unknown tools, arguments that are not JSON or fail
validation, and errors raised by the tool come back as a result with ``ok=False``, which the
model reads and can act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Protocol, get_args

from pydantic import BaseModel, ValidationError

from pasi.errors import ConfigError, PasiError
from pasi.memory.retrieval import Recalled
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall, ToolSpec
from pasi.safety.dataflow import Passage


@dataclass(frozen=True)
class ToolContext:
    """What a tool may use: the user's memory, and the turn the call answers (as evidence)."""

    memory: MemoryStore
    episode_id: int | None = None
    remote: bool = False  # the model is remote: withheld data stays out (pasi.privacy.policy)


@dataclass(frozen=True)
class ToolOutput:
    """What a tool returns: text for the model, and the vault items it quoted (for citations)."""

    text: str
    found: tuple[Recalled, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # ids the tool created or removed
    # Who wrote the text: "external" (others: a web page, a mailbox) or "user". None: judged
    # from the vault items it quotes, and external for a plugin's tool (pasi.tools.consent).
    trust: str | None = None
    # Who wrote which part of the text, when parts differ (a mailbox listing with the user's
    # sent mail beside others' mail; ids the tool assigned): the consent gate follows argument
    # values to them (pasi.safety.dataflow). Empty: all of it as ``trust`` says.
    passages: tuple[Passage, ...] = ()


ToolFunction = Callable[[Any, ToolContext], ToolOutput]
Describer = Callable[[ToolContext], str]


# What a tool does to the world. "read" changes nothing; every other class is a side effect,
# which a turn that has read external content may only run with the user's consent
# (pasi.safety.consent). Required for every tool: an unclassed tool cannot be registered.
Effect = Literal["read", "create", "write", "delete", "send", "share"]
EFFECTS: tuple[str, ...] = get_args(Effect)


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    arguments: type[BaseModel]
    function: ToolFunction
    effect: Effect
    # A description that depends on the vault (e.g. the tables a query tool may read): built
    # from the live vault each turn when a context is given, else ``description`` is offered.
    describe: Describer | None = None

    def __post_init__(self) -> None:
        if self.effect not in EFFECTS:
            raise ConfigError(
                f"tool '{self.name}' has effect {self.effect!r}; it must be one of "
                + ", ".join(EFFECTS)
            )

    @property
    def side_effect(self) -> bool:
        """Sends, deletes, creates, shares or writes something."""
        return self.effect != "read"

    def spec(self, context: ToolContext | None = None) -> ToolSpec:
        description = self.description
        if self.describe is not None and context is not None:
            description = self.describe(context)
        return ToolSpec(self.name, description, json.loads(_schema(self.arguments)))


@cache
def _schema(arguments: type[BaseModel]) -> str:
    """JSON schemas are slow to build and never change: once per argument model. Kept as
    text, so each turn gets its own copy by parsing it (3x faster than a deep copy)."""
    return json.dumps(_untitled(arguments.model_json_schema()))


def _untitled(node: Any) -> Any:
    """The schema without pydantic's titles ("title": "Text" beside the property "text"): they
    tell the model nothing and cost ~200 prompt tokens per turn over the built-in tools. A
    property named ``title`` is a schema (a dict), not a string, so it stays."""
    if isinstance(node, dict):
        return {
            k: _untitled(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    return node


@dataclass(frozen=True)
class ToolResult:
    call: ToolCall
    content: str  # what goes back to the model
    ok: bool
    found: tuple[Recalled, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    trust: str | None = None  # as the tool declared it (ToolOutput.trust)
    passages: tuple[Passage, ...] = ()  # as the tool declared them (ToolOutput.passages)


class Toolset(Protocol):
    def tools(self) -> list[Tool]: ...

    def run(self, call: ToolCall, context: ToolContext) -> ToolResult: ...


def error_result(call: ToolCall, message: str) -> ToolResult:
    return ToolResult(call, json.dumps({"error": message}, ensure_ascii=False), ok=False)


class ToolRegistry:
    """The tools registered by built-ins and plugins, by name."""

    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}

    def register(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ConfigError(f"two tools are registered with the name '{tool.name}'")
        self._tools[tool.name] = tool

    def tools(self) -> list[Tool]:
        return list(self._tools.values())

    def run(self, call: ToolCall, context: ToolContext) -> ToolResult:
        tool = self._tools.get(call.name)
        if tool is None:
            known = ", ".join(self._tools) or "none"
            return error_result(call, f"unknown tool '{call.name}'; the tools are: {known}")
        try:
            raw = call.parsed_arguments()
        except ValueError as error:  # not JSON, or not an object
            return error_result(call, str(error))
        try:
            arguments = tool.arguments.model_validate(raw)
        except ValidationError as error:
            return error_result(call, f"invalid arguments for {call.name}: {_summary(error)}")
        return run_tool(tool, call, arguments, context)


def run_tool(tool: Tool, call: ToolCall, arguments: BaseModel, context: ToolContext) -> ToolResult:
    """Run a validated call; the tool's own errors become a result the model can read."""
    try:
        output = tool.function(arguments, context)
    except PasiError as error:
        return error_result(call, str(error))
    except Exception as error:  # a plugin's bug must not end the user's turn
        return error_result(call, f"{call.name} failed: {type(error).__name__}: {error}")
    return ToolResult(
        call,
        output.text,
        ok=True,
        found=output.found,
        data=output.data,
        trust=output.trust,
        passages=output.passages,
    )


def _summary(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def specs(toolset: Toolset, context: ToolContext | None = None) -> list[ToolSpec]:
    """What the model is offered; with a context, descriptions drawn from the vault are live."""
    return [tool.spec(context) for tool in toolset.tools()]


def load_tools(plugins: Iterable[object]) -> ToolRegistry:
    """A registry filled by each plugin's ``register_tools(register)`` hook, in order."""
    registry = ToolRegistry()
    for plugin in plugins:
        hook = getattr(plugin, "register_tools", None)
        if hook is None:
            raise ConfigError(f"{plugin!r} has no register_tools(register) function")
        hook(registry.register)
    return registry


def default_tools() -> ToolRegistry:
    """The built-in tools, registered through the plugin hook like any other."""
    from pasi.tools import builtin, data, life

    return load_tools([builtin, data, life])
