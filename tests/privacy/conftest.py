"""Fixtures for the privacy tests: the email that must never reach a remote model."""

from __future__ import annotations

from pathlib import Path

import pytest

LOCKER_EMAIL = """\
From: Jonas Weber <jonas@example.org>
To: me@example.net
Subject: the locker
Date: Tue, 05 Mar 2024 10:00:00 +0000
Message-ID: <locker-1@example.org>

The locker code for the sailing club is 4471, keep it quiet.
"""


@pytest.fixture
def locker_email(tmp_path: Path) -> Path:
    """``locker.eml`` in the test's folder: an email (withheld from remote models by default)
    whose secret, the code 4471, the tests look for in what a remote model received."""
    path = tmp_path / "locker.eml"
    path.write_text(LOCKER_EMAIL)
    return path
