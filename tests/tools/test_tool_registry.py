"""The tool registry: built-ins register like plugins, and every bad call becomes a result."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from pasi.errors import ConfigError
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall
from pasi.tools import Tool, ToolContext, ToolOutput, builtin, default_tools, load_tools, specs
from pasi.tools.wrappers import read_only


class EchoArgs(BaseModel):
    words: str


def _echo_plugin() -> SimpleNamespace:
    def register_tools(register: Callable[[Tool], None]) -> None:
        register(Tool("echo", "Say it back.", EchoArgs, lambda a, _: ToolOutput(a.words), "read"))

    return SimpleNamespace(register_tools=register_tools)


def _call(name: str, arguments: object) -> ToolCall:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ToolCall("c1", name, text)


def test_builtins_and_plugins_register_through_the_same_hook(store: MemoryStore) -> None:
    registry = load_tools([builtin, _echo_plugin()])
    assert [t.name for t in registry.tools()] == ["recall", "search", "remember", "forget", "echo"]
    flagged = {t.name for t in registry.tools() if t.side_effect}
    assert flagged == {"remember", "forget"}
    result = registry.run(_call("echo", {"words": "hi"}), ToolContext(store))
    assert result.ok and result.content == "hi"


def test_tool_specs_carry_the_argument_json_schema() -> None:
    by_name = {spec.name: spec for spec in specs(default_tools())}
    remember = by_name["remember"].parameters
    assert remember["type"] == "object" and remember["required"] == ["text"]
    assert "preference" in json.dumps(remember["properties"]["kind"])
    assert by_name["forget"].parameters["properties"]["memory_id"]["type"] == "integer"


def test_specs_leave_out_pydantics_titles_but_keep_a_property_called_title() -> None:
    """Titles repeat the property names: prompt tokens a small model reads every turn."""
    offered = {spec.name: spec.parameters for spec in specs(default_tools())}
    assert '"title": "' not in json.dumps(offered)
    goal = offered["add_goal"]["properties"]
    assert goal["title"]["type"] == "string" and offered["add_goal"]["required"] == ["title"]


def test_two_tools_with_one_name_are_refused() -> None:
    with pytest.raises(ConfigError, match="echo"):
        load_tools([_echo_plugin(), _echo_plugin()])
    with pytest.raises(ConfigError, match="register_tools"):
        load_tools([object()])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (_call("remember", "{not json"), "not JSON"),
        (_call("remember", "[1, 2]"), "JSON object"),
        (_call("remember", {"kind": "fact"}), "text"),
        (_call("remember", {"text": "x", "kind": "colour"}), "kind"),
        (_call("teleport", {}), "unknown tool 'teleport'"),
        (_call("forget", {"memory_id": 999}), "no memory with id 999"),
    ],
)
def test_bad_calls_come_back_as_error_results(
    store: MemoryStore, call: ToolCall, message: str
) -> None:
    result = default_tools().run(call, ToolContext(store))
    assert not result.ok
    assert message in json.loads(result.content)["error"]


def test_a_crashing_plugin_tool_does_not_raise(store: MemoryStore) -> None:
    def boom(_: EchoArgs, __: ToolContext) -> ToolOutput:
        raise RuntimeError("plugin bug")

    plugin = SimpleNamespace(register_tools=lambda r: r(Tool("boom", "x", EchoArgs, boom, "read")))
    result = load_tools([plugin]).run(_call("boom", {"words": "a"}), ToolContext(store))
    assert not result.ok and "RuntimeError: plugin bug" in result.content


def test_remember_cites_the_turn_and_recall_quotes_with_tags(store: MemoryStore) -> None:
    tools = default_tools()
    turn = store.record_turn("please remember that my bike is blue")
    made = tools.run(_call("remember", {"text": "My bike is blue"}), ToolContext(store, turn))
    memory_id = made.data["memory_id"]
    assert made.content == f"remembered as [m{memory_id}]"
    assert store.get(memory_id).evidence == (turn,)
    found = tools.run(_call("recall", {"query": "bike colour"}), ToolContext(store))
    assert f"[m{memory_id}] memory about user" in found.content
    assert '"My bike is blue"' in found.content
    searched = tools.run(_call("search", {"query": "bike"}), ToolContext(store))
    assert f"[t{turn}]" in searched.content and f"[m{memory_id}]" not in searched.content
    gone = tools.run(_call("forget", {"memory_id": memory_id}), ToolContext(store))
    assert gone.ok and store.list() == []


def test_read_only_hides_and_refuses_side_effecting_tools(store: MemoryStore) -> None:
    tools = read_only(default_tools())
    assert [t.name for t in tools.tools()] == [
        "recall", "search", "query_data", "list_goals", "list_reminders"
    ]  # fmt: skip
    refused = tools.run(_call("remember", {"text": "x"}), ToolContext(store))
    assert not refused.ok and store.list() == []
