"""The ingest commands end to end through the real CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))

from files import write_ics, write_markdown, write_mbox, write_vcf


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    write_markdown(folder / "notes" / "trip.md", "Trip", "We hiked to the glacier.")
    write_mbox(folder / "mail.mbox", 12)
    write_vcf(folder / "people.vcf")
    write_ics(folder / "cal.ics")
    (folder / "broken.md").write_bytes(b"\x00\x00binary")
    return folder


def test_ingest_sync_sources_people_ask(pasi, tmp_path) -> None:
    folder = _folder(tmp_path)
    result = pasi("ingest", str(folder), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["added"], report["failed"]) == (4, 1)
    assert "broken.md" in report["failures"][0]["path"]

    again = json.loads(pasi("sync", "--json").stdout)
    assert (again["skipped"], again["added"], again["failed"]) == (4, 0, 1)

    text = pasi("sync").stdout
    assert "0 added, 0 updated, 0 removed, 4 skipped, 1 failed" in text

    sources = json.loads(pasi("sources", "--json").stdout)
    assert {s["kind"] for s in sources["sources"]} == {"file", "folder"}
    assert "binary" in sources["errors"][0]["reason"]
    assert "file(s) with errors" in pasi("sources").stdout

    people = json.loads(pasi("people", "--json").stdout)
    anna = next(p for p in people if p["name"] == "Anna Berg")
    assert "anna.berg@work.example" in anna["emails"] and anna["times"] >= 3
    assert len(json.loads(pasi("people", "--limit", "3", "--json").stdout)) == 3
    assert "last contact" in pasi("people").stdout

    answer = json.loads(pasi("ask", "emails from Anna", "--json").stdout)
    assert answer["total"] == 3 and answer["rows"][0]["kind"] == "email"
    shown = pasi("ask", "glacier hike").stdout
    assert "glacier" in shown and "trip.md" in shown


def test_deleting_a_file_then_sync_removes_it(pasi, tmp_path) -> None:
    folder = _folder(tmp_path)
    pasi("ingest", str(folder))
    (folder / "mail.mbox").unlink()
    report = json.loads(pasi("sync", "--json").stdout)
    assert report["removed"] == 1
    answer = json.loads(pasi("ask", "emails from Anna", "--json").stdout)
    assert answer["total"] == 0
