"""/v1/embeddings with an empty text answers zeros (its NaNs came back as nulls)."""

from __future__ import annotations

from live_server import RunningServer


def test_an_empty_text_embeds_as_zeros_over_the_api(server: RunningServer) -> None:
    client = server.openai(server.token())
    result = client.embeddings.create(model="pasi", input=["", "coffee"], encoding_format="float")
    empty, coffee = (item.embedding for item in result.data)
    assert set(empty) == {0.0} and any(coffee)
