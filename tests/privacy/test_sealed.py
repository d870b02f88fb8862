"""Encrypted exports: round trips of any length, and refusals of damage, truncation, wrong keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pasi.cli.main import app
from pasi.errors import InputError, VaultPassphraseError
from pasi.privacy.sealed import CHUNK_BYTES, is_sealed, sealing_text_stream, unseal_chunks
from pasi.vault.cipher import VaultKey

PASSPHRASE = "ink and paper"


def _seal(tmp_path: Path, text: str) -> Path:
    key = VaultKey.from_passphrase(PASSPHRASE)
    raw = io.BytesIO()
    stream = sealing_text_stream(raw, key)
    stream.write(text)
    stream.close()
    path = tmp_path / "export.sealed"
    path.write_bytes(raw.getvalue())
    return path


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, 3 * CHUNK_BYTES + 17])
def test_content_of_any_length_round_trips(tmp_path: Path, size: int) -> None:
    text = ("0123456789abcdef" * (size // 16 + 1))[:size]
    path = _seal(tmp_path, text)
    body = path.read_bytes().split(b"\n", 1)[1]
    chunks = max(1, -(-size // CHUNK_BYTES))
    assert is_sealed(path) and len(body) == size + 16 * chunks
    assert size < 16 or text[:16].encode() not in body
    assert b"".join(unseal_chunks(path, PASSPHRASE)).decode() == text


def test_a_wrong_passphrase_is_told_apart_from_damage(tmp_path: Path) -> None:
    path = _seal(tmp_path, "x" * (2 * CHUNK_BYTES + 5))
    with pytest.raises(VaultPassphraseError, match="wrong passphrase"):
        b"".join(unseal_chunks(path, "not it"))

    data = bytearray(path.read_bytes())
    data[-40] ^= 1  # one bit in the last chunk
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or cut short"):
        b"".join(unseal_chunks(path, PASSPHRASE))


@pytest.mark.parametrize("cut", ["inside a chunk", "at a chunk boundary"])
def test_a_file_cut_short_is_refused(tmp_path: Path, cut: str) -> None:
    path = _seal(tmp_path, "y" * (3 * CHUNK_BYTES))
    header = path.read_bytes().index(b"\n") + 1
    keep = header + (CHUNK_BYTES + 16) * (2 if cut == "at a chunk boundary" else 1) + 100
    path.write_bytes(path.read_bytes()[:keep])
    with pytest.raises(InputError, match="damaged or cut short"):
        b"".join(unseal_chunks(path, PASSPHRASE))


def test_the_header_is_bound_to_the_content(tmp_path: Path) -> None:
    path = _seal(tmp_path, "z" * 100)
    changed = path.read_bytes().replace(b'"chunk_bytes":65536', b'"chunk_bytes":65535', 1)
    path.write_bytes(changed)
    with pytest.raises((InputError, VaultPassphraseError)):
        b"".join(unseal_chunks(path, PASSPHRASE))


def test_cli_export_of_an_encrypted_vault_decrypts_and_imports(tmp_path: Path) -> None:
    env = {"PASI_PASSPHRASE": PASSPHRASE}

    def run(vault: str, *args: str, **extra: str):
        argv = ["--vault", str(tmp_path / vault), "--embedder", "none", *args]
        return CliRunner(env={**env, **extra}).invoke(app, argv, catch_exceptions=False)

    assert run("a", "init", "--encrypt").exit_code == 0
    assert run("a", "remember", "The user's bike is green").exit_code == 0
    assert run("a", "export", str(tmp_path / "out.sealed")).exit_code == 0
    assert is_sealed(tmp_path / "out.sealed")
    assert b"green" not in (tmp_path / "out.sealed").read_bytes()

    assert run("a", "export", "--plaintext", str(tmp_path / "plain.jsonl")).exit_code == 0
    decrypted = run("x", "export", "--decrypt", str(tmp_path / "out.sealed"), "-")
    assert decrypted.exit_code == 0

    def records(text: str) -> list[dict]:
        return [json.loads(line) for line in text.splitlines()][1:]  # without the header

    assert records(decrypted.stdout) == records((tmp_path / "plain.jsonl").read_text())
    wrong = run("x", "export", "--decrypt", str(tmp_path / "out.sealed"), PASI_PASSPHRASE="no")
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.output

    assert run("b", "import", str(tmp_path / "out.sealed")).exit_code == 0
    assert "green" in run("b", "recall", "bike").stdout
