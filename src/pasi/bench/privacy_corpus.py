"""A labelled corpus of personal data in sentences, generated from a seed, for `pasi bench privacy`.

Every value is valid of its kind: card numbers pass the Luhn check, IBANs their mod-97 check,
phone numbers ``phonenumbers``' validation (random numbers of each region, written in its
national and international formats), Spanish NIFs their check letter. Names come from the
people of a vault the bench builds. Look-alike sentences hold what is not personal data but
resembles it (order numbers that fail Luhn, IBANs with a wrong checksum, versions, dates,
prices, ISBNs, capitalised words, streets without a house number), to measure precision.
"""

from __future__ import annotations

import copy
import random
import string
from dataclasses import dataclass, field

PEOPLE = [
    ("Anna Berg", ["Berg, Anna"]), ("Jonas Weber", []), ("Priya Raman", ["Priya R."]),
    ("Tomás Ruiz", ["Tomas Ruiz"]), ("Chloé Martin", []), ("Kwame Mensah", []),
    ("Mei Lin Chen", ["Mei Lin"]), ("Olusegun Adeyemi", ["Segun"]), ("Sofia Rossi", []),
    ("Lars Johansson", []), ("Fatima Haddad", []), ("Will Turner", ["William Turner"]),
    ("Grace O'Neill", []), ("Dmitri Volkov", []), ("Aiko Tanaka", []), ("Rafael Costa", []),
    ("Hannah Schmidt", []), ("Noah Fischer", []), ("Leila Karimi", []), ("Ewan McGregor", []),
]  # fmt: skip
STREET_NAMES = ["Baker", "Elm", "Maple", "Church", "Mill", "Station", "Victoria", "Cedar",
                "Linden", "Oak", "Harbor", "Park"]  # fmt: skip
CITIES = ["Springfield", "London", "Berlin", "Paris", "Madrid", "Leeds", "Hamburg", "Lyon",
          "Austin", "Bristol", "Amsterdam", "Seville"]  # fmt: skip
TEMPLATES = {
    "PERSON": ["I had lunch with {} yesterday.", "Can you remind me to call {} on Friday?",
               "{} said the train was late again.", "What did {} recommend for the trip?",
               "My flat is close to where {} works.", "Remember that {}'s birthday is soon."],
    "EMAIL": ["Send the slides to {} before noon.", "My new address is {}.",
              "Forward it to {}, please.", "The invoice came from {} this morning."],
    "PHONE": ["Call me on {} after six.", "Her number is {}.", "The plumber's phone: {}",
              "Text {} when you land.", "Reach the office at {} or by email."],
    "ADDRESS": ["We moved to {} last spring.", "Ship the parcel to {}.",
                "The party is at {} on Saturday.", "My dentist is at {}."],
    "CARD": ["Pay with my card {} please.", "The card ending in this one: {} expires soon.",
             "I booked it on {}.", "Charge {} for the hotel."],
    "IBAN": ["Transfer the rent to {}.", "My IBAN is {}.", "Refunds go to {} next week.",
             "The landlord's account: {}"],
    "ID": ["My social security number is {}.", "Fill in {} as my ID.",
           "The form asks for {} again.", "My national insurance number: {}"],
    "IP": ["The server at {} is down.", "Block {} in the firewall.",
           "My home router is {}.", "Logins came from {} last night."],
}  # fmt: skip
LOOKALIKES = [
    "Order {order} ships in 3 to 5 days.", "Upgrade to version {version} tonight.",
    "The meeting moved to {date} at 10:30.", "It costs $1,234.56 plus tax.",
    "ISBN 978-3-16-148410-0 is the second edition.", "Tracking number {order} is delayed.",
    "Room 101 is on the first floor.", "Flight LH 400 leaves at 13:05.",
    "Will you water the plants?", "May is the best month for hiking.",
    "Mark the date in the calendar.", "Take the main road past the church.",
    "We walked along Baker Street for hours.", "The reference {badiban} was rejected.",
    "Invoice INV-2024-00123 is paid.", "I ran 12.5 km in 61 minutes.",
    "Chapter 3, page 214, line 7.", "The temperature hit 31.4 degrees on 2024-07-14.",
    "Call the office at 5 and ask for the new rota.", "Our team won 3-1 on 12/05.",
    "The recipe needs 250 g flour and 2 eggs.", "Gate B22, seat 14C.",
    "The vote passed 312 to 118.", "My postcode area has 4,500 homes.",
    "[t{turn}] user {date} {time} in conversation: they said it was fine.",
    "The backup ran at {date}T{time}:00+00:00 and again on {dmy}.",
]  # fmt: skip
US_STATES = ["CA", "TX", "NY", "WA", "IL", "MA"]
PHONE_REGIONS = ["US", "GB", "DE", "FR", "IN"]
INTERNATIONAL_ONLY = ["ES", "IT", "NL", "AU", "BR", "JP"]


