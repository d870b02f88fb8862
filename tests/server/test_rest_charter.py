"""The charter, consent and the brief over REST: what a web-only user needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.rest_app import RestApp, rest_app


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(tmp_path, embedder) as app:
        yield app


def test_the_charter_is_read_and_changed_per_user(api: RestApp) -> None:
    charter = api.get("/api/charter").json()
    assert charter["quiet_start"] == "22:00" and charter["daily_budget_minutes"] == 60
    changed = api.patch("/api/charter", json={"daily_budget_minutes": "30", "never": "nag me"})
    assert changed.status_code == 200
    assert changed.json()["daily_budget_minutes"] == 30 and changed.json()["never"] == ["nag me"]
    assert api.get("/api/charter", user="bob").json()["daily_budget_minutes"] == 60


def test_a_bad_charter_value_is_refused_naming_the_field(api: RestApp) -> None:
    response = api.patch("/api/charter", json={"quiet_end": "25:00"})
    assert 400 <= response.status_code < 500
    assert "quiet_end" in response.json()["error"]["message"]
    assert api.get("/api/charter").json()["quiet_end"] == "07:00"


def test_consent_is_answered_from_the_web(api: RestApp) -> None:
    assert api.get("/api/consent").json()["health"] == {"answer": None, "held_turns": 0}
    answered = api.post("/api/consent/health", json={"agree": True})
    assert answered.status_code == 200 and answered.json()["answer"] == "yes"
    assert api.get("/api/consent").json()["health"]["answer"] == "yes"
    unknown = api.post("/api/consent/hobbies", json={"agree": True})
    assert 400 <= unknown.status_code < 500 and "not a sensitive kind" in unknown.text


def test_the_brief_without_a_model(api: RestApp) -> None:
    brief = api.get("/api/brief", params={"model": "false"}).json()
    assert brief["model"] is None and brief["text"].startswith("Your brief for")
