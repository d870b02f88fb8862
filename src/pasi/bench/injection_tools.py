"""AgentDojo's workspace tools as pasi sees them: what each does, and who wrote what it returns.

Used by ``pasi bench injection`` (:mod:`pasi.bench.injection`).
"""

from __future__ import annotations

from typing import Any

from pasi.safety.dataflow import Passage
from pasi.safety.provenance import Provenance

# pasi's classes for AgentDojo's workspace tools: what each does, and who wrote what it returns.
EFFECTS: dict[str, str] = {
    "send_email": "send", "delete_email": "delete", "create_calendar_event": "create",
    "cancel_calendar_event": "delete", "reschedule_calendar_event": "write",
    "add_calendar_event_participants": "share", "append_to_file": "write",
    "create_file": "create", "delete_file": "delete", "share_file": "share",
}  # fmt: skip
# Outputs the user wrote: their own sent mail and drafts, their contacts, the date. Everything
# else (received mail, calendar events with invitations' descriptions, files others shared or
# edited) is external.
USER_OUTPUTS = {
    "get_sent_emails", "get_draft_emails", "search_contacts_by_name",
    "search_contacts_by_email", "get_current_day",
}  # fmt: skip


def effect_of(name: str) -> str:
    return EFFECTS.get(name, "read")


def trust_of(name: str) -> str:
    """Who wrote a tool's output; side effects report back what they did (user)."""
    return "user" if name in USER_OUTPUTS or name in EFFECTS else "external"


def _record(item: Any, owner: str) -> tuple[str, str] | None:
    """``(trust, source)`` of one workspace record, None for anything else."""
    from agentdojo.default_suites.v1.tools.types import (
        CalendarEvent,
        CloudDriveFile,
        Email,
        EmailContact,
    )

    if isinstance(item, Email):
        mine = str(item.status) in ("sent", "draft")  # a StrEnum
        return ("user" if mine else "external"), f"email {item.id_} from {item.sender}"
    if isinstance(item, CalendarEvent):  # an invitation's text is the organiser's
        return "external", f"event {item.id_} {item.title!r}"
    if isinstance(item, CloudDriveFile):
        writers = [who for who, p in item.shared_with.items() if "w" in str(p.value)]
        mine = item.owner == owner and not writers
        return ("user" if mine else "external"), f"file {item.id_} {item.filename!r}"
    if isinstance(item, EmailContact):
        return "user", f"contact {item.email}"
    return None


def record_passages(name: str, result: Any, text: str, owner: str) -> tuple[Passage, ...]:
    """Who wrote each record of a tool's result, and the ids the workspace gave them."""
    from agentdojo.agent_pipeline.tool_execution import tool_result_to_str

    items = result if isinstance(result, list) else [result]
    found = [(item, _record(item, owner)) for item in items]
    if not items or any(record is None for _, record in found):
        return (Passage(text, Provenance(trust_of(name), f"tool {name}")),)  # type: ignore[arg-type]
    passages = []
    for item, (trust, source) in found:  # type: ignore[misc]
        written = tool_result_to_str(
            item.model_copy(update={"id_": ""}) if hasattr(item, "id_") else item
        )
        passages.append(Passage(written, Provenance(trust, source)))
        if getattr(item, "id_", None) is not None:  # given by the workspace, written by no one
            passages.append(Passage(f"'{item.id_}'", Provenance("user", f"id of {source}")))
        if getattr(item, "owner", None) == owner:  # whom a file is shared with, its owner chose
            people = " ".join(item.shared_with)
            passages.append(Passage(people, Provenance("user", f"sharing of {source}")))
    return tuple(passages)
