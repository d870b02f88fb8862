"""Tool calls a model wrote as text, in every common dialect, turned into :class:`ToolCall`.

Small local models (and servers without native tool support) often answer a tool request with
the call as text: Hermes/Qwen ``<tool_call>{...}</tool_call>``, a ```json fence holding
``{"name": ..., "arguments": ...}``, Llama 3's ``<|python_tag|>``, Mistral's ``[TOOL_CALLS]``
or ``functions.NAME:{...}``. Shown to the user, that text is noise and the tool never runs, so
:func:`parse_tool_calls` takes it out of the reply and returns the calls.

JSON the user asked for must not be eaten: outside an explicit marker, an object is a call only
when it has the call's shape, a tool-like ``name`` and no keys beyond the call's, and either
names an offered tool or carries ``arguments``/``parameters``.
"""

from __future__ import annotations

import difflib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pasi.models.chat import ToolCall, ToolSpec

ARGUMENT_KEYS = ("arguments", "parameters", "args")
CALL_KEYS = frozenset({"name", "id", "type", "function", "tool", *ARGUMENT_KEYS})
# Verbs small models use for pasi's: the close name a model most likely meant comes first.
VERBS = {
    "create": "add",
    "set": "add",
    "make": "add",
    "new": "add",
    "schedule": "add",
    "get": "list",
    "show": "list",
    "delete": "complete",
    "remove": "complete",
    "finish": "complete",
}
NAME = re.compile(r"^[A-Za-z_][\w.\-]{0,63}$")
# Markers that begin a call wherever they appear; fences and JSON objects are judged by shape.
TAGGED = re.compile(
    r"<tool_call>\s*(?P<tc>.*?)\s*(?:</tool_call>|$)"
    r"|<\|python_tag\|>\s*(?P<py>.*?)\s*(?:<\|eom_id\|>|<\|eot_id\|>|$)"
    r"|\[TOOL_CALLS\]\s*(?P<mi>.*?)\s*(?:</s>|$)"
    r"|(?<![\w.])functions\.(?P<fn>[A-Za-z_][\w\-]*)(?::\d+)?\s*:?\s*(?P<fa>\{.*?\})(?=\s*(?:$|\n|functions\.))",
    re.DOTALL,
)
FENCE = re.compile(r"```[ \t]*(?P<lang>[\w\-]*)[ \t]*\n?(?P<body>.*?)(?:```|$)", re.DOTALL)
CUT_CALL = re.compile(r'\{\s*"name"\s*:\s*"[A-Za-z_][\w.\-]*"\s*,\s*"(?:arguments|parameters)"')
OBJECT_START = re.compile(r"[\[{]\s*[\"{]")
PYTHON_CALL = re.compile(r"^(?P<name>[A-Za-z_][\w.]*?)(?:\.call)?\((?P<args>.*)\)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Parsed:
    """The reply with the call text removed, the calls, and where they were (for streaming)."""

    text: str
    calls: tuple[ToolCall, ...]
    spans: tuple[tuple[int, int], ...] = ()


def parse_tool_calls(text: str, tools: Iterable[ToolSpec | str] = ()) -> Parsed:
    """Every tool call written in ``text`` and the text without them (stripped)."""
    names = _names(tools)
    found: list[tuple[int, int, list[ToolCall]]] = []
    for match in TAGGED.finditer(text):
        found.append((match.start(), match.end(), _tagged(match)))
    for start, end, calls in _shaped(text, names, [(s, e) for s, e, _ in found]):
        found.append((start, end, calls))
    found.sort(key=lambda item: item[0])
    spans = tuple((start, end) for start, end, _ in found)
    calls = tuple(call for _, _, group in found for call in group)
    return Parsed(remove_spans(text, spans).strip(), calls, spans)


def remove_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    kept, position = [], 0
    for start, end in sorted(spans):
        kept.append(text[position : max(position, start)])
        position = max(position, end)
    kept.append(text[position:])
    return "".join(kept)


def _names(tools: Iterable[ToolSpec | str]) -> frozenset[str]:
    return frozenset(t if isinstance(t, str) else t.name for t in tools)


def _tagged(match: re.Match[str]) -> list[ToolCall]:
    """A call after an explicit marker: whatever it holds is meant as a call, even if broken."""
    if match.group("fn") is not None:
        return [make_call(match.group("fn"), _loads(match.group("fa")))]
    body = match.group("tc") or match.group("py") or match.group("mi") or ""
    value = _loads(body)
    if value is None and match.group("py") is not None:
        return _python_call(body)
    if value is None and match.group("mi") is not None:
        return _mistral_v11(body)
    calls = _calls_in(value, frozenset(), strict=False)
    return calls if calls else [make_call(_guess_name(body), body)]


def _shaped(
    text: str, names: frozenset[str], taken: list[tuple[int, int]]
) -> Iterable[tuple[int, int, list[ToolCall]]]:
    """Fenced or bare JSON that has the call's shape, outside spans already taken. JSON that
    is not a call is passed over whole: an object inside the user's data is not a call."""
    seen = list(taken)
    for match in FENCE.finditer(text):
        if _inside(match.start(), seen):
            continue
        seen.append((match.start(), match.end()))
        calls = _calls_in(_loads(match.group("body")), names, strict=True)
        if calls:
            yield match.start(), match.end(), calls
    decoder = json.JSONDecoder()
    for match in OBJECT_START.finditer(text):
        start = match.start()
        if _inside(start, seen):
            continue
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            if CUT_CALL.match(text, start):  # a call cut off by the token limit: never shown,
                body = text[start:]  # never run (its arguments are not JSON): the model is told
                yield start, len(text), [make_call(_guess_name(body), body)]
                return
            continue
        seen.append((start, end))
        calls = _calls_in(value, names, strict=True)
        if calls:
            yield start, end, calls


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _calls_in(value: Any, names: frozenset[str], *, strict: bool) -> list[ToolCall]:
    """Calls in a parsed value: one object or a list of them (all calls, or none)."""
    items = value if isinstance(value, list) else [value]
    calls = [_as_call(item, names, strict=strict) for item in items]
    if not items or any(call is None for call in calls):
        return []
    return [call for call in calls if call is not None]


def _as_call(value: Any, names: frozenset[str], *, strict: bool) -> ToolCall | None:
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("function"), dict):  # OpenAI's {"type": "function", "function": {...}}
        value = value["function"]
    elif isinstance(value.get("tool"), dict):
        value = value["tool"]
    name = value.get("name", value.get("tool", value.get("function")))
    if not isinstance(name, str) or not NAME.match(name):
        return None
    key = next((k for k in ARGUMENT_KEYS if k in value), None)
    arguments = value.get(key) if key else {}
    if isinstance(arguments, str):
        arguments = _loads(arguments) if arguments.strip() else {}
    if strict and (set(value) - CALL_KEYS or (key is None and name not in names)):
        return None  # {"name": "Tom", "age": 31} is an answer, not a call
    if not isinstance(arguments, dict):
        return None if strict else make_call(name, json.dumps(arguments))
    return make_call(name, arguments)


