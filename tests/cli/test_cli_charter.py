"""pasi charter, pasi consent and pasi brief through the real CLI on a real vault."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cli_support import Invoke


def test_charter_is_written_on_first_use_shown_and_set(pasi: Invoke, vault_dir: Path) -> None:
    shown = pasi("charter")
    assert shown.exit_code == 0 and "quiet_start" in shown.stdout
    assert (vault_dir / "charter.toml").exists()
    assert pasi("charter", "set", "quiet_start", "23:30").exit_code == 0
    assert pasi("charter", "set", "never", "flatter me; nag me").exit_code == 0
    fields = json.loads(pasi("charter", "--json").stdout)
    assert fields["quiet_start"] == "23:30" and fields["never"] == ["flatter me", "nag me"]


def test_a_bad_value_names_the_file_and_field_and_changes_nothing(
    pasi: Invoke, vault_dir: Path
) -> None:
    pasi("charter")
    before = (vault_dir / "charter.toml").read_text()
    result = pasi("charter", "set", "daily_budget_minutes", "--", "-5")
    assert result.exit_code != 0
    assert "charter.toml" in result.stderr and "daily_budget_minutes" in result.stderr
    assert (vault_dir / "charter.toml").read_text() == before


def test_charter_edit_runs_the_editor_and_checks_the_result(
    pasi: Invoke, vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('morning_brief = \"\"', 'morning_brief = \"07:15\"'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    assert pasi("charter", "edit").exit_code == 0
    assert json.loads(pasi("charter", "--json").stdout)["morning_brief"] == "07:15"
    jobs = pasi("scheduler", "jobs", "--json")
    assert jobs.exit_code == 0 and '"brief"' in jobs.stdout  # the morning brief is scheduled
    editor.write_text("import sys, pathlib\npathlib.Path(sys.argv[1]).write_text('quiet = 1')\n")
    broken = pasi("charter", "edit")
    assert broken.exit_code != 0 and "field 'quiet'" in broken.stderr
    assert (vault_dir / "charter.toml").read_text() == "quiet = 1"  # kept for the user to fix


def test_consent_is_listed_and_answered(pasi: Invoke) -> None:
    listed = json.loads(pasi("consent", "--json").stdout)
    assert set(listed) == {"health", "finances", "religion", "sexuality", "politics"}
    assert all(row["answer"] is None for row in listed.values())
    answered = pasi("consent", "health", "yes", "--json")
    assert json.loads(answered.stdout) == {"kind": "health", "answer": "yes", "queued_turns": []}
    assert json.loads(pasi("consent", "--json").stdout)["health"]["answer"] == "yes"
    assert pasi("consent", "health", "perhaps").exit_code != 0
    assert pasi("consent", "hobbies", "yes").exit_code != 0


def test_brief_without_a_model(pasi: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASI_MODEL", "none")
    result = pasi("brief", "--json")
    brief = json.loads(result.stdout)
    assert brief["model"] is None and brief["text"].startswith("Your brief for")
    assert pasi("brief", "--no-model").stdout.startswith("Your brief for")
