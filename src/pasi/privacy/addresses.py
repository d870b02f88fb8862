"""Postal addresses as they are written in English and a dozen other European languages.

presidio finds addresses only with a trained NER model, and no library made for the job runs
offline, so these patterns are pasi's own. An address is a house number next to a street name
that ends in (or starts with) a street word, optionally with a flat or suite, and a town,
state and postcode after it: "221B Baker Street, London NW1 6XE", "391 Johnson Burg Apt. 636,
New Jeffreymouth, NM 72965", "Hauptstraße 5, 10115 Berlin", "12 rue de la Paix, 75002 Paris",
"via Roma 12, 00184 Roma", "ul. Długa 12/3, 00-950 Warszawa", "Skolvägen 76". A street of the
US Postal Service's list of suffixes is recognised with any capitalisation; in lower case only
the common ones ("44 elm st apt 3"), and the words in between may not be words such as "the"
or "to" ("5 miles up the hill" is no address). US military addresses ("PSC 1234, Box 5678,
APO AE 09876") and a flat, suite or apartment on its own ("Apt. 636") are addresses too. A
street word alone ("the main road") is not an address; the house number is what makes it one.
German street words are compounds ("Kaiserring 4"), so a word that only ends in one is taken
when it has at least three letters before it and does not read as English ("Spring 2024",
"During 1971", "Offering 3").
"""

from __future__ import annotations

import re
from typing import Any

