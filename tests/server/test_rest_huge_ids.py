"""Integers too large for SQLite are refused with a 422 naming the field, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.rest_app import RestApp, rest_app

HUGE = 2**64


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(tmp_path, embedder) as app:
        yield app


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("get", f"/api/notifications?after={HUGE}", "after"),
        ("get", f"/api/notifications/log?after={HUGE}", "after"),
        ("post", f"/api/actions/{HUGE}/approve", "action_id"),
        ("post", f"/api/actions/{HUGE}/deny", "action_id"),
    ],
)
def test_a_huge_integer_is_a_422(api: RestApp, method: str, url: str, field: str) -> None:
    response = getattr(api, method)(url)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_the_largest_sqlite_integer_is_still_accepted(api: RestApp) -> None:
    assert api.get(f"/api/notifications/log?after={2**63 - 1}").json() == []
    assert api.post(f"/api/actions/{2**63 - 1}/deny").status_code == 404