def _python_call(body: str) -> list[ToolCall]:
    """Llama 3's built-in style ``name.call(key="value", n=2)``: simple literals only."""
    match = PYTHON_CALL.match(body.strip())
    if match is None:
        return [make_call(_guess_name(body), body)]
    import ast

    try:
        node = ast.parse(f"f({match.group('args')})", mode="eval").body
        arguments = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}  # type: ignore[attr-defined]
    except (SyntaxError, ValueError):
        return [make_call(match.group("name"), match.group("args"))]
    return [make_call(match.group("name"), arguments)]


def _mistral_v11(body: str) -> list[ToolCall]:
    """Newer Mistral templates write ``[TOOL_CALLS]name[ARGS]{...}``."""
    name, _, arguments = body.partition("[ARGS]")
    value = _loads(arguments)
    return [make_call(name.strip(), value if isinstance(value, dict) else arguments)]


def _guess_name(body: str) -> str:
    found = re.search(r'"name"\s*:\s*"([^"]+)"', body)
    return found.group(1) if found else ""


def _loads(body: str) -> Any:
    """JSON, repaired when slightly broken (a trailing comma, single quotes); None if not JSON."""
    body = body.strip()
    if not body:
        return None
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        pass
    if body[0] not in "{[":
        return None
    from json_repair import repair_json  # pure Python; only for replies that need it

    repaired = repair_json(body, return_objects=True)
    return repaired if isinstance(repaired, dict | list) and repaired else None


