from __future__ import annotations

from pathlib import Path

import pytest

from pasi.cli.lines import input_texts
from pasi.errors import InputError


def test_plain_lines_keep_blanks_so_output_lines_match_input(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("first\n\nthird\r\n", encoding="utf-8")
    assert list(input_texts(str(path), jsonl=False)) == ["first", "", "third"]


def test_jsonl_skips_blank_lines_and_names_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "a"}\n\n{"text": 3}\n', encoding="utf-8")
    texts = input_texts(str(path), jsonl=True)
    assert next(texts) == "a"
    with pytest.raises(InputError, match=r'in.jsonl line 3 is not a JSON object with a "text"'):
        next(texts)


def test_bytes_that_are_not_utf8_are_named_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(InputError, match=r"latin.txt line 2 is not valid UTF-8 \(byte 3\)"):
        list(input_texts(str(path), jsonl=False))
    with pytest.raises(InputError, match="no such file"):
        list(input_texts(str(tmp_path / "missing.txt"), jsonl=False))
