"""Without a model, ``pasi chat`` still applies the whole content policy, meaning included."""

from __future__ import annotations

from cli_support import Invoke

from pasi.safety.policy import CRISIS_RESOURCES


def test_offline_chat_answers_a_self_harm_paraphrase_with_care(pasi: Invoke) -> None:
    said = "I plan to swallow all my pills tonight and never wake up"  # no rule matches this
    result = pasi("chat", input=f"{said}\n/quit\n")
    assert result.exit_code == 0, result.output
    assert " ".join(CRISIS_RESOURCES.split()) in " ".join(result.output.split())
    assert "Noted" not in result.output