def make_call(name: str, arguments: dict[str, Any] | str) -> ToolCall:
    """A call with a fresh id; arguments kept as JSON text, as native calls carry them."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return ToolCall(f"call_{uuid.uuid4().hex[:16]}", name, text)


@dataclass(frozen=True)
class Checked:
    """A call checked against the offered tools: the call to run (arguments normalised) or
    what is wrong with it, written for the model to correct."""

    call: ToolCall
    problem: str | None = None


def check_call(call: ToolCall, tools: Sequence[ToolSpec]) -> Checked:
    """Is ``call`` one of ``tools`` with arguments its JSON schema accepts?

    Numbers and booleans written as strings ("12", "true") are taken as what the schema asks
    for, as the tools' own validation (Pydantic) would take them.
    """
    spec = next((tool for tool in tools if tool.name == call.name), None)
    if spec is None:
        return Checked(call, unknown_tool(call.name, tools))
    try:
        arguments = call.parsed_arguments()
    except ValueError as error:
        return Checked(call, f"{error}; {usage(spec)}")
    arguments = _coerced(_unwrapped(call.name, arguments, spec.parameters), spec.parameters)
    problems = _schema_problems(arguments, spec.parameters)
    if problems:
        return Checked(call, f"invalid arguments for {call.name}: {problems}; {usage(spec)}")
    normalised = json.dumps(arguments, ensure_ascii=False)
    return Checked(ToolCall(call.id, call.name, normalised))


_SCHEMA_WORDS = frozenset({"type", "properties", "required", "additionalProperties"})


def _unwrapped(name: str, arguments: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Arguments as a small model garbles them, set straight: the whole call again inside its
    arguments ({"name": "add_goal", "arguments": {...}}), or words of the schema pasted in
    ("required": ["query"], "type": "object"), neither of which the tool takes."""
    inner = arguments.get("arguments")
    if arguments.get("name") == name and isinstance(inner, dict):
        arguments = inner
    known = set((schema.get("properties") or {}).keys())
    return {k: v for k, v in arguments.items() if k in known or k not in _SCHEMA_WORDS}


def repeats(call: ToolCall, earlier: Sequence[ToolCall]) -> ToolCall | None:
    """The earlier call ``call`` repeats: the same tool with the same arguments, or with text
    arguments that only grew (a small model pastes the tool's result into the call it repeats:
    "Buy rosin" becomes "Buy rosin (pending, next Fri 08:00)")."""
    new = _arguments_of(call)
    for before in earlier:
        old = _arguments_of(before)
        if before.name != call.name or new is None or old is None or set(new) != set(old):
            continue
        if all(
            new[k] == v or (isinstance(v, str) and str(v) in str(new[k])) for k, v in old.items()
        ):
            return before
    return None


def repeat_problem(call: ToolCall, earlier: Sequence[ToolCall]) -> str | None:
    """What the model is told when ``call`` repeats one already done (None: it does not)."""
    if repeats(call, earlier) is None:
        return None
    return (
        f"this {call.name} call repeats one already done in this turn (its result is above): "
        "it was not run again. Do not call it again; answer the user in plain words."
    )


