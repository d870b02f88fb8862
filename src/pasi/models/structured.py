"""JSON-schema output: check a reply, repair what is merely wrapped, and ask again when broken.

Servers differ in how well they honour a schema (OpenAI and llama.cpp constrain decoding;
others only promise "some JSON", or nothing). So every backend checks the reply here, and a
reply that is not JSON of the schema is never passed on as if it were: it is repaired when the
JSON is only wrapped in prose or a code fence, retried with the error shown to the model, and
otherwise reported as a :class:`~pasi.errors.ModelOutputError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pasi.errors import ModelOutputError
from pasi.models.chat import ChatRequest, Completion, Message

ATTEMPTS = 2  # the first answer, then one retry with the error shown to the model


def schema_instructions(schema: dict[str, Any]) -> str:
    """A system message for servers that cannot constrain decoding to a schema."""
    return (
        "Reply with a single JSON value and nothing else (no prose, no code fence). "
        f"It must validate against this JSON schema:\n{json.dumps(schema)}"
    )


def schema_problem(text: str, schema: dict[str, Any]) -> str | None:
    """Why ``text`` is not JSON of ``schema``, or None when it is."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return f"not JSON ({error})"
    import jsonschema  # imported here: only structured output needs it

    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        return f"does not match the schema at {where}: {error.message}"
    except jsonschema.SchemaError as error:
        raise ModelOutputError(
            f"the JSON schema given to the model is invalid: {error.message}"
        ) from None
    return None


def repair(text: str) -> str:
    """The JSON inside a reply that wrapped it in a code fence or prose, or slightly broke it.

    Only a candidate: :func:`checked` keeps it only when it validates against the schema.
    """
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[-1].rsplit("```", 1)[0].strip()
    starts = [i for i in (stripped.find("{"), stripped.find("[")) if i >= 0]
    if starts:
        end = max(stripped.rfind("}"), stripped.rfind("]"))
        stripped = stripped[min(starts) : end + 1] if end > min(starts) else stripped
    try:
        json.loads(stripped)
    except json.JSONDecodeError:
        from json_repair import repair_json  # trailing commas, single quotes, unclosed braces

        return str(repair_json(stripped)) or stripped
    return stripped


def checked(completion: Completion, schema: dict[str, Any]) -> tuple[Completion, str | None]:
    """The completion with its text repaired when that makes it valid, and what is still wrong."""
    problem = schema_problem(completion.text, schema)
    if problem is None:
        return completion, None
    fixed = repair(completion.text)
    if fixed != completion.text and schema_problem(fixed, schema) is None:
        return replace(completion, text=fixed), None
    return completion, problem


def complete_with_schema(
    request: ChatRequest,
    ask: Callable[[ChatRequest], Completion],
    who: str,
    first: Completion | None = None,
    on_invalid: Callable[[], object] | None = None,
) -> Completion:
    """Ask, check against ``request.json_schema``, retry once with the problem, or raise.

    ``first`` is a reply already in hand (e.g. a finished stream). ``on_invalid`` runs before
    a retry (a backend may switch to a stricter way of asking). ``who`` names the model (and
    URL) in the error, so the user knows which one failed.
    """
    schema = request.json_schema
    assert schema is not None
    completion = first if first is not None else ask(request)
    for attempt in range(1, ATTEMPTS + 1):
        completion, problem = checked(completion, schema)
        if problem is None:
            return completion
        if attempt < ATTEMPTS:
            if on_invalid is not None:
                on_invalid()
            completion = ask(_with_correction(request, completion.text, problem))
    snippet = " ".join(completion.text.split())[:120]
    raise ModelOutputError(
        f"{who} did not reply with JSON of the requested schema after {ATTEMPTS} attempts: "
        f"the reply {problem}; it began: {snippet!r}"
    )


def _with_correction(request: ChatRequest, reply: str, problem: str) -> ChatRequest:
    correction = Message(
        "user",
        f"Your reply {problem}. Reply again with only JSON that validates against the schema.",
    )
    messages = [*request.messages, Message("assistant", reply), correction]
    return replace(request, messages=messages)
