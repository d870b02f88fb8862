"""Who may make the server call a model: configured specs and loopback servers for any user,
other hosts only for the server's own user ``local`` (no request leaves for anyone else)."""

from __future__ import annotations

from pathlib import Path

from models.scripted_http import Reply, chat_reply, serve
from pasi.server.users import LOCAL_USER, UserRegistry
from server.rest_app import rest_app


def _not_loopback(url: str) -> str:
    """The scripted server's URL through 0.0.0.0: Linux connects it to this machine, but it is
    not written as a loopback address (the kind of address a client could try)."""
    return url.replace("127.0.0.1", "0.0.0.0")


def test_other_hosts_are_refused_to_users_and_tested_for_the_owner(
    tmp_path: Path, embedder
) -> None:
    owner: dict[str, str] = {}

    def add_owner(registry: UserRegistry) -> None:
        registry.add(LOCAL_USER)
        owner["token"] = registry.create_token(LOCAL_USER)

    with serve(lambda seen: Reply(body=chat_reply("ok"))) as upstream:
        elsewhere = f"openai-compatible:{_not_loopback(upstream.url)}/v1#tiny"
        with rest_app(tmp_path, embedder, prepare=add_owner, openai_api_key="sk-server") as api:
            for spec in (elsewhere, "openai:gpt-4o"):
                refused = api.post("/api/settings/test-model", json={"spec": spec})
                assert refused.status_code == 422, refused.text
                assert refused.json()["error"]["param"] == "spec"
                assert "not a configured model" in refused.json()["error"]["message"]
            assert upstream.seen == []  # nothing was sent for alice

            headers = {"Authorization": f"Bearer {owner['token']}"}
            result = api.client.post(
                "/api/settings/test-model", json={"spec": elsewhere}, headers=headers
            ).json()
            assert result["ok"] is True and result["reply"] == "ok", result
            assert len(upstream.seen) == 1


def test_a_spec_the_settings_name_may_be_tested_by_any_user(tmp_path: Path, embedder) -> None:
    with serve(lambda seen: Reply(body=chat_reply("ok"))) as upstream:
        configured = f"openai-compatible:{_not_loopback(upstream.url)}/v1#tiny"
        with rest_app(tmp_path, embedder, fast_model=configured) as api:
            result = api.post("/api/settings/test-model", json={"spec": configured}).json()
            assert result["ok"] is True, result
            by_tier = api.post("/api/settings/test-model", json={"tier": "fast"}, user="bob")
            assert by_tier.json()["ok"] is True
    assert len(upstream.seen) == 2
