"""Known secrets written every way pasi stores things never appear in plaintext on disk.

A whole session runs through the real CLI on an encrypted vault: a memory, an ingested file,
a chat with a model served over real HTTP, an export into the vault directory, a vault file;
then every file under the vault directory (database, -wal, -shm, journals, temporary files) is
searched byte for byte, while the vault is open and after it is closed. The same session on a
plain vault finds the secrets, which shows the search would see them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frozen_time import NOW
from models.scripted_http import Reply, Seen, chunk, serve
from pasi.cli.main import app
from pasi.clock import fixed_clock
from pasi.memory.store import MemoryStore
from pasi.privacy.sealed import unseal_chunks
from pasi.vault.sqlite import open_vault
from vault.crypto_helpers import file_bytes

PASSPHRASE = "tangerine submarine 42"
# Lower-case words ending in digits: what the full-text index stores is the same bytes.
SECRETS = {
    "memory": "quokkaplume4471",
    "document": "marzipanfjord9082",
    "turn": "velvetcomet5530",
    "reply": "obsidianlark6614",
    "vault file": "juniperquartz3307",
    "open vault": "saffronglacier2215",
}


def _model(seen: Seen) -> Reply:
    if seen.path.endswith("/models"):
        return Reply(body={"object": "list", "data": [{"id": "local", "object": "model"}]})
    answer = f"I will keep {SECRETS['reply']} in mind."
    events = [chunk({"role": "assistant", "content": ""}), chunk({"content": answer})]
    return Reply(events=[*events, chunk({}, finish="stop")])


def _session(vault: Path, data: Path, url: str, encrypt: bool) -> None:
    env = {"COLUMNS": "200", "PASI_MODEL": f"openai-compatible:{url}/v1#local"}
    if encrypt:
        env["PASI_PASSPHRASE"] = PASSPHRASE
    runner = CliRunner(env=env)

    def run(*args: str, stdin: str | None = None) -> None:
        argv = ["--vault", str(vault), "--embedder", "none", *args]
        result = runner.invoke(app, argv, input=stdin, catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("init", *(["--encrypt"] if encrypt else []))
    run("remember", f"My gym locker code is {SECRETS['memory']}")
    data.mkdir()
    (data / "note.md").write_text(f"# Bank\n\nThe recovery phrase is {SECRETS['document']}.\n")
    run("ingest", str(data))
    run("chat", stdin=f"My passport number is {SECRETS['turn']}\n")
    run("export", str(vault / "backup.export"))


def _found(directory: Path) -> dict[str, list[str]]:
    """For each secret, the files under ``directory`` holding its bytes."""
    files = file_bytes(directory)
    return {
        name: [path for path, content in files.items() if secret.encode() in content]
        for name, secret in SECRETS.items()
    }


@pytest.mark.parametrize("encrypt", [True, False], ids=["encrypted", "plain"])
def test_no_secret_is_stored_in_plaintext_in_an_encrypted_vault(
    tmp_path: Path, encrypt: bool
) -> None:
    vault = tmp_path / "vault"
    with serve(_model) as server:
        _session(vault, tmp_path / "data", server.url, encrypt)
    store = MemoryStore(open_vault(vault, PASSPHRASE), None, fixed_clock(NOW))
    store.vault.files.write_text("charter.toml", f"never = ['{SECRETS['vault file']}']")
    store.remember(f"The alarm code is {SECRETS['open vault']}")  # sits in the -wal file

    while_open = _found(vault)
    assert {"vault.db-wal", "vault.db-shm"} <= set(file_bytes(vault))
    conn = store.vault.read()
    stored = " ".join(r[0] for r in conn.execute("SELECT text FROM episodes UNION ALL "
                                                  "SELECT text FROM memories"))  # fmt: skip
    store.vault.close()
    after_close = _found(vault)

    for name in ("memory", "document", "turn", "reply", "open vault"):
        assert SECRETS[name] in stored, f"the {name} secret was not stored at all"
    if encrypt:
        assert while_open == {name: [] for name in SECRETS}
        assert after_close == {name: [] for name in SECRETS}
        export = b"".join(unseal_chunks(vault / "backup.export", PASSPHRASE)).decode()
        assert SECRETS["memory"] in export and SECRETS["turn"] in export
        assert json.loads(export.splitlines()[0])["format"] == "pasi.export"
    else:  # the control: the same search sees every secret in a plain vault
        assert all(while_open[name] for name in SECRETS)
        assert "backup.export" in after_close["turn"]