@dataclass
class Sample:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind)


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("5" + str(rng.randint(1, 5)), 16), ("37", 15)])
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    number = body + luhn_digit(body)
    if length == 15:
        return rng.choice([f"{number[:4]} {number[4:10]} {number[10:]}", number])
    groups = [number[i : i + 4] for i in range(0, 16, 4)]
    return rng.choice([" ".join(groups), "-".join(groups), number])


def iban(rng: random.Random, valid: bool = True) -> str:
    country, bban = rng.choice([
        ("DE", _digits(rng, 18)), ("GB", _letters(rng, 4) + _digits(rng, 14)),
        ("FR", _digits(rng, 23)), ("NL", _letters(rng, 4) + _digits(rng, 10)),
        ("ES", _digits(rng, 20)),
    ])  # fmt: skip
    rearranged = bban + country + "00"
    numeric = int("".join(str(int(c, 36)) for c in rearranged))
    check = 98 - numeric % 97
    if not valid:
        check = (check + rng.randint(1, 90)) % 97 + 2 if check != 2 else 3
    value = f"{country}{check:02d}{bban}"
    return rng.choice([" ".join(value[i : i + 4] for i in range(0, len(value), 4)), value])


def national_id(rng: random.Random) -> str:
    kind = rng.choice(["ssn", "nino", "nif"])
    if kind == "ssn":
        area = rng.choice([n for n in range(1, 666) if n not in (0,)])
        a, b, c = f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"
        return rng.choice([f"{a}-{b}-{c}", f"{a} {b} {c}"])
    if kind == "nino":
        first = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        second = rng.choice("ABCEGHJKLMNPRSTWXYZ".replace("O", ""))
        if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            first, second = "A", "B"
        digits = _digits(rng, 6)
        suffix = rng.choice("ABCD")
        spaced = f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        return rng.choice([f"{first}{second}{digits}{suffix}", spaced])
    number = rng.randint(10_000_000, 99_999_999)
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def phone(rng: random.Random) -> str:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat as Format

    region = rng.choice(PHONE_REGIONS + INTERNATIONAL_ONLY)
    kind = rng.choice(
        [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
    )
    number = phonenumbers.example_number_for_type(region, kind)
    width = len(str(number.national_number))
    for _ in range(50):  # random numbers of the example's shape until one is valid
        candidate = copy.copy(number)
        candidate.national_number = int(str(number.national_number)[:-4] + _digits(rng, 4))
        if len(str(candidate.national_number)) == width and phonenumbers.is_valid_number(candidate):
            number = candidate
            break
    formats = [Format.INTERNATIONAL, Format.E164]
    if region in PHONE_REGIONS:
        formats += [Format.NATIONAL, Format.NATIONAL]
    return phonenumbers.format_number(number, rng.choice(formats))


def address(rng: random.Random) -> str:
    n, name, city = rng.randint(1, 2400), rng.choice(STREET_NAMES), rng.choice(CITIES)
    style = rng.choice(["us", "uk", "de", "fr", "es", "nl", "it", "pt", "flat"])
    if style == "it":
        street = f"{rng.choice(['via', 'viale', 'piazza', 'corso'])} {name} {n % 200 + 1}"
        return street + rng.choice(["", f", {rng.randint(10000, 98999)} {city}"])
    if style == "pt":
        street = f"{rng.choice(['Rua', 'Avenida', 'Travessa'])} {name}, {n % 900 + 1}"
        return street + rng.choice(
            ["", f", {rng.randint(1000, 9999)}-{rng.randint(100, 999)} {city}"]
        )
    if style == "flat":
        return f"{rng.choice(['Flat', 'Apt', 'Suite'])} {rng.randint(1, 30)}, {n % 300 + 1} {name} {rng.choice(['Lane', 'Street', 'Road'])}"
    if style == "us":
        street = f"{n} {name} {rng.choice(['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'St.'])}"
        unit = rng.choice(["", f", Apt {rng.randint(1, 40)}"])
        zip_code = f"{rng.choice(US_STATES)} {rng.randint(10000, 99999)}"
        return street + unit + rng.choice(["", f", {city}, {zip_code}"])
    if style == "uk":
        postcode = f"{rng.choice(['SW', 'N', 'LS', 'BS'])}{rng.randint(1, 19)} {rng.randint(1, 9)}{_letters(rng, 2)}"
        street = f"{n % 300 + 1} {name} {rng.choice(['Road', 'Close', 'Gardens', 'Street'])}"
        return street + rng.choice(["", f", {city} {postcode}"])
    if style == "de":
        street = f"{name}{rng.choice(['straße', 'weg', 'allee', 'platz'])} {n % 200 + 1}"
        return street + rng.choice(["", f", {rng.randint(10000, 99999)} {city}"])
    if style == "fr":
        street = f"{n % 200 + 1} {rng.choice(['rue', 'avenue', 'boulevard'])} {rng.choice(['de la ', 'du ', ''])}{name}"
        return street + rng.choice(["", f", {rng.randint(10000, 95999)} {city}"])
    if style == "es":
        street = f"{rng.choice(['calle', 'avenida', 'plaza'])} {name} {n % 200 + 1}"
        return street + rng.choice(["", f", {rng.randint(10000, 52999)} {city}"])
    street = f"{name}{rng.choice(['straat', 'laan', 'gracht'])} {n % 300 + 1}"
    return street + rng.choice(["", f", {rng.randint(1000, 9999)} {_letters(rng, 2)} {city}"])


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.65:
        return ".".join(str(rng.randint(1, 254)) for _ in range(4))
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    return rng.choice([":".join(groups), f"{groups[0]}:{groups[1]}::{groups[7]}"])


def person(rng: random.Random) -> str:
    name, aliases = rng.choice(PEOPLE)
    words = name.split()
    return rng.choice([name, name, words[0], words[-1], *aliases])


def email(rng: random.Random) -> str:
    first, *_, last = rng.choice(PEOPLE)[0].lower().replace("'", "").split()
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{rng.randint(1, 99)}"])
    local = local.encode("ascii", "ignore").decode()
    return f"{local}@{rng.choice(['example.com', 'mail.example.org', 'uni-example.de', 'example.co.uk'])}"


VALUES = {
    "PERSON": person, "EMAIL": email, "PHONE": phone, "ADDRESS": address, "CARD": card,
    "IBAN": iban, "ID": national_id, "IP": ip_address,
}  # fmt: skip


def corpus(per_kind: int, lookalikes: int, seed: int = 7) -> list[Sample]:
    """``per_kind`` sentences for each kind (one value each, plus mixed sentences of two),
    and ``lookalikes`` sentences with no personal data at all."""
    rng = random.Random(seed)
    samples = []
    for kind, make in VALUES.items():
        for _ in range(per_kind):
            samples.append(_fill(rng.choice(TEMPLATES[kind]), [(kind, make(rng))]))
    kinds = list(VALUES)
    for _ in range(per_kind):
        first, second = rng.sample(kinds, 2)
        template = rng.choice(TEMPLATES[first]).rstrip(".") + " and " + "{} too."
        samples.append(
            _fill(template, [(first, VALUES[first](rng)), (second, VALUES[second](rng))])
        )
    for _ in range(lookalikes):
        text = rng.choice(LOOKALIKES).format(
            order=_not_luhn(rng), version=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", badiban=iban(rng, valid=False),
            time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", turn=rng.randint(1, 99999),
            dmy=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1990, 2030)}",
        )  # fmt: skip
        samples.append(Sample(text))
    rng.shuffle(samples)
    return samples


def _fill(template: str, values: list[tuple[str, str]]) -> Sample:
    parts = template.split("{}")
    text, spans = parts[0], []
    for (kind, value), after in zip(values, parts[1:], strict=True):
        spans.append((len(text), len(text) + len(value), kind))
        text += value + after
    return Sample(text, spans)


def _not_luhn(rng: random.Random) -> str:
    body = _digits(rng, 15)
    wrong = str((int(luhn_digit(body)) + rng.randint(1, 9)) % 10)
    return body + wrong


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))
