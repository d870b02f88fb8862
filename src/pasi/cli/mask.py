"""``pasi privacy mask``: each input line as the privacy gateway would send it, one JSON line out.

The lines go through the gateway's own masking (pasi.privacy.pseudonyms over the detector the
gateway builds, with the people the vault knows and the configured ``phone_regions``), with one
mapping for the whole input, as for one conversation: the same person, number or address keeps
its placeholder from line to line. ``masked`` is the text that would leave the machine;
``spans`` say where, in the line as given, the replaced values were.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from pasi.cli.lines import input_texts


def mask_lines(pasi: Any, file: str, *, jsonl: bool, out: IO[str] | None = None) -> int:
    """Mask every line of ``file`` ('-': stdin); returns the number of lines written."""
    from pasi.privacy.detect import PiiDetector
    from pasi.privacy.gateway import VaultNames
    from pasi.privacy.pseudonyms import Pseudonyms

    pseudonyms = Pseudonyms(PiiDetector(VaultNames(pasi.vault)(), pasi.settings.phone_regions))
    out = out or sys.stdout
    written = 0
    for text in input_texts(file, jsonl=jsonl):
        masked, spans = pseudonyms.mask_with_spans(text)
        found = [{"start": s.start, "end": s.end, "kind": s.kind} for s in spans]
        out.write(json.dumps({"masked": masked, "spans": found}, ensure_ascii=False) + "\n")
        written += 1
    out.flush()
    return written
