"""The privacy gateway: the only way the user's text reaches a model that is not on their machine.

:class:`PrivacyGateway` is a :class:`~pasi.models.chat.ChatModel` around a remote one (app.py
puts it around every model whose ``local`` is False, for chat and for the fast extraction
tier). On the way out it pseudonymises every message (system, user, assistant, tool results),
every tool call's arguments and the tool descriptions, and writes the request, as sent, to the
audit log; on the way back it restores the placeholders in the reply text and in the tool
calls the model asks for (so a tool runs with the real name, not ``<PERSON_1>``), streaming
included. Which data may be sent at all is decided before the request is built (withheld
sources and sensitive memories never get this far: pasi.privacy.policy); the gateway handles
what remains.

The mapping is one per conversation (a gateway per assistant) or, for independent requests
such as memory extraction, one per request (``per_request=True``), and is never stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pasi.models.chat import ChatModel, ChatRequest, Chunk, Completion, Message, ToolCall, ToolSpec
from pasi.privacy.audit import AuditLog
from pasi.privacy.detect import PiiDetector
from pasi.privacy.names import KnownNames, load_known_names, new_speakers
from pasi.privacy.pseudonyms import Pseudonyms, StreamRestorer
from pasi.vault.sqlite import SQLiteVault

PLACEHOLDER_NOTE = (
    "Some names, addresses and numbers in this conversation are replaced by placeholders such "
    "as <PERSON_1> or <EMAIL_2>. Treat each as the thing it stands for and write it exactly as "
    "given when you refer to it."
)


class VaultNames:
    """The people a vault knows, read for each request so a new contact is covered at once.

    Entities are few and read whole; speakers are read as new units arrive (a speaker whose
    turns were erased stays known: masking one name too many is the safe side).
    """

    def __init__(self, vault: SQLiteVault) -> None:
        self.vault = vault
        self._lock = threading.Lock()
        self._speakers: set[str] = set()
        self._after = 0

    def __call__(self) -> KnownNames:
        with self._lock:
            conn = self.vault.read()
            found, self._after = new_speakers(conn, self._after)
            self._speakers |= found
            return load_known_names(conn, self._speakers)


class PrivacyGateway:
    """A remote :class:`ChatModel` seen through pseudonyms, with every call audited."""

    local = False

    def __init__(
        self,
        inner: ChatModel,
        *,
        names: Callable[[], KnownNames] = KnownNames,
        audit: AuditLog | None = None,
        actor: str = "chat",
        phone_regions: Sequence[str] = ("US",),
        per_request: bool = False,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.endpoint = str(getattr(inner, "endpoint", None) or inner.name)
        self.names = names
        self.audit = audit
        self.actor = actor
        self.phone_regions = tuple(phone_regions)
        self.per_request = per_request
        self._pseudonyms: Pseudonyms | None = None

    def conversation(self) -> PrivacyGateway:
        """The same gateway with a fresh mapping: one per conversation."""
        return PrivacyGateway(
            self.inner, names=self.names, audit=self.audit, actor=self.actor,
            phone_regions=self.phone_regions, per_request=self.per_request,
        )  # fmt: skip

    def _mapping(self) -> Pseudonyms:
        names = self.names()
        if self.per_request or self._pseudonyms is None:
            fresh = Pseudonyms(PiiDetector(names, self.phone_regions))
            if self.per_request:
                return fresh
            self._pseudonyms = fresh
        elif self._pseudonyms.detector.names.keys != names.keys:  # someone new: same mapping
            self._pseudonyms.use(PiiDetector(names, self.phone_regions))
        return self._pseudonyms

    def complete(self, request: ChatRequest) -> Completion:
        pseudonyms = self._mapping()
        sent = self._send(request, pseudonyms)
        return restore_completion(self.inner.complete(sent), pseudonyms, request.json_schema)

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        pseudonyms = self._mapping()
        sent = self._send(request, pseudonyms)
        restorer = StreamRestorer(pseudonyms)
        chunks = self.inner.stream(sent)
        try:
            for chunk in chunks:
                text = restorer.feed(chunk.text) if chunk.text else ""
                if chunk.completion is not None:
                    text += restorer.flush()
                if text:
                    yield Chunk(text=text)
                if chunk.completion is not None:
                    restored = restore_completion(chunk.completion, pseudonyms, request.json_schema)
                    yield Chunk(completion=restored)
            rest = restorer.flush()
            if rest:
                yield Chunk(text=rest)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _send(self, request: ChatRequest, pseudonyms: Pseudonyms) -> ChatRequest:
        sent = mask_request(request, pseudonyms)
        if self.audit is not None:
            self.audit.record_remote_call(
                actor=self.actor, endpoint=self.endpoint, model=self.inner.name,
                payload=audit_payload(sent),
            )  # fmt: skip
        return sent


def mask_request(request: ChatRequest, pseudonyms: Pseudonyms) -> ChatRequest:
    messages = [_mask_message(m, pseudonyms) for m in request.messages]
    if pseudonyms.counts():  # one system message: some chat templates refuse a second
        if messages and messages[0].role == "system":
            first = messages[0]
            messages[0] = dataclasses.replace(
                first, content=f"{first.content}\n\n{PLACEHOLDER_NOTE}"
            )
        else:
            messages.insert(0, Message("system", PLACEHOLDER_NOTE))
    tools = [ToolSpec(t.name, pseudonyms.mask(t.description), t.parameters) for t in request.tools]
    return dataclasses.replace(request, messages=messages, tools=tools)


def _mask_message(message: Message, pseudonyms: Pseudonyms) -> Message:
    calls = tuple(ToolCall(c.id, c.name, pseudonyms.mask(c.arguments)) for c in message.tool_calls)
    return dataclasses.replace(message, content=pseudonyms.mask(message.content), tool_calls=calls)


def restore_completion(
    completion: Completion, pseudonyms: Pseudonyms, schema: dict[str, Any] | None = None
) -> Completion:
    """A JSON reply (a schema was asked for) is restored inside its strings, so a restored
    value with a quote in it cannot break the document."""
    calls = tuple(
        ToolCall(c.id, c.name, pseudonyms.restore_json(c.arguments)) for c in completion.tool_calls
    )
    restore = pseudonyms.restore_json if schema is not None else pseudonyms.restore
    return dataclasses.replace(completion, text=restore(completion.text), tool_calls=calls)


def audit_payload(request: ChatRequest) -> dict[str, Any]:
    """The request as it left: messages, tool names and descriptions, the schema asked for."""
    messages = []
    for message in request.messages:
        entry: dict[str, Any] = {"role": message.role, "content": message.content}
        if message.tool_calls:
            entry["tool_calls"] = [
                {"id": c.id, "name": c.name, "arguments": c.arguments} for c in message.tool_calls
            ]
        if message.tool_call_id is not None:
            entry["tool_call_id"] = message.tool_call_id
        images = getattr(message, "images", ())
        if images:  # kept as digests: the bytes are the user's, the log says which were sent
            entry["images"] = [hashlib.sha256(i.data).hexdigest() for i in images]
        messages.append(entry)
    return {
        "messages": messages,
        "tools": [{"name": t.name, "description": t.description} for t in request.tools],
        "json_schema": request.json_schema,
    }
