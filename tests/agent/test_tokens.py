"""The token estimate against a real tokenizer (the Llama-2 one that ships with WordLlama)."""

from __future__ import annotations

from pathlib import Path

import wordllama
from tokenizers import Tokenizer

from pasi.agent.tokens import estimate_tokens, token_counter

TEXT = """\
Caroline: I went to the LGBTQ support group yesterday and it was so powerful.
Melanie: That sounds brave! I painted a lake sunrise last week, my kids loved it.
[m12] memory about user, 2024-03-10: "I moved to Berlin in May 2023 and work at Acme."
Remember: the dentist appointment is on Friday 15 March at 9:30, bring the X-ray."""


def test_the_estimate_is_within_ten_percent_of_a_real_tokenizer() -> None:
    path = Path(wordllama.__file__).parent / "tokenizers" / "l2_supercat_tokenizer_config.json"
    real = len(Tokenizer.from_file(str(path)).encode(TEXT, add_special_tokens=False).ids)
    assert abs(estimate_tokens(TEXT) - real) / real < 0.10


def test_a_backend_tokenizer_wins_over_the_estimate() -> None:
    class Model:
        def count_tokens(self, text: str) -> int:
            return 7

    assert token_counter(Model())("anything") == 7
    assert token_counter(object()) is estimate_tokens
    assert estimate_tokens("") == 0
