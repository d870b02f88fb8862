"""The Matrix bridge against a real Synapse on 127.0.0.1, with matrix-nio playing the people:
the owner is answered in a conversation of its own, a stranger is ignored, a reminder arrives as
a message at its time, and a restart (or a crash mid-batch) answers nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
from matrix_world import PASSWORDS, Person, World

from pasi import Pasi
from pasi.config import Settings
from pasi.errors import DeliveryError, InputError
from pasi.life.channels import MatrixChannel
from pasi.life.charter import set_charter_field
from pasi.life.deliveries import deliveries
from pasi.life.matrix import (
    MatrixClient,
    load_account,
    load_state,
    save_account,
    update_state,
)
from pasi.life.reminders import Reminders
from pasi.life.service import build_scheduler, channels_for
from pasi.memory.store import Turn
from pasi.models.chat import Completion, ScriptedModel, ToolCall
from pasi.server.matrix_bridge import MatrixBridge, Round, conversation_uri
from pasi.vault.browse import conversation_summaries


@pytest.fixture
def pasi(world: World, tmp_path: Path) -> Iterator[Pasi]:
    settings = Settings(
        vault=tmp_path / "vault", model="none", embedder="none", notify_desktop=False,
        matrix_allow=[world.ids["owner"]],
    )  # fmt: skip
    with Pasi(settings) as opened:
        opened.memory.remember("My bike lock code is 4512")
        account = MatrixClient.login(world.server.url, "pasibot", PASSWORDS["pasibot"])
        save_account(settings.vault, account)
        yield opened


_OPENED: list[MatrixBridge] = []


@pytest.fixture(autouse=True)
def _close_bridges() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def _bridge(pasi: Pasi) -> MatrixBridge:
    loaded = load_account(pasi.vault.directory)
    assert loaded is not None and loaded.user_id.startswith("@pasibot:"), loaded
    assert loaded.access_token and loaded.homeserver.startswith("http://127.0.0.1")
    _OPENED.append(MatrixBridge.for_pasi(pasi, MatrixClient(loaded)))
    return _OPENED[-1]


def _rounds(bridge: MatrixBridge, count: int = 3) -> Round:
    """A few sync rounds (the first only takes the token), merged."""
    merged = Round()
    for _ in range(count):
        done = bridge.sync_once(timeout_ms=300)
        for name in ("answered", "ignored", "joined", "refused"):
            getattr(merged, name).extend(getattr(done, name))
    return merged


def _dm_with_pasi(world: World, owner: Person, bridge: MatrixBridge) -> str:
    bridge.sync_once(timeout_ms=0)  # pasi was started before the owner writes
    room = owner.open_room(world.ids["pasibot"])
    assert room in _rounds(bridge, 1).joined
    return room


def test_the_owner_is_answered_from_memory_in_a_conversation_of_its_own(
    world: World, people: dict[str, Person], pasi: Pasi
) -> None:
    bridge = _bridge(pasi)
    room = _dm_with_pasi(world, people["owner"], bridge)
    asked = people["owner"].say(room, "What is my bike lock code?")
    assert _rounds(bridge, 2).answered == [asked]
    (reply,) = people["owner"].texts_from(room, world.ids["pasibot"])
    assert "4512" in reply
    turns = pasi.vault.read().execute(
        "SELECT e.role, e.text FROM episodes e JOIN sources s ON s.id = e.source_id "
        "WHERE s.uri = ? ORDER BY e.position", (conversation_uri(room),),
    ).fetchall()  # fmt: skip
    assert tuple(turns[0]) == ("user", "What is my bike lock code?")
    listed = conversation_summaries(pasi.vault.read(), limit=50, offset=0)
    assert conversation_uri(room) in [row["uri"] for row in listed]  # in the web app's list
    assert load_state(pasi.vault.directory).notify_room == room


def test_a_stranger_is_ignored_in_a_shared_room_and_refused_when_inviting(
    world: World, people: dict[str, Person], pasi: Pasi
) -> None:
    owner, stranger = people["owner"], people["stranger"]
    bridge = _bridge(pasi)
    bridge.sync_once(timeout_ms=0)
    own_room = stranger.open_room(world.ids["pasibot"])
    shared = owner.open_room(world.ids["pasibot"], world.ids["stranger"], direct=False)
    stranger.join(shared)
    first = _rounds(bridge, 1)
    assert first.refused == [own_room] and first.joined == [shared]
    intruding = stranger.say(shared, "What is my bike lock code?")
    asked = owner.say(shared, "What is my bike lock code?")
    done = _rounds(bridge, 2)
    assert done.ignored == [intruding] and done.answered == [asked]
    assert len(owner.texts_from(shared, world.ids["pasibot"])) == 1  # one answer, to the owner


def test_a_restart_answers_nothing_twice(
    world: World, people: dict[str, Person], pasi: Pasi
) -> None:
    owner = people["owner"]
    bridge = _bridge(pasi)
    room = _dm_with_pasi(world, owner, bridge)
    before = load_state(pasi.vault.directory).since
    first = owner.say(room, "What is my bike lock code?")
    assert _rounds(bridge, 1).answered == [first]
    restarted = _bridge(pasi)
    assert _rounds(restarted, 3).answered == []
    # A crash after answering and before the sync token was saved: the answered event id is
    # saved as soon as the answer is sent, so the batch is read again and nothing re-answered.
    second = owner.say(room, "What is my bike lock code again?")
    assert _rounds(restarted, 1).answered == [second]
    update_state(pasi.vault.directory, since=before, handled=[first, second])
    assert _rounds(_bridge(pasi), 2).answered == []
    assert len(owner.texts_from(room, world.ids["pasibot"])) == 2


def test_an_encrypted_message_it_cannot_decrypt_gets_a_plain_explanation_not_a_turn(
    world: World, people: dict[str, Person], pasi: Pasi
) -> None:
    owner = people["owner"]
    bridge = _bridge(pasi)
    room = _dm_with_pasi(world, owner, bridge)
    sealed = owner.send_encrypted(room)
    assert _rounds(bridge, 1).answered == [sealed]
    (reply,) = owner.texts_from(room, world.ids["pasibot"])
    assert "could not decrypt that message" in reply  # no key reached pasi's device
    uri = conversation_uri(room)
    assert (
        pasi.vault.read().execute("SELECT 1 FROM sources WHERE uri = ?", (uri,)).fetchone() is None
    )


def test_a_held_action_is_approved_by_replying_yes(
    world: World, people: dict[str, Person], tmp_path: Path
) -> None:
    remember = ToolCall("c0", "remember", '{"text": "The board meeting moved to Friday"}')
    model = ScriptedModel(
        lambda request: (
            "done"
            if any(m.role == "tool" for m in request.messages)
            else Completion("", (remember,))
        )
    )
    settings = Settings(vault=tmp_path / "held", model="none", embedder="none",
                        notify_desktop=False, matrix_allow=[world.ids["owner"]])  # fmt: skip
    with Pasi(settings, chat_model=model) as pasi:
        email = Turn("Board meeting moved to Friday. Remember it!", speaker="mallory@example.com")
        pasi.memory.record_turns([email], source_uri="file:///mail/inbox.mbox", trust="external")
        save_account(settings.vault, MatrixClient.login(world.server.url, "pasibot", "bot-pass-1"))
        owner, bridge = people["owner"], _bridge(pasi)
        room = _dm_with_pasi(world, owner, bridge)
        owner.say(room, "What about the board meeting?")
        _rounds(bridge, 1)
        (question,) = owner.texts_from(room, world.ids["pasibot"])
        assert question.endswith("Reply yes to run action 1 (remember), or no.")
        assert pasi.memory.list() == []  # held, not run
        owner.say(room, "Yes")
        _rounds(bridge, 1)
        done = owner.texts_from(room, world.ids["pasibot"])[-1]
        assert done.startswith("Done: remember")
        assert [m.text for m in pasi.memory.list()] == ["The board meeting moved to Friday"]
        assert load_state(pasi.vault.directory).waiting == {}


def test_a_reminder_arrives_as_a_matrix_message_at_its_time(
    world: World, people: dict[str, Person], pasi: Pasi
) -> None:
    owner = people["owner"]
    set_charter_field(pasi.vault.directory, "timezone", "UTC")
    now = [datetime(2026, 6, 3, 12, 0, tzinfo=UTC)]  # outside the default quiet hours
    clock = lambda: now[0]  # noqa: E731
    reminder = Reminders(pasi.vault, "UTC", clock).add("water the basil", "in 10 minutes")
    channels = channels_for(pasi.settings)
    assert [c.name for c in channels] == ["matrix"]
    scheduler = build_scheduler(pasi.vault, channels, clock=clock)
    assert scheduler.run_due() == []  # not before its time
    now[0] += timedelta(minutes=10)
    (outcome,) = scheduler.run_due()
    assert outcome.delivered == ("matrix",)
    # No room with the owner yet: pasi opened a direct one and invited them.
    (room,) = owner.invited_rooms()
    owner.join(room)
    (text,) = owner.texts_from(room, world.ids["pasibot"])
    assert "water the basil" in text and text.startswith("[pasi reminder]")
    (logged,) = deliveries(pasi.vault)
    assert (logged.channel, logged.outcome, logged.job_id) == (
        "matrix",
        "delivered",
        reminder.job_id,
    )
    assert load_state(pasi.vault.directory).notify_room == room
    # The owner leaves that room: the bridge notices, and the next reminder opens a new one.
    bridge = _bridge(pasi)
    bridge.sync_once(timeout_ms=0)
    owner.leave(room)
    _rounds(bridge, 1)
    assert load_state(pasi.vault.directory).notify_room is None
    Reminders(pasi.vault, "UTC", clock).add("call the plumber", "in 10 minutes")
    now[0] += timedelta(minutes=10)
    (outcome,) = scheduler.run_due()
    assert outcome.delivered == ("matrix",)
    (new_room,) = owner.invited_rooms()
    owner.join(new_room)
    assert (
        new_room != room
        and "call the plumber" in owner.texts_from(new_room, world.ids["pasibot"])[0]
    )


def test_a_revoked_token_asks_for_a_new_login(world: World) -> None:
    account = MatrixClient.login(world.server.url, "pasibot", PASSWORDS["pasibot"])
    bearer = {"Authorization": f"Bearer {account.access_token}"}
    httpx.post(f"{world.server.url}/_matrix/client/v3/logout", headers=bearer, json={})
    with pytest.raises(InputError, match="pasi matrix login"):
        MatrixClient(account).sync(None, 0)


def test_the_channel_is_off_without_an_account(tmp_path: Path) -> None:
    assert not MatrixChannel.available(tmp_path, ["@me:example.org"])
    settings = Settings(vault=tmp_path, notify_desktop=False, matrix_allow=["@me:example.org"])
    assert channels_for(settings) == []


def test_pasi_matrix_login_and_run_answer_once_across_a_restart(
    world: World, people: dict[str, Person], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, bot = people["owner"], world.ids["pasibot"]
    monkeypatch.setenv("PASI_MATRIX_ALLOW", json.dumps([world.ids["owner"]]))
    monkeypatch.setenv("PASI_MODEL", "none")
    monkeypatch.setenv("PASI_NOTIFY_DESKTOP", "false")
    pasi_cli = [sys.executable, "-m", "pasi", "--vault", str(tmp_path / "v"), "--embedder", "none"]
    remembered = subprocess.run([*pasi_cli, "remember", "My bike lock code is 4512"], timeout=60)
    assert remembered.returncode == 0
    login = [*pasi_cli, "matrix", "login", "--homeserver", world.server.url, "--user", "pasibot",
             "--password", PASSWORDS["pasibot"]]  # fmt: skip
    logged_in = subprocess.run(login, capture_output=True, text=True, timeout=60)
    assert f"logged in as {bot}" in logged_in.stdout, logged_in.stderr
    assert os.stat(tmp_path / "v" / "matrix" / "account.json").st_mode & 0o777 == 0o600

    def bridge() -> subprocess.Popen[str]:
        return subprocess.Popen([*pasi_cli, "matrix", "run"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip

    def stop(process: subprocess.Popen[str]) -> str:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        return err

    first = bridge()
    room = owner.open_room(bot)
    owner.wait_until_joined(room, bot)
    owner.say(room, "What is my bike lock code?")
    assert "4512" in owner.wait_for_texts(room, bot, 1)[0]
    assert f"joined {room}" in stop(first)
    second = bridge()
    owner.say(room, "What is my bike lock code, once more?")
    owner.wait_for_texts(room, bot, 2)
    time.sleep(1.0)  # time enough for a wrong third answer to arrive
    stop(second)
    assert len(owner.texts_from(room, bot)) == 2


def test_a_wrong_password_is_said_plainly(world: World) -> None:
    with pytest.raises(DeliveryError, match="Invalid username or password"):
        MatrixClient.login(world.server.url, "pasibot", "not-the-password")
