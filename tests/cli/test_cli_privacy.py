"""``pasi privacy``: keep sources off cloud models or let them back, and preview what is sent."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke, snapshot


def _ingested(pasi: Invoke, tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "diary.md").write_text("# Diary\n\nSailing on Thursday.\n")
    (notes / "plans.md").write_text("# Plans\n\nPaint the boat.\n")
    (tmp_path / "mail.eml").write_text(
        "From: a@example.org\nTo: b@example.org\nSubject: hi\nMessage-ID: <1@x>\n\nhello\n"
    )
    assert pasi("ingest", str(notes), str(tmp_path / "mail.eml")).exit_code == 0
    return notes


def _flags(pasi: Invoke) -> dict[str, bool]:
    listed = json.loads(pasi("privacy", "sources", "--json").stdout)
    return {Path(p["uri"].split(":", 1)[1]).name: p["remote_ok"] for p in listed}


def test_email_starts_local_and_a_folder_can_be_kept_local_and_allowed_back(
    pasi: Invoke, tmp_path: Path
) -> None:
    notes = _ingested(pasi, tmp_path)
    assert _flags(pasi) == {"notes": True, "diary.md": True, "plans.md": True, "mail.eml": False}
    changed = json.loads(pasi("privacy", "keep-local", str(notes), "--json").stdout)
    assert sorted(Path(p["uri"]).name for p in changed) == ["diary.md", "notes", "plans.md"]
    assert _flags(pasi) == {"notes": False, "diary.md": False, "plans.md": False, "mail.eml": False}
    assert pasi("privacy", "allow-remote", str(notes / "plans.md")).exit_code == 0
    assert _flags(pasi)["plans.md"] is True and _flags(pasi)["diary.md"] is False


def test_an_unknown_source_changes_nothing(pasi: Invoke, tmp_path: Path, vault_dir: Path) -> None:
    notes = _ingested(pasi, tmp_path)
    before = _flags(pasi)
    result = pasi("privacy", "keep-local", str(notes / "diary.md"), str(tmp_path / "nope.md"))
    assert result.exit_code == 1 and "no source is" in result.output
    assert _flags(pasi) == before and snapshot(vault_dir)["integrity"] == "ok"


def test_preview_shows_the_text_as_a_remote_model_would_get_it(pasi: Invoke) -> None:
    text = "Call +44 20 7946 0958 or mail x.y@example.org; I live at 12 Mill Lane."
    result = pasi("privacy", "preview", text)
    assert result.stdout.strip() == "Call <PHONE_1> or mail <EMAIL_1>; I live at <ADDRESS_1>."


def test_mask_prints_one_json_line_per_input_line_with_the_spans_it_hid(
    pasi: Invoke, tmp_path: Path
) -> None:
    lines = ["Call Margaret Okafor on +44 20 7946 0958", "", "Margaret Okafor paid, nothing else."]
    result = pasi("privacy", "mask", "-", input="\n".join(lines) + "\n")
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["masked"] for p in printed] == [
        "Call <PERSON_1> on <PHONE_1>",
        "",
        "<PERSON_1> paid, nothing else.",
    ]
    first = printed[0]["spans"]
    assert [(lines[0][s["start"] : s["end"]], s["kind"]) for s in first] == [
        ("Margaret Okafor", "PERSON"),
        ("+44 20 7946 0958", "PHONE"),
    ]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"text": "mail x.y@example.org", "id": 3}) + "\n")
    result = pasi("privacy", "mask", str(jsonl), "--jsonl")
    assert json.loads(result.stdout) == {
        "masked": "mail <EMAIL_1>",
        "spans": [{"start": 5, "end": 20, "kind": "EMAIL"}],
    }


def test_mask_names_the_line_that_is_not_json(pasi: Invoke) -> None:
    result = pasi("privacy", "mask", "--jsonl", input='{"text": "ok"}\nnot json\n')
    assert result.exit_code != 0
    assert "line 2 is not JSON" in result.output