_STOP = (
    r"(?!(?:the|a|an|to|of|in|on|at|for|and|or|up|my|our|your|his|her|their|is|was|are|were|"
    r"from|with|by|per|each|every|about|than|into|over|last|next|this|that|these|those|more|"
    r"less|min|mins|minutes|hours|days|weeks|months|years|km|miles|times|people|items|now|then|"
    r"today|tomorrow|yesterday|tonight|please|by|until|before|after|since|when|if|but|so|"
    r"because|again|too|also|not|here|there|instead|as|via|asap|thanks|soon|later)\b)"
)
_CAP = r"[A-ZÄÖÜÉÈÅØÆŁŚŻ][\w'’\-]*(?:\.[\w'’\-]+)*"
_ANY = rf"(?i:{_STOP}[^\W\d_][\w'’\-]*)"
# US Postal Service street suffixes (Publication 28, C1) and British street words.
_SUFFIXES = (
    "Alley|Avenue|Bayou|Beach|Bend|Bluffs?|Bottom|Boulevard|Branch|Bridge|Brooks?|Burgs?|Bypass|"
    "Camp|Canyon|Cape|Causeway|Centers?|Circles?|Cliffs?|Club|Commons?|Corners?|Course|Courts?|"
    "Coves?|Creek|Crescent|Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives?|Estates?|"
    "Expressway|Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|"
    "Freeway|Gardens?|Gateway|Glens?|Greens?|Groves?|Harbors?|Haven|Heights|Highway|Hills?|"
    "Hollow|Inlet|Islands?|Isle|Junctions?|Keys?|Knolls?|Lakes?|Landing|Lane|Lights?|Loaf|"
    "Locks?|Lodge|Loop|Mall|Manors?|Meadows?|Mews|Mills?|Mission|Motorway|Mount|Mountains?|Neck|"
    "Orchard|Oval|Overpass|Parks?|Parkways?|Pass|Passage|Path|Pike|Pines?|Place|Plains?|Plaza|"
    "Points?|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|Rest|Ridges?|River|Roads?|Route|Row|Run|"
    "Shoals?|Shores?|Skyway|Springs?|Spurs?|Squares?|Station|Stravenue|Stream|Streets?|Summit|"
    "Terrace|Throughway|Trace|Track|Trafficway|Trail|Trailer|Tunnel|Turnpike|Underpass|Unions?|"
    "Valleys?|Viaduct|Views?|Villages?|Ville|Vista|Walks?|Wall|Ways?|Wells?|"
    "Close|Rise|Vale|End|Parade|Wharf|Yard|Gate|Croft|Chase|Drove|Rue|Marg|Nagar|Ganj|Zila|Chowk|"
    "Colony"
)
_ABBR = r"St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Sq|Pkwy|Hwy|Cres|Terr?|Cir|Trl|Expy|Fwy"
_COMMON = r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|terrace|crescent|close|highway|hwy"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_UNIT_WORD = (
    r"Apt|Apartment|Suite|Ste|Unit|Flat|Studio|Floor|Fl|Room|Rm|Bldg|Building|Piso|Appartamento|"
    r"Wohnung|Whg|Étage|Etage|Dept|Bloco|Apto|H\.?\s?No|Piano|Scala|Interno|Puerta|Escalera|Planta|"
    r"Bajo|Lok"
)
_UNIT = rf"(?i:(?:{_UNIT_WORD})\b\.?\s*(?:#|No\.?)?\s*(?:\d\w{{0,5}}|[A-Z]\b)|#\s?\d{{1,5}}\w?)"
_SUFFIX_DE = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|(?<![aeiouy])ring|damm|ufer|chaussee|pfad|"
    r"steig|straat|laan|plein|gracht|kade|singel|dijk|vägen|gatan|gränd|torget|stigen|vej|"
    r"gade|stræde|plads|veien|gata|allé|hof|pad|steeg|plantsoen|markt|dreef|wal|erf|park|"
    r"boulevard|baan|kade"
)
_DE_WORD = r"Straße|Strasse|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee|Allé|Vej"
_PREFIX = (
    r"rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|cours|route|calle|avenida|paseo|"
    r"plaza|camino|carrer|pasaje|ronda|travesía|glorieta|carretera|callejón|cuesta|rambla|via|"
    r"viale|piazza|piazzale|corso|largo|vicolo|strada|borgo|contrada|rua|travessa|praça|alameda|"
    r"estrada|rodovia|colônia|vila|setor|quadra|ul\.|ulica|al\.|aleja|plac|os\.|osiedle|"
    r"incrocio|rotonda|piazzetta|stretto|galleria|c\.|c/|cl\.|vía|urbanización|acceso|cañada|"
    r"pasadizo|ruela|beco|lugar|bulevar|vial|viottolo|canale"
)
_PARTICLES = r"(?:(?:de|du|des|de la|del|de los|de las|d'|l'|dos|das|da|do)\s*)?"
_STATE = r"(?i:[A-Z]{2,3})"
_POSTCODE = (
    r"\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
    r"|\d{2}-\d{3}|\d{4,5}-\d{3}|\d{4}\s?[A-Z]{2}(?![a-z])|\d{3}\s\d{2}|\d{4,8}"
)
_TOWN = rf"(?:{_ANY}(?:[ \-]{_ANY}){{0,3}})"
_SEP = r"(?:\s*,\s*|\s*\n\s*|\s+)"
# After a street: ", Town, ST 12345", ", Town NW1 6XE", ", 10115 Town", ", Town, ACT, 2983".
_TAIL = (
    rf"(?:{_SEP}(?:{_TOWN}(?:,?\s+|-)(?:{_STATE},?\s+)?(?i:{_POSTCODE})(?![\w])"
    rf"|(?:[A-Z]{{1,2}}-)?(?i:{_POSTCODE})(?!\d),?\s+{_TOWN}(?:\s*\([A-Z]{{2}}\))?"
    rf"|(?:[A-Z]{{1,2}}\d[A-Z\d]?\s*\d[A-Z]{{2}})))?"
)
_TAIL_UNIT = rf"(?:{_SEP}{_UNIT})?"
_REQUIRED_TAIL = _TAIL[:-1]  # the same, not optional
_MILITARY = (
    rf"\b(?i:(?:PSC|Unit|CMR)\s+\d{{3,5}},?\s+Box\s+\d{{3,5}}|(?:USNS|USNV|USS|USCGC)\s+{_CAP})"
    rf"(?:{_SEP}(?i:APO|FPO|DPO)\s+(?i:A[AEP])\s+\d{{5}})?"
)

