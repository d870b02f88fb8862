"""The instant every test's frozen clock reads: one place, imported by name, not via conftest."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
