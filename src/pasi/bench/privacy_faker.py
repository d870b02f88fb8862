"""A labelled set of personal data in sentences made from templates and Faker, in two splits.

The detector was not written against these sentences: ``dev`` (its own seed, templates and
locales) may be looked at while improving the detector; ``heldout`` (another seed, other
templates, other locales) is only reported. Values come from Faker (names, addresses and phone
numbers as each locale writes them, card numbers of every brand Faker knows, IBANs, SSNs,
passport numbers, dates of birth, IP addresses), are written in several ways (grouped or not,
lower case, an address on one line or several) and put into sentences, some of which are
lower-cased whole. A third of the sentences hold no personal data: dates, amounts, order
numbers, versions, companies, cities and words that once fooled the detector ("Spring 2024").

Faker is a development dependency (``pip install 'pasi[dev]'``).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pasi.bench.privacy_corpus import Sample

# Placeholder in a template -> the kind it is labelled with (None: not personal data).
FIELDS: dict[str, str | None] = {
    "name": "PERSON", "first": "PERSON", "last": "PERSON", "email": "EMAIL", "phone": "PHONE",
    "address": "ADDRESS", "street": "ADDRESS", "card": "CARD", "iban": "IBAN", "ssn": "ID",
    "passport": "ID", "licence": "ID", "dob": "DOB", "ip": "IP",
    "city": None, "company": None, "date": None, "amount": None, "year": None, "order": None,
    "version": None, "time": None, "job": None, "n": None,
}  # fmt: skip
_FIELD = re.compile(r"\{(\w+)\}")

DEV_TEMPLATES = [
    "My name is {name} and my email is {email}.", "Please call {first} back on {phone}.",
    "{name} lives at {address}.", "Ship the order to {address} by Friday.",
    "My card number is {card}, expiring next year.", "Can you charge {card} for the rent?",
    "Send the refund to IBAN {iban}.", "His social security number is {ssn}.",
    "I was born on {dob}.", "The login came from {ip} at {time}.",
    "{first} {last} called from {phone} about the invoice.", "Her passport number is {passport}.",
    "Driver's license: {licence}", "Contact {name} ({email}) for details.",
    "We moved to {street} last {year}.", "Date of birth: {dob}, name: {name}",
    "Ask {first} whether {company} paid the {amount} invoice.", "Reach me at {phone} or {email}.",
    "Meet {name} at {street} tomorrow.", "My account is {iban} and my phone {phone}.",
    "Order {order} for {name} was shipped to {address}.", "{last} said the server {ip} is down.",
    "Passport no. {passport} issued to {name}.", "DOB {dob}",
    "{name} works as a {job} in {city}.", "Card {card} was declined at {time}.",
]  # fmt: skip
DEV_CLEAN = [
    "Spring {year} was the wettest on record.", "Bring 2 bottles of water to the hike.",
    "During {year} the company {company} doubled its sales.", "Order {order} costs {amount}.",
    "Update to version {version} before {date}.", "{city} is lovely in May.",
    "The meeting moved to {date} at {time}.", "{company} hired a new {job} in {city}.",
    "Chapter 12, page 214 of the report.", "The vote passed 312 to 118 on {date}.",
    "Will you water the plants at {time}?", "Room 101 is on the first floor.",
]  # fmt: skip
HELDOUT_TEMPLATES = [
    "hi, this is {name}, you can text me at {phone}", "Please forward the package to {address}",
    "The customer {name} paid with {card}.", "Wire it to account {iban}, ref {order}.",
    "SSN on file: {ssn}", "{name}'s birthday is {dob}, don't forget!",
    "Our records show {first} {last} at {address}, phone {phone}.",
    "Update the billing address to {street} please", "The visa card {card} belongs to {first}.",
    "New contact: {name}, {email}, {phone}", "travel document number {passport} for {name}",
    "license number {licence} was suspended", "Born {dob} in {city}.",
    "Blocked traffic from {ip} after {n} failed logins.", "Dear {name}, your IBAN {iban} is verified.",
    "{first} asked me to move the car to {street}.", "I'm {first}; my email is {email}",
    "Is {last} still at {address}?", "my ssn is {ssn} and dob {dob}",
    "{name} from {company} will visit on {date}.", "please pay {amount} with card {card}",
    "The package for {name} is at {street}, not at home.", "Ping {ip} to check the VPN.",
    "Emergency contact: {first}, {phone}.", "Renew passport {passport} before {date}.",
]  # fmt: skip
HELDOUT_CLEAN = [
    "During {year} we opened three offices.", "Bring 2 chairs and a ladder.",
    "{company} reported {amount} in revenue on {date}.", "Tracking number {order} is delayed.",
    "The firmware {version} fixes the wifi bug.", "The flight to {city} leaves at {time}.",
    "Spring {year} collection is out.", "Offering 3 new courses this term.",
    "May I borrow the blue pen?", "Gate B22, seat 14C, boarding at {time}.",
    "The {job} from {company} sent a quote.", "It rained 31 mm on {date} in {city}.",
]  # fmt: skip


@dataclass(frozen=True)
class Split:
    seed: int
    locales: tuple[str, ...]
    templates: list[str]
    clean: list[str]


SPLITS = {
    "dev": Split(
        101, ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_IN"),
        DEV_TEMPLATES, DEV_CLEAN,
    ),
    "heldout": Split(
        202, ("en_AU", "en_CA", "en_IE", "en_NZ", "pl_PL", "pt_BR", "pt_PT", "sv_SE", "da_DK",
              "de_AT", "fr_CH", "es_MX", "en_US"),
        HELDOUT_TEMPLATES, HELDOUT_CLEAN,
    ),
}  # fmt: skip
CARD_TYPES = ["visa16", "visa19", "visa13", "mastercard", "amex", "discover", "jcb15", "jcb16",
              "maestro", "diners"]  # fmt: skip


def faker_corpus(split: str, sentences: int = 600) -> list[Sample]:
    """``sentences`` samples of ``split``: two thirds from templates with personal data, one
    third without; about one in ten is written in lower case."""
    try:
        from faker import Faker
    except ImportError as error:  # a development dependency
        from pasi.errors import PasiError

        raise PasiError("The Faker split needs Faker: pip install 'pasi[dev]'.") from error
    spec = SPLITS[split]
    rng = random.Random(spec.seed)
    fakers = {}
    for locale in spec.locales:
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(rng.randint(0, 2**31))
    samples = []
    for index in range(sentences):
        fake = fakers[rng.choice(spec.locales)]
        clean = index % 3 == 2
        template = rng.choice(spec.clean if clean else spec.templates)
        sample = _fill(template, lambda field, f=fake: _value(field, f, rng))
        if rng.random() < 0.1:
            sample = Sample(sample.text.lower(), sample.spans)
        samples.append(sample)
    return samples


def _fill(template: str, value: Callable[[str], str]) -> Sample:
    text, spans, last = "", [], 0
    for match in _FIELD.finditer(template):
        text += template[last : match.start()]
        filled = value(match.group(1))
        kind = FIELDS[match.group(1)]
        if kind is not None:
            spans.append((len(text), len(text) + len(filled), kind))
        text += filled
        last = match.end()
    return Sample(text + template[last:], spans)


def _value(field: str, fake: Any, rng: random.Random) -> str:
    return _MAKERS[field](fake, rng).strip()


def _address(fake: Any, rng: random.Random) -> str:
    if fake.locales[0] == "en_US" and rng.random() < 0.15:
        return fake.military_apo() if rng.random() < 0.5 else fake.military_dpo()
    return fake.address().replace("\n", rng.choice([", ", " ", "\n", ", "]))


def _card(fake: Any, rng: random.Random) -> str:
    try:
        number = fake.credit_card_number(rng.choice(CARD_TYPES))
    except KeyError:  # a locale with a card list of its own
        number = fake.credit_card_number()
    style = rng.choice(["plain", "plain", "space", "dash"])
    if style == "plain" or len(number) not in (16, 19):
        return number
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return (" " if style == "space" else "-").join(groups)


def _iban(fake: Any, rng: random.Random) -> str:
    value = fake.iban()
    if rng.random() < 0.4:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value.lower() if rng.random() < 0.15 else value


def _dob(fake: Any, rng: random.Random) -> str:
    day = fake.date_of_birth(minimum_age=1, maximum_age=95)
    return day.strftime(rng.choice(["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%B %d, %Y",
                                    "%d %B %Y"]))  # fmt: skip


def _licence(fake: Any, rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.choice([1, 2])))
    digits = "".join(rng.choice(string.digits) for _ in range(rng.choice([7, 8, 9, 12])))
    return rng.choice([letters + digits, digits, f"{letters}{digits[:3]}-{digits[3:]}"])


_MAKERS: dict[str, Callable[[Any, random.Random], str]] = {
    "name": lambda f, r: f.name(), "first": lambda f, r: f.first_name(),
    "last": lambda f, r: f.last_name(), "email": lambda f, r: f.email(),
    "phone": lambda f, r: f.phone_number(), "address": _address,
    "street": lambda f, r: f.street_address(), "card": _card, "iban": _iban,
    "ssn": lambda f, r: f.ssn(), "passport": lambda f, r: f.passport_number(),
    "licence": _licence, "dob": _dob,
    "ip": lambda f, r: f.ipv4() if r.random() < 0.7 else f.ipv6(),
    "city": lambda f, r: f.city(), "company": lambda f, r: f.company(),
    "date": lambda f, r: f.date(), "amount": lambda f, r: f"${r.randint(5, 9999)}.{r.randint(10, 99)}",
    "year": lambda f, r: str(r.randint(1950, 2030)), "order": lambda f, r: f"#{r.randint(10**5, 10**9)}",
    "version": lambda f, r: f"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}",
    "time": lambda f, r: f.time("%H:%M"), "job": lambda f, r: f.job(), "n": lambda f, r: str(r.randint(3, 99)),
}  # fmt: skip
