"""A chat model whose tool calls written as text become real calls, and never reach the user.

:class:`TextToolCalls` wraps any :class:`ChatModel`. For a request that offers tools it parses
calls out of the reply (pasi.models.toolcalls) into ``Completion.tool_calls``; while streaming
it holds back text that may be a call (:class:`CallFilter`) and releases it only once it turns
out not to be one. Its ``mode`` says how tools reach the model:

- ``native``: in the request's ``tools`` (the server's chat template renders them);
- ``prompt``: as a section of the system message (:func:`tool_prompt`), with earlier calls and
  results written as text, for servers and models without tool support;
- ``auto``: native until the backend answers that it does not support tools
  (:class:`pasi.errors.ModelCapabilityError`), then prompt for this model from then on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, Literal

from pasi.errors import ModelCapabilityError
from pasi.models.chat import ChatModel, ChatRequest, Chunk, Completion, Message, ToolSpec
from pasi.models.toolcalls import Parsed, parse_tool_calls, remove_spans, tool_prompt

ToolMode = Literal["auto", "native", "prompt"]
TOOL_MODES: tuple[str, ...] = ("auto", "native", "prompt")
# Text that may start a call: held from there on until the reply ends.
MARKERS = ("<tool_call>", "<|python_tag|>", "[TOOL_CALLS]", "```", "functions.")
OPENING = re.compile(r"\{\s*\"|\[\s*\{")  # `{"` or `[{`, mid-text: JSON that may be a call
CALL_START = re.compile(r"\{\s*[\"']|\[\s*\{")  # a reply starting so is held whole
UNDECIDED = re.compile(r"[\[{]\s*")  # a reply that may yet start so
# "[add_g", still forming; not "[m" or "[t", the start of a citation tag ([m12], [t3])
LISTED_OPEN = re.compile(r"\[\s*(?:[A-Za-z_]{2}[\w.-]*|[A-Za-hj-ln-su-z_])")
LISTED_CALL = re.compile(r"\[\s*[A-Za-z_][\w.-]*\s*,")  # "[add_goal," a call as a pair
# What is left of a call after the parser took the whole ones: never an answer to show.
BROKEN = re.compile(
    r"(?:```(?:json)?\s*)?(?:<tool_call>\s*)?[\[{]\s*\"(?:name|function|tool|error)\"\s*:"
)


class CallFilter:
    """Streamed text in, text safe to show out: nothing that may be a tool call leaves early.

    ``feed`` returns what can be shown now; ``finish`` parses the whole reply and returns the
    rest of the text with the calls removed.
    """

    def __init__(self, tools: Sequence[ToolSpec]) -> None:
        self.tools = tools
        self.text = ""
        self.shown = 0  # characters of ``text`` already released
        self.held = False  # a possible call began at ``shown``: hold everything after it

    def feed(self, piece: str) -> str:
        self.text += piece
        if self.held:
            return ""
        stop = self._safe_end()
        out, self.shown = self.text[self.shown : stop], max(self.shown, stop)
        return out

    def finish(self) -> tuple[str, Parsed]:
        parsed = parse_tool_calls(self.text, self.tools)
        tail = [(max(s, self.shown) - self.shown, e - self.shown) for s, e in parsed.spans]
        rest = remove_spans(self.text[self.shown :], [(s, e) for s, e in tail if e > 0])
        broken = _broken_call(rest)  # a call cut off mid-way, or a tool's result echoed back
        if broken is None and _names_a_tool(rest, self.tools):  # a call the parser refused
            broken = 0
        if broken is not None:
            rest = rest[:broken].rstrip()
        if not self.text[: self.shown].strip():
            rest = rest.lstrip()
        return rest.rstrip() if parsed.calls else rest, parsed

    def _safe_end(self) -> int:
        """Where the text shown may end: before a marker, or before a tail that may start one."""
        if self.shown == 0:
            start = self._start(self.text.lstrip())
            if start is not None:
                return start
        for found in (self._marker(), self._opening()):
            if found is not None:
                self.held = True
                return found
        return len(self.text) - _partial_tail(self.text)

    def _start(self, head: str) -> int | None:
        """At the reply's start: 0 (show nothing) while it may still be a call, and held once it
        surely begins one; None once it surely does not (``[m1] says``, ``{1, 2}``)."""
        if any(head.startswith(m) for m in MARKERS) or CALL_START.match(head):
            self.held = True
            return 0
        if LISTED_CALL.match(head):  # [add_goal, {...}]: held whole, read in finish()
            self.held = True
            return 0
        if LISTED_OPEN.fullmatch(head):  # "[add_g": a tag ([m12]) or such a call, not yet known
            return 0
        if not head or any(m.startswith(head) for m in MARKERS) or UNDECIDED.fullmatch(head):
            return 0
        return None

    def _marker(self) -> int | None:
        spots = [self.text.find(m, self.shown) for m in MARKERS]
        spots = [spot for spot in spots if spot >= 0]
        return min(spots) if spots else None

    def _opening(self) -> int | None:
        match = OPENING.search(self.text, self.shown)
        return match.start() if match else None


def hide_calls(chunks: Iterator[Chunk], tools: Sequence[ToolSpec]) -> Iterator[Chunk]:
    """A stream with call text held back and parsed: the last chunk's completion carries the
    calls (native ones first) and the text without them."""
    calls = CallFilter(tools)
    completion: Completion | None = None
    try:
        for chunk in chunks:
            shown = calls.feed(chunk.text) if chunk.text else ""
            if shown:
                yield Chunk(text=shown)
            if chunk.completion is not None:
                completion = chunk.completion
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # the consumer stopped early (a turn's deadline): so does the backend
    if not calls.text and completion is not None and completion.text:
        calls.text = completion.text  # a backend that streamed no text pieces
    rest, parsed = calls.finish()
    if rest:
        yield Chunk(text=rest)
    merged = _merged(completion or Completion(calls.text), parsed)
    if _names_a_tool(merged.text, tools) or _broken_call(merged.text) == 0:
        merged = replace(merged, text="")  # what was hidden is not the reply either
    yield Chunk(completion=merged)


def _names_a_tool(text: str, tools: Sequence[ToolSpec]) -> bool:
    """Does the reply open with a call of an offered tool, as JSON ({"name": "add_reminder",
    ...) even one the parser would not run (arguments wrong)? Never an answer to show."""
    opening = re.match(r'\s*(?:```(?:json)?\s*)?\[?\s*\{\s*"name"\s*:\s*"([\w.-]+)"', text)
    listed = re.match(r'\s*\[\s*"?([\w.-]+)"?\s*,\s*\{', text)  # [add_goal, {...}]
    named = {tool.name for tool in tools}
    return any(m is not None and m.group(1) in named for m in (opening, listed))


def _broken_call(text: str) -> int | None:
    """Where a call the parser could not read begins (cut off by the token limit or a loop),
    or a tool's error echoed back as if it were the answer; None when there is none. Whole
    JSON that is not a call (the user asked for JSON) is an answer and stays."""
    found = BROKEN.search(text)
    if found is None:
        return None
    brace = min(i for i in (text.find("{", found.start()), text.find("[", found.start())) if i >= 0)
    if text.startswith('"error"', text.find('"', brace)):
        return found.start()
    try:
        json.JSONDecoder().raw_decode(text[brace:])
    except ValueError:
        return found.start()
    return None


def _partial_tail(text: str) -> int:
    """How many final characters could be the beginning of a marker or of ``{"``."""
    longest = 0
    for marker in (*MARKERS, '{"', "[{"):
        for size in range(1, len(marker)):
            if text.endswith(marker[:size]):
                longest = max(longest, size)
    stripped = text.rstrip()
    if stripped.endswith(("{", "[")):
        longest = max(longest, len(text) - len(stripped) + 1)
    return longest


class TextToolCalls:
    """Any chat model, with tool calls written as text parsed and hidden (module docstring)."""

    def __init__(self, inner: ChatModel, mode: ToolMode = "auto") -> None:
        self.inner = inner
        self.mode = mode
        self.prompted = mode == "prompt"  # tools go into the system message
        self.name = inner.name
        self.local = inner.local

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "inner":  # not set yet (a copy being built): no endless recursion
            raise AttributeError(attribute)
        return getattr(self.inner, attribute)  # endpoint, count_tokens... of the backend

    def complete(self, request: ChatRequest) -> Completion:
        if not request.tools:
            return self.inner.complete(self._prepare(request))
        try:
            completion = self.inner.complete(self._prepare(request))
        except ModelCapabilityError as error:
            if not self._fall_back(error):
                raise
            completion = self.inner.complete(self._prepare(request))
        return _merged(completion, parse_tool_calls(completion.text, request.tools))

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        if not request.tools:
            yield from self.inner.stream(self._prepare(request))
            return
        yield from hide_calls(self._chunks(request), request.tools)

    def _chunks(self, request: ChatRequest) -> Iterator[Chunk]:
        """The backend's stream, closed when the consumer stops early (a turn's deadline)."""
        started = False
        chunks = self.inner.stream(self._prepare(request))
        try:
            for chunk in chunks:
                started = True
                yield chunk
        except ModelCapabilityError as error:
            if started or not self._fall_back(error):
                raise
            yield from self._chunks(request)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _fall_back(self, error: ModelCapabilityError) -> bool:
        """Native tools refused: in ``auto`` mode, tools go into the prompt from now on."""
        if self.mode != "auto" or self.prompted or error.feature != "tools":
            return False
        self.prompted = True
        return True

    def _prepare(self, request: ChatRequest) -> ChatRequest:
        if not self.prompted or not (request.tools or _has_tool_turns(request.messages)):
            return request
        messages = prompted_messages(request.messages, request.tools)
        return replace(request, messages=messages, tools=())


def prompted_messages(messages: Sequence[Message], tools: Sequence[ToolSpec]) -> list[Message]:
    """The conversation for a model without tool support: the tools in the (single) system
    message, earlier calls as ``<tool_call>`` text, results as ``<tool_response>`` user turns
    (as Qwen's and Hermes' templates render them); consecutive user turns joined, since many
    templates require the roles to alternate."""
    section = tool_prompt(tools) if tools else ""
    out: list[Message] = []
    for message in messages:
        if message.role == "system":
            if out and out[0].role == "system":
                out[0] = replace(out[0], content=out[0].content + "\n\n" + message.content)
                continue
            out.insert(0, Message("system", message.content))
            continue
        converted = _as_text(message)
        if out and out[-1].role == converted.role == "user" and not out[-1].images:
            out[-1] = replace(out[-1], content=out[-1].content + "\n\n" + converted.content)
        else:
            out.append(converted)
    if section:
        if out and out[0].role == "system":
            out[0] = replace(out[0], content=out[0].content + "\n\n" + section)
        else:
            out.insert(0, Message("system", section))
    return out


def _has_tool_turns(messages: Sequence[Message]) -> bool:
    return any(m.role == "tool" or m.tool_calls for m in messages)


def _as_text(message: Message) -> Message:
    if message.role == "tool":
        return Message("user", f"<tool_response>\n{message.content}\n</tool_response>")
    if message.role == "assistant" and message.tool_calls:
        calls = [
            "<tool_call>"
            + json.dumps({"name": c.name, "arguments": _arguments(c.arguments)}, ensure_ascii=False)
            + "</tool_call>"
            for c in message.tool_calls
        ]
        text = "\n".join(([message.content.strip()] if message.content.strip() else []) + calls)
        return Message("assistant", text)
    return message


def _arguments(text: str) -> Any:
    try:
        return json.loads(text or "{}")
    except json.JSONDecodeError:
        return text


def _merged(completion: Completion, parsed: Parsed) -> Completion:
    """Native calls win; text calls fill in when there are none. The call text goes either way."""
    calls = completion.tool_calls or parsed.calls
    reason = "tool_calls" if calls else completion.finish_reason
    return replace(completion, text=parsed.text, tool_calls=calls, finish_reason=reason)
