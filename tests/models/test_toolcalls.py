"""Tool calls written as text: every dialect parsed, JSON the user asked for left alone, checks."""

from __future__ import annotations

import json

import pytest

from pasi.models.chat import ToolCall, ToolSpec
from pasi.models.toolcalls import check_call, parse_tool_calls, repeats, tool_prompt
from pasi.tools.registry import default_tools, specs

REMINDER = ToolSpec(
    "add_reminder",
    "Remind the user of something at a time.",
    {
        "type": "object",
        "properties": {
            "text": {"type": "string", "minLength": 1, "description": "What to remind of."},
            "when": {"type": "string", "description": "When, in plain words."},
        },
        "required": ["text", "when"],
    },
)
FORGET = ToolSpec(
    "forget",
    "Erase a memory.",
    {
        "type": "object",
        "properties": {"memory_id": {"type": "integer", "minimum": 1}},
        "required": ["memory_id"],
    },
)
RECALL = ToolSpec(
    "recall",
    "Search the user's memories.",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
TOOLS = [REMINDER, FORGET, RECALL]

# Verbatim replies of Qwen2.5-Coder-0.5B-Instruct (Q8_0, llama.cpp, temperature 0) offered pasi's
# tools natively: it wrote the call as text, bare or in a fence, with an argument not offered.
QWEN_BARE = (
    '{"name": "add_reminder", "arguments": {"text": "Buy rosin at 8am", "when": "Friday evening",'
    ' "status": "done"}}'
)
QWEN_FENCED = (
    '```json\n{\n  "name": "remember",\n  "arguments": {\n    "text": "Ana\'s birthday is 3 May",'
    '\n    "kind": "fact",\n    "subject": "user"\n  }\n}\n```'
)


# More of its verbatim replies, each with what pasi should make of it against its real tools:
# (the tool it named, the problem check_call finds or None when the call can run).
QWEN_REPLIES = [
    (QWEN_BARE, "add_reminder", None),  # an argument too many is ignored, as Pydantic does
    (QWEN_FENCED, "remember", None),
    (
        '{"name": "recall", "arguments": {"query": "Where does my sister live?", "k": 5, '
        '"required": ["query"]}}',
        "recall",
        None,
    ),
    (
        '```json\n{\n  "name": "run_half_marathon",\n  "arguments": {\n    "sql": "SELECT id FROM '
        "events WHERE name = 'Half Marathon' AND start_utc >= '2024-01-01' AND start_utc < "
        '\'2024-04-01\'",\n    "max_rows": 50,\n    "required": ["sql"]\n  }\n}\n```',
        "run_half_marathon",
        "unknown tool 'run_half_marathon'",
    ),
    ('{"name": "list_reminders", "arguments": {"type": "object"}}', "list_reminders", None),
    # offered the tools by tool_prompt (prompt mode), it still wrote bare JSON, not <tool_call>
    (
        '{"name": "add_reminder", "arguments": {"text": "call mum", "when": "Friday 8am"}}',
        "add_reminder",
        None,
    ),
    (
        '{"name": "recall", "arguments": {"query": "my sister Ana lives in Lisbon", "k": 1}}',
        "recall",
        None,
    ),
]
# Its verbatim answer, in prompt mode, to "Give me a JSON object with my name and age: Tom, 31".
QWEN_USER_JSON = '{"name": "Tom", "age": 31}'


@pytest.mark.parametrize(("reply", "name", "problem"), QWEN_REPLIES)
def test_real_replies_of_qwen_05b_against_pasis_tools(
    reply: str, name: str, problem: str | None
) -> None:
    tools = specs(default_tools())
    parsed = parse_tool_calls(reply, tools)
    assert parsed.text == "" and [c.name for c in parsed.calls] == [name]
    found = check_call(parsed.calls[0], tools).problem
    assert found is None if problem is None else (found or "").startswith(problem)


def _call(text: str) -> tuple[str, dict[str, object]]:
    parsed = parse_tool_calls(text, TOOLS)
    assert parsed.text == "" and len(parsed.calls) == 1, parsed
    return parsed.calls[0].name, json.loads(parsed.calls[0].arguments)


ARGS = {"text": "buy rosin", "when": "Friday 8am"}
BODY = json.dumps({"name": "add_reminder", "arguments": ARGS})


@pytest.mark.parametrize(
    "text",
    [
        f"<tool_call>{BODY}</tool_call>",
        f"<tool_call>\n{BODY}\n",  # unterminated, as a stopped stream leaves it
        BODY,
        f"```json\n{BODY}\n```",
        f"```\n{BODY}\n```",
        f"[{BODY}]",
        json.dumps({"name": "add_reminder", "parameters": ARGS}),
        json.dumps({"name": "add_reminder", "arguments": json.dumps(ARGS)}),
        json.dumps({"type": "function", "function": {"name": "add_reminder", "arguments": ARGS}}),
        json.dumps({"tool": "add_reminder", "arguments": ARGS}),
        f"<|python_tag|>{BODY}<|eom_id|>",
        '<|python_tag|>add_reminder.call(text="buy rosin", when="Friday 8am")',
        f"[TOOL_CALLS][{BODY}]",
        f"[TOOL_CALLS]add_reminder[ARGS]{json.dumps(ARGS)}",
        f"functions.add_reminder:{json.dumps(ARGS)}",
        "<tool_call>{'name': 'add_reminder', 'arguments': {'text': 'buy rosin', "
        "'when': 'Friday 8am',}}</tool_call>",  # single quotes and a trailing comma: repaired
    ],
)
def test_every_dialect_gives_the_call_and_no_text(text: str) -> None:
    assert _call(text) == ("add_reminder", ARGS)


def test_several_calls_and_the_prose_around_them() -> None:
    text = (
        "Let me do both.\n<tool_call>" + BODY + "</tool_call>\n<tool_call>"
        '{"name": "recall", "arguments": {"query": "rosin"}}</tool_call>'
    )
    parsed = parse_tool_calls(text, TOOLS)
    assert parsed.text == "Let me do both."
    assert [c.name for c in parsed.calls] == ["add_reminder", "recall"]
    assert len({c.id for c in parsed.calls}) == 2


def test_what_qwen_05b_wrote_is_read_as_calls() -> None:
    name, arguments = _call(QWEN_BARE)
    assert name == "add_reminder" and arguments["status"] == "done"
    name, arguments = _call(QWEN_FENCED)
    assert name == "remember" and arguments["kind"] == "fact"


def test_a_fenced_call_inside_an_explanation_leaves_the_explanation() -> None:
    parsed = parse_tool_calls(f"Sure, I will set it.\n```json\n{BODY}\n```\nDone soon.", TOOLS)
    assert parsed.text == "Sure, I will set it.\n\nDone soon."
    assert [c.name for c in parsed.calls] == ["add_reminder"]


@pytest.mark.parametrize(
    "text",
    [
        QWEN_USER_JSON,
        '```json\n{"name": "Tom", "age": 31}\n```',
        'Here it is: {"name": "Tom Smith", "arguments": ["a", "b"]}',
        '[{"name": "Tom", "age": 31}, {"name": "add_reminder", "arguments": {}}]',
        '{"name": "recall_rate", "value": 0.5}',
        "The set {1, 2} and the list [1, 2].",
        '```python\nprint({"name": "x"})\n```',
    ],
)
def test_json_the_user_asked_for_is_not_taken_for_a_call(text: str) -> None:
    parsed = parse_tool_calls(text, TOOLS)
    assert parsed.calls == () and parsed.text == text.strip()


def test_an_offered_name_without_arguments_is_a_call_an_unknown_one_is_not() -> None:
    assert _call('{"name": "recall"}') == ("recall", {})
    assert parse_tool_calls('{"name": "Tom"}', TOOLS).calls == ()


def test_an_unknown_name_with_the_call_shape_is_a_call_to_check() -> None:
    assert _call('{"name": "create_reminder", "arguments": {"text": "x"}}')[0] == "create_reminder"


def test_a_broken_call_after_a_marker_is_still_taken_out() -> None:
    parsed = parse_tool_calls('<tool_call>{"name": "recall", "arguments": </tool_call>', TOOLS)
    assert parsed.text == "" and [c.name for c in parsed.calls] == ["recall"]


def test_check_names_the_close_tools_for_an_unknown_one() -> None:
    checked = check_call(ToolCall("1", "create_reminder", '{"text": "x"}'), TOOLS)
    assert checked.problem is not None
    assert "unknown tool 'create_reminder'" in checked.problem
    assert "did you mean add_reminder" in checked.problem
    assert checked.problem.endswith("the tools are: add_reminder, forget, recall")


def test_check_says_what_is_wrong_with_the_arguments() -> None:
    checked = check_call(ToolCall("1", "add_reminder", '{"text": ""}'), TOOLS)
    assert checked.problem is not None
    assert "'when' is a required property" in checked.problem
    assert "text: '' should be non-empty" in checked.problem
    assert "add_reminder takes {text: string, required; when: string, required}" in (
        checked.problem
    )
    assert "not JSON" in (check_call(ToolCall("1", "recall", "{oops"), TOOLS).problem or "")


def test_check_takes_numbers_written_as_strings_as_the_schema_wants() -> None:
    checked = check_call(ToolCall("7", "forget", '{"memory_id": "12"}'), TOOLS)
    assert checked.problem is None
    assert checked.call == ToolCall("7", "forget", '{"memory_id": 12}')


def test_the_tool_prompt_lists_the_tools_and_the_one_format() -> None:
    prompt = tool_prompt(TOOLS)
    assert '- add_reminder: Remind the user of something at a time. Arguments: {"text": string' in (
        prompt
    )
    assert '"memory_id": integer}' in prompt
    assert '<tool_call>{"name": "TOOL_NAME", "arguments": {...}}</tool_call>' in prompt
    written = '<tool_call>{"name": "forget", "arguments": {"memory_id": 3}}</tool_call>'
    assert _call(written) == ("forget", {"memory_id": 3})


def test_a_call_cut_off_by_the_token_limit_is_taken_out_and_cannot_run() -> None:
    cut = f'{BODY}\n{{"name": "add_reminder", "arguments": {{"text": "Buy rosin at 8am ('
    parsed = parse_tool_calls(cut, TOOLS)
    assert parsed.text == "" and [c.name for c in parsed.calls] == ["add_reminder"] * 2
    assert "not JSON" in (check_call(parsed.calls[1], TOOLS).problem or "")


def test_a_repeat_is_the_same_call_or_one_whose_text_only_grew() -> None:
    first = ToolCall("1", "add_reminder", '{"text": "Buy rosin", "when": "Friday"}')
    grown = ToolCall("2", "add_reminder", '{"text": "Buy rosin (pending, Fri)", "when": "Friday"}')
    other = ToolCall("3", "add_reminder", '{"text": "Call mum", "when": "Friday"}')
    assert repeats(grown, [first]) is first and repeats(first, [first]) is first
    assert repeats(other, [first]) is None and repeats(first, []) is None


def test_garbled_arguments_are_set_straight_before_they_are_checked() -> None:
    """Seen with Qwen2.5-Coder-0.5B: the whole call again inside its arguments, and words of
    the schema pasted among them."""
    nested = ToolCall("1", "recall", '{"name": "recall", "arguments": {"query": "bike"}}')
    pasted = ToolCall("2", "recall", '{"query": "bike", "required": ["query"], "type": "object"}')
    for call in (nested, pasted):
        checked = check_call(call, TOOLS)
        assert checked.problem is None and json.loads(checked.call.arguments) == {"query": "bike"}
