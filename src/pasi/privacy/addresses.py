"""Postal addresses in English, German, Dutch, French, Spanish, Italian and Portuguese writing.

presidio finds addresses only with a trained NER model (a download), and no library made for
the job runs offline, so these patterns are pasi's own. An address is a house number next to a
street name that ends in (or starts with) a street word, optionally followed by a postcode
and a town: "221B Baker Street, London NW1 6XE", "Hauptstraße 5, 10115 Berlin",
"12 rue de la Paix, 75002 Paris", "via Roma 12, 00184 Roma", "Rua Augusta, 24, 1100-053
Lisboa". A street word alone ("the main road") is not an address; the house number is what
makes it one.
"""

from __future__ import annotations

import re
from typing import Any

# A capitalised word; a dot inside ("St.Gallen") or before another word ("St. Mary's"), never
# the full stop that ends a sentence.
_CAP = r"[A-ZÄÖÜÉÈ][\w'’\-]*(?:\.[\w'’\-]+)*(?:\.(?=\s+[A-Z]))?"
_EN_FULL = (
    r"Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Square|Close|Crescent|"
    r"Gardens|Parkway|Highway|Row|Walk|Hill|Mews"
)
# An abbreviation may end in its own dot; after a full word a dot is the sentence's full stop.
_EN_ABBR = r"St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Sq|Pkwy|Hwy"
_EN_STREET = rf"(?i:(?:{_EN_FULL})\b|(?:{_EN_ABBR})\b\.?)"
_DE_SUFFIX = r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|pfad|steig"
_DE_WORD = r"Straße|Strasse|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee"
_NL_SUFFIX = r"straat|laan|weg|plein|gracht|kade|singel|dijk"
_FR_ES_WORD = (
    r"rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|cours|route|"
    r"calle|avenida|paseo|plaza|camino|carrer|via|viale|piazza|corso|largo|vicolo|"
    r"rua|travessa|praça|alameda"
)
_PARTICLES = r"(?:(?:de|du|des|de la|del|de los|de las|d'|l')\s*)?"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl)\.?\s*#?\w{1,6})?"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
_US_STATE_ZIP = r"[A-Z]{2}\s+\d{5}(?:-\d{4})?"
_TOWN = rf"{_CAP}(?:[ \-]{_CAP}){{0,2}}"
# What may follow a street: ", Town ST 12345", ", Town NW1 6XE", ", 10115 Town", ", Town".
_TAIL = (
    rf"(?:,?\s+(?:{_TOWN},?\s+(?:{_US_STATE_ZIP}|{_UK_POSTCODE})"
    rf"|(?:[A-Z]{{1,2}}-)?\d{{4,5}}(?:-\d{{3}})?\s+{_TOWN}|{_UK_POSTCODE}))?"
)

_PATTERNS = [
    # 221B Baker Street, 1600 Pennsylvania Avenue NW
    rf"\b(?:(?:Flat|Apt|Apartment|Suite|Unit)\s+\w{{1,5}},?\s+)?"
    rf"{_NUMBER}\s+(?:{_CAP}\s+){{0,3}}{_CAP}\s+{_EN_STREET}(?:\s+[NS][EW]?\b)?"
    rf"{_UNIT}{_TAIL}",
    # Hauptstraße 5, Unter den Linden 77 / Kerkstraat 12
    rf"\b(?:{_CAP}\s+){{0,2}}[A-ZÄÖÜ][\wäöüß\-]*(?:{_DE_SUFFIX}|{_NL_SUFFIX})\s+{_NUMBER}\b{_TAIL}",
    rf"\b(?:{_CAP}[ \-]){{1,2}}(?:{_DE_WORD})\s+{_NUMBER}\b{_TAIL}",
    # 12 rue de la Paix / 3, avenue Foch / calle Mayor 12
    rf"\b{_NUMBER},?\s+(?i:{_FR_ES_WORD})\s+{_PARTICLES}{_CAP}(?:\s+{_CAP}){{0,3}}{_TAIL}",
    rf"\b(?i:{_FR_ES_WORD.replace('rue|', '')})\s+{_PARTICLES}{_CAP}(?:\s+{_CAP}){{0,2}},?\s+"
    rf"{_NUMBER}\b{_TAIL}",
]
_ADDRESS = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def find_addresses(text: str) -> list[Any]:  # -> list[detect.Span]
    from pasi.privacy.detect import Span

    return [
        Span(m.start(), m.end(), "ADDRESS", " ".join(m.group().casefold().split()))
        for m in _ADDRESS.finditer(text)
    ]
