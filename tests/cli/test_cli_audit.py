"""``pasi audit`` shows what left the machine: each remote call as it was sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli_support import Invoke

from pasi.clock import fixed_clock
from pasi.models.chat import ChatRequest, Message, ScriptedModel
from pasi.privacy.audit import AuditLog
from pasi.privacy.gateway import PrivacyGateway
from pasi.vault.sqlite import SQLiteVault

THEN = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _calls(vault_dir: Path) -> None:
    """Two remote calls, a week apart, through the gateway as pasi makes them."""
    with SQLiteVault(vault_dir) as vault:
        for at, text in ((THEN, "mail bob@example.com"), (THEN + timedelta(days=7), "hello")):
            model = ScriptedModel(lambda _: "ok", name="cloud:model", local=False)
            audit = AuditLog(vault, fixed_clock(at))
            PrivacyGateway(model, audit=audit).complete(ChatRequest([Message("user", text)]))


def test_audit_lists_remote_calls_newest_first_with_what_was_sent(
    pasi: Invoke, vault_dir: Path
) -> None:
    _calls(vault_dir)
    result = pasi("audit", "--json")
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    assert [e["at"] for e in entries] == ["2024-03-08T09:00:00+00:00", "2024-03-01T09:00:00+00:00"]
    older = entries[1]
    assert older["model"] == "cloud:model" and older["action"] == "remote_model_call"
    sent = older["payload"]["messages"][-1]["content"]
    assert sent == "mail <EMAIL_1>" and "bob@" not in result.stdout
    assert len(older["digest"]) == 64


def test_audit_since_and_the_table(pasi: Invoke, vault_dir: Path) -> None:
    _calls(vault_dir)
    recent = json.loads(pasi("audit", "--since", "2024-03-05", "--json").stdout)
    assert [e["payload"]["messages"][-1]["content"] for e in recent] == ["hello"]
    table = pasi("audit", "--full", "--limit", "1").stdout
    assert "cloud:model" in table and "user: hello" in table and "<EMAIL_1>" not in table


def test_audit_of_a_vault_that_never_called_a_remote_model(pasi: Invoke) -> None:
    result = pasi("audit")
    assert result.exit_code == 0 and "nothing has been sent to a remote model" in result.stdout
    assert json.loads(pasi("audit", "--json").stdout) == []


def test_old_entries_can_be_deleted(pasi: Invoke, vault_dir: Path) -> None:
    _calls(vault_dir)
    result = pasi("audit", "--delete-before", "2024-03-05")
    assert result.exit_code == 0 and "deleted 1 audit entry" in result.stdout
    left = json.loads(pasi("audit", "--json").stdout)
    assert [e["at"] for e in left] == ["2024-03-08T09:00:00+00:00"]
