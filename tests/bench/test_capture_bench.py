"""``pasi bench capture`` on one generated window: the real loop, Tesseract and vault."""

from __future__ import annotations

from pasi.bench.capture import run_capture


def test_capture_bench_reads_every_change_once_and_skips_repeats() -> None:
    result = run_capture(["held_out"], scenes=1)
    figures = result["splits"]["held_out"]
    assert figures["frames"] == 18  # six lines, each shown three times
    assert figures["read_by_ocr"] == 6 and figures["changes_missed"] == 0
    assert figures["skipped_without_ocr_rate"] == round(12 / 18, 3)
    assert figures["word_recall"] >= 0.8
    assert figures["cpu_seconds_per_frame"] > 0
    assert result["machine"]["cpus"] >= 1
