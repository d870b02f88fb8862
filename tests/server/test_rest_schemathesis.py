"""Property-based tests from the app's own OpenAPI spec: no input makes a route fail with a 5xx.

schemathesis reads ``/openapi.json`` and sends requests generated from it (valid and invalid)
through the ASGI app with a valid token. The connection test is left out: its input is a
URL, and generated URLs would send requests to hosts on the network.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup

from server.rest_app import make_settings

EXCLUDED = (
    "/api/settings/test-model",  # would send requests to generated URLs on the network
    "/api/notifications/stream",  # an event stream that stays open: no response to check
)

# Found by this test in other engineers' routes (see /work/notes/web-note.md): a huge integer
# reaches SQLite. Delete a line once its route is fixed.
KNOWN_5XX: dict[str, str] = {}
MAX_EXAMPLES = 12
# Routes of pasi.server.rest: their 2xx bodies are also checked against their response models.
REST_PREFIXES = (
    "/api/memories", "/api/search", "/api/episodes", "/api/items", "/api/sources",
    "/api/ingest", "/api/sync", "/api/conversations", "/api/erase", "/api/settings",
    "/api/profile", "/api/timeline", "/api/capture",
)  # fmt: skip  # per operation: keeps the whole run well under a minute here


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[object, str]]:
    from fastapi.testclient import TestClient

    from pasi.models.chat import ScriptedModel
    from pasi.server.app import create_app
    from pasi.server.users import UserRegistry

    home = tmp_path_factory.mktemp("schemathesis")
    config = make_settings(home, ingest_max_bytes=64 * 1024)
    registry = UserRegistry(config.server_home)
    registry.add("alice")
    token = registry.create_token("alice")
    model = ScriptedModel(lambda request: "A short answer [m1].")
    app = create_app(config, chat_model=model, users=registry, embedder=embedder, mcp=False)
    with TestClient(app) as client:  # runs the app's lifespan around the whole module
        pasi = app.state.sessions.session(registry.require("alice")).pasi
        turn = pasi.memory.record_turn("I moved to Lisbon in May")
        pasi.memory.remember("I live in Lisbon", evidence=[turn])
        assert client.get("/openapi.json").status_code == 200
        yield app, token
    registry.close()


def operations(app) -> list:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    for path in EXCLUDED:
        loaded = loaded.exclude(path=path)
    found = [result.ok() for result in loaded.get_all_operations()]
    return [operation for operation in found if operation.label not in KNOWN_5XX]


def test_no_generated_request_gets_a_server_error(served) -> None:
    app, token = served
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []

    for operation in operations(app):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        def no_server_error(case) -> None:
            try:
                response = case.call(headers=headers)
            except Exception as error:  # the test client re-raises what the app did not handle
                failures.append(f"{case.method} {case.formatted_path} raised {error!r}")
                return
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query or ''} -> "
                    f"{response.status_code}: {response.text[:300]}"
                )
            elif response.status_code < 300 and case.operation.path.startswith(REST_PREFIXES):
                try:  # the REST API's answers are what /openapi.json says they are
                    case.operation.validate_response(response)
                except FailureGroup as error:
                    failures.append(
                        f"{case.method} {case.formatted_path}: {error.exceptions}"[:500]
                    )

        no_server_error()
    assert failures == [], "\n".join(dict.fromkeys(failures))
