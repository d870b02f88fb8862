"""pasi chat on a terminal runs the scheduler: a due reminder prints in the conversation."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from pasi.life.charter import load_charter, set_charter_field
from pasi.life.reminders import Reminders
from pasi.vault.sqlite import SQLiteVault


def _read_until(fd: int, wanted: bytes, seconds: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
    return seen


def _vault_with_an_overdue_reminder(tmp_path: Path, text: str) -> Path:
    """A vault whose one reminder was due long ago, with no quiet hours (tests run at any hour)."""
    vault_dir = tmp_path / "vault"
    with SQLiteVault(vault_dir) as vault:
        load_charter(vault_dir)
        for field in ("quiet_start", "quiet_end"):
            set_charter_field(vault_dir, field, "")
        reminder = Reminders(vault, "UTC").add(text, "in 1 hour")
        with vault.write() as conn:
            conn.execute(
                "UPDATE scheduled_jobs SET next_at = '2000-01-01T00:00:00+00:00' WHERE id = ?",
                (reminder.job_id,),
            )
    return vault_dir


def test_a_due_reminder_prints_in_an_interactive_chat(tmp_path: Path) -> None:
    vault_dir = _vault_with_an_overdue_reminder(tmp_path, "stand up and stretch")
    main, child = pty.openpty()
    env = {**os.environ, "PASI_MODEL": "none", "PASI_NOTIFY_DESKTOP": "false"}
    argv = [sys.executable, "-m", "pasi", "--vault", str(vault_dir), "--embedder", "none", "chat"]
    process = subprocess.Popen(argv, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    try:
        output = _read_until(main, b"[pasi reminder (late)] stand up and stretch")
        os.write(main, b"/quit\n")
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    assert b"[pasi reminder (late)] stand up and stretch" in output, output
    assert process.returncode == 0
    with SQLiteVault(vault_dir) as vault:
        rows = vault.read().execute("SELECT channel, outcome FROM deliveries").fetchall()
    assert [tuple(row) for row in rows] == [("terminal", "delivered")]


def test_the_foreground_scheduler_prints_reminders_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal

    vault_dir = _vault_with_an_overdue_reminder(tmp_path, "drink water")
    env = {**os.environ, "PASI_NOTIFY_DESKTOP": "false"}
    argv = [sys.executable, "-m", "pasi", "--vault", str(vault_dir), "scheduler", "run"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        assert process.stdout is not None
        output = _read_until(process.stdout.fileno(), b"[pasi reminder (late)] drink water")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert b"pasi scheduler: running" in output and b"drink water" in output, output
    assert process.returncode == 0