_PATTERNS = [
    # 221B Baker Street / 391 Johnson Burg Apt. 636 / Flat 3, 12 Smith Road
    rf"\b(?:{_UNIT},?\s+|(?i:{_UNIT_WORD})\.?\s*)?{_NUMBER},?\s+(?:{_CAP}\s+){{0,3}}{_CAP}\s+"
    rf"(?:(?i:{_SUFFIXES})\b|(?i:{_ABBR})\b\.?)(?:\s+[NS][EW]?\b)?{_TAIL_UNIT}{_TAIL}",
    # 44 elm st apt 3 / 9 main road: any case, a common street word
    rf"\b{_NUMBER}\s+(?:{_ANY}\s+){{0,2}}{_ANY}\s+(?i:(?:{_COMMON})\b\.?){_TAIL_UNIT}{_TAIL}",
    # 77763 Tony Village Suite 690: any street name followed by a flat or suite
    rf"\b{_NUMBER}\s+(?:{_ANY}\s+){{0,2}}{_ANY},?\s+{_UNIT}{_TAIL}",
    # Hauptstraße 5 / Kerkstraat 12 / Skolvägen 76 / Unter den Linden 77
    rf"\b(?:{_CAP}\s+){{0,2}}[A-ZÄÖÜÅØÆa-zäöüåøæ][\w\-]{{2,}}?(?i:{_SUFFIX_DE})\s+{_NUMBER}\b"
    rf"{_TAIL_UNIT}{_TAIL}",
    rf"\b(?:{_CAP}[ \-]){{1,2}}(?:{_DE_WORD})\s+{_NUMBER}\b{_TAIL_UNIT}{_TAIL}",
    # Annering 4, 1593 RR, Eexterveen: any compound in -ring when a postcode follows
    rf"\b[A-ZÄÖÜ][\w\-]{{2,}}?ring\s+{_NUMBER}\b{_TAIL_UNIT}{_REQUIRED_TAIL}",
    # rue Clémence Samson, 55722 Sainte René: a street with no number, then postcode and town
    rf"(?<![\w])(?i:{_PREFIX})\s+{_PARTICLES}{_ANY}(?:[\s\-]+{_PARTICLES}{_ANY}){{0,3}}"
    rf"{_REQUIRED_TAIL}",
    # 12 rue de la Paix / 3, avenue Foch / 77, Kadakia Marg
    rf"\b{_NUMBER},?\s+(?i:{_PREFIX})\s+{_PARTICLES}{_ANY}(?:\s+{_PARTICLES}{_ANY}){{0,3}}"
    rf"{_TAIL_UNIT}{_TAIL}",
    # calle Mayor 12 / Viale Sermonti, 13 / ul. Długa 12/3
    rf"(?<![\w])(?i:{_PREFIX})\s+{_PARTICLES}{_ANY}(?:[\s\-]+{_PARTICLES}{_ANY}){{0,3}},?\s+{_NUMBER}\b"
    rf"{_TAIL_UNIT}{_TAIL}",
    # 50168 michael overpass, east jessica, fm 36543: any case when a postcode follows
    rf"\b{_NUMBER}\s+(?:{_ANY}\s+){{0,2}}{_ANY}\s+(?i:(?:{_SUFFIXES})\b){_TAIL_UNIT}{_REQUIRED_TAIL}",
    _MILITARY,
    # A flat or suite with no street: "Apt. 636", "Suite 690"
    rf"\b(?i:Apt|Apartment|Suite|Ste)\.?\s*#?\s*\d{{1,5}}[A-Za-z]?\b{_TAIL}",
]
_ADDRESS = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_TRAILING = re.compile(r"[\s,.;:]+$")


def find_addresses(text: str) -> list[Any]:  # -> list[detect.Span]
    from pasi.privacy.detect import Span

    spans = []
    for match in _ADDRESS.finditer(text):
        end = match.start() + len(_TRAILING.sub("", match.group()))
        value = text[match.start() : end]
        spans.append(Span(match.start(), end, "ADDRESS", " ".join(value.casefold().split())))
    return spans