def sendable(call: ToolCall) -> ToolCall:
    """A call as a history carries it back to the model: arguments that are not a JSON object
    (cut off, malformed) become ``{}``, since servers refuse a history with broken JSON (the
    tool's result tells the model what was wrong)."""
    return call if _arguments_of(call) is not None else ToolCall(call.id, call.name, "{}")


def _arguments_of(call: ToolCall) -> dict[str, Any] | None:
    try:
        return call.parsed_arguments()
    except ValueError:
        return None


def unknown_tool(name: str, tools: Sequence[ToolSpec]) -> str:
    names = [tool.name for tool in tools]
    if not name:
        return "the tool call names no tool; the tools are: " + ", ".join(names)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    verb, _, rest = name.partition("_")
    meant = f"{VERBS.get(verb.lower(), verb)}_{rest}"  # create_reminder: add_reminder
    if meant in names:
        close = [meant, *(c for c in close if c != meant)][:3]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"unknown tool '{name}'{hint}; the tools are: " + ", ".join(names)


def usage(spec: ToolSpec) -> str:
    """``name(text: string, required; kind: one of fact, plan)``: the arguments, in a line."""
    properties = spec.parameters.get("properties", {})
    required = set(spec.parameters.get("required", []))
    parts = []
    for key, schema in properties.items():
        kind = _type_of(schema)
        parts.append(f"{key}: {kind}" + (", required" if key in required else ""))
    return f"{spec.name} takes {{{'; '.join(parts)}}}" if parts else f"{spec.name} takes {{}}"


def _type_of(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    options = schema.get("anyOf") or []
    kinds = [o.get("type", "") for o in options if o.get("type") != "null"] or [
        schema.get("type", "any")
    ]
    return "/".join(str(k) for k in kinds)


def _coerced(arguments: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    result = dict(arguments)
    for key, value in arguments.items():
        wanted = properties.get(key, {}).get("type")
        if not isinstance(value, str):
            continue
        text = value.strip()
        if wanted == "integer" and re.fullmatch(r"-?\d+", text):
            result[key] = int(text)
        elif wanted == "number" and re.fullmatch(r"-?\d+(\.\d+)?", text):
            result[key] = float(text)
        elif wanted == "boolean" and text.lower() in ("true", "false"):
            result[key] = text.lower() == "true"
    return result


def _schema_problems(arguments: dict[str, Any], schema: dict[str, Any]) -> str:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(arguments), key=lambda e: e.path)
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.path)
        parts.append(f"{where}: {error.message}" if where else error.message)
    return "; ".join(parts)


def tool_prompt(tools: Sequence[ToolSpec]) -> str:
    """The tools as a system-prompt section, for a model or server without native tool calls
    (Open WebUI's default function calling works this way): each tool in a line, and the one
    format pasi reads back."""
    lines = [
        "# Tools",
        "You may call these tools. Each takes a JSON object of the arguments shown.",
    ]
    for spec in tools:
        lines.append(f"- {spec.name}: {spec.description.strip()} Arguments: {_arguments(spec)}")
    lines += [
        "To call a tool, reply with only this, one line per call, and nothing else:",
        '<tool_call>{"name": "TOOL_NAME", "arguments": {...}}</tool_call>',
        "The result comes back in <tool_response>...</tool_response>. When no tool is needed,"
        " answer in plain words, without JSON.",
    ]
    return "\n".join(lines)


def _arguments(spec: ToolSpec) -> str:
    properties = spec.parameters.get("properties", {})
    required = set(spec.parameters.get("required", []))
    parts = []
    for key, schema in properties.items():
        optional = "" if key in required else " (optional)"
        described = schema.get("description", "")
        parts.append(
            f'"{key}": {_type_of(schema)}{optional}' + (f" - {described}" if described else "")
        )
    return "{" + "; ".join(parts) + "}"
