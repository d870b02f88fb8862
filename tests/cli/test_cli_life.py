"""pasi goals, reminders and scheduler through the real CLI on a real vault."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cli_support import Invoke, assert_one_error_line

from pasi.life.charter import load_charter, set_charter_field


def _no_quiet_hours(vault_dir: Path) -> None:
    load_charter(vault_dir)
    set_charter_field(vault_dir, "timezone", "Europe/Berlin")
    set_charter_field(vault_dir, "quiet_start", "")
    set_charter_field(vault_dir, "quiet_end", "")


def test_goals_add_progress_show_and_done(pasi: Invoke) -> None:
    added = pasi("goals", "add", "Run a half marathon", "--why", "health", "--milestone", "10 km",
                 "--milestone", "15 km", "--check-in", "every Sunday evening", "--due", "in 60 days")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("added goal 1: Run a half marathon, next check-in Sun ")
    assert pasi("goals", "progress", "1", "ran 10 km", "--milestone", "1").exit_code == 0
    (goal,) = json.loads(pasi("goals", "list", "--json").stdout)
    assert goal["why"] == "health" and goal["check_in"] == "every Sunday evening"
    assert [p["note"] for p in goal["progress"]] == ["ran 10 km"]
    assert goal["milestones"][0]["done_at"] is not None and goal["milestones"][1]["done_at"] is None
    shown = pasi("goals", "show", "1").stdout
    assert "milestone 1: 10 km (reached" in shown and "ran 10 km" in shown
    assert "Run a half marathon" in pasi("goals", "list").stdout
    assert "is done" in pasi("goals", "done", "1").stdout
    assert json.loads(pasi("goals", "list", "--json").stdout) == []
    pasi("goals", "add", "Read more")
    assert "is abandoned" in pasi("goals", "done", "2", "--abandon").stdout


def test_reminders_add_list_snooze_done_delete(pasi: Invoke) -> None:
    result = pasi("reminders", "add", "remind me to call mum on Sunday evening")
    assert result.exit_code == 0 and "reminder 1: call mum, Sun " in result.stdout
    assert pasi("reminders", "add", "bins", "--when", "every first Monday at 9").exit_code == 0
    listed = json.loads(pasi("reminders", "list", "--json").stdout)
    assert {(r["text"], r["cadence"]) for r in listed} == {
        ("call mum", None),
        ("bins", "every first Monday at 9"),
    }
    assert "call mum" in pasi("reminders").stdout  # no command: the list
    assert "snoozed until" in pasi("reminders", "snooze", "1", "2 hours").stdout
    assert "is done" in pasi("reminders", "done", "1").stdout
    assert "deleted reminder 2" in pasi("reminders", "delete", "2").stdout
    assert json.loads(pasi("reminders", "list", "--json").stdout) == []
    assert [
        r["status"] for r in json.loads(pasi("reminders", "list", "--all", "--json").stdout)
    ] == ["done"]


def test_bad_reminders_fail_with_one_line_and_store_nothing(pasi: Invoke, vault_dir: Path) -> None:
    assert_one_error_line(pasi("reminders", "add", "call mum", "--when", "whenever"), "whenever")
    assert_one_error_line(pasi("reminders", "done", "7"), "no reminder 7")
    assert_one_error_line(pasi("goals", "add", "Read", "--check-in", "tomorrow"), "how often")
    assert json.loads(pasi("reminders", "list", "--all", "--json").stdout) == []
    assert json.loads(pasi("goals", "list", "--all", "--json").stdout) == []


def test_scheduler_run_once_sends_what_is_due_and_logs_it(pasi: Invoke, vault_dir: Path) -> None:
    pasi("reminders", "add", "stretch", "--when", "in 5 minutes")
    _no_quiet_hours(vault_dir)
    with sqlite3.connect(vault_dir / "vault.db") as conn:  # five minutes pass
        conn.execute(
            "UPDATE scheduled_jobs SET next_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-1 minute')"
        )
    jobs = json.loads(pasi("scheduler", "jobs", "--json").stdout)
    assert [j["kind"] for j in jobs] == ["reminder"]
    result = pasi("scheduler", "run", "--once")
    assert result.exit_code == 0 and "[pasi reminder] stretch: Reminder: stretch" in result.stdout
    assert "1 job(s) were due" in result.stdout
    (entry,) = json.loads(pasi("scheduler", "log", "--json").stdout)
    assert (entry["channel"], entry["outcome"]) == ("terminal", "delivered")
    assert "a reminder you set" in pasi("scheduler", "log").stdout
    assert "0 job(s) were due" in pasi("scheduler", "run", "--once").stdout
