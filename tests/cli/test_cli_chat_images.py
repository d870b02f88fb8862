"""``pasi chat --image`` and ``/image``: the image's text goes with the message to the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import Invoke

from pasi.agent.context import user_words
from pasi.app import Pasi
from pasi.models.chat import ScriptedModel
from pasi.models.registry import Models
from senses.photos import photo, write


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> ScriptedModel:
    model = ScriptedModel(lambda _: "Noted.", name="scripted-test")
    monkeypatch.setenv("PASI_MODEL", "ollama:test")
    monkeypatch.setattr(Pasi, "models", property(lambda self: Models(None, model, "scripted")))
    return model


def _sent(model: ScriptedModel) -> list[str]:
    return [
        user_words([m for m in r.messages if m.role == "user"][-1].content) for r in model.requests
    ]


def test_chat_image_option_attaches_the_image_to_the_first_message(
    pasi: Invoke, scripted: ScriptedModel, tmp_path: Path
) -> None:
    image = write(tmp_path, "receipt.png", photo(("Total 12.50 EUR",), fmt="PNG"))
    result = pasi("chat", "--image", str(image), input="add this receipt\nthanks\n")
    assert result.exit_code == 0, result.output
    first, second = _sent(scripted)
    assert first.startswith("add this receipt") and "Total 12.50 EUR" in first
    assert second == "thanks"
    assert "no vision model is configured" in result.stderr


def test_the_image_command_attaches_to_the_next_message_or_sends_with_its_own(
    pasi: Invoke, scripted: ScriptedModel, tmp_path: Path
) -> None:
    image = write(tmp_path, "sign.png", photo(("Platform 9",), fmt="PNG"))
    lines = f"/image {image}\nwhere am I?\n/image {image} and now?\n/image {tmp_path}/nope.png\n"
    result = pasi("chat", input=lines)
    assert result.exit_code == 0, result.output
    assert "attached sign.png" in result.stdout
    first, second = _sent(scripted)
    assert first.startswith("where am I?") and "Platform 9" in first
    assert second.startswith("and now?") and "Platform 9" in second
    assert "cannot read the image" in result.stderr


def test_with_no_chat_model_pasi_prints_what_it_read_from_the_image(
    pasi: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = write(tmp_path, "note.png", photo(("Buy milk",), fmt="PNG"))
    monkeypatch.setenv("PASI_MODEL", "none")
    result = pasi("chat", "--image", str(image), input="")
    assert result.exit_code == 0, result.output
    assert "No chat model is configured" in result.stdout and "Buy milk" in result.stdout
