"""Seeded synthetic personal memories and questions for the scale benchmark.

The statements are built from templates and a few hundred words of vocabulary (people, places,
activities, foods, things, organisations, dates) so that the FTS posting lists and the vector
spread look like a real vault: many rare words, a few common ones, no ten-word corpus. The same
vocabulary builds the questions, so a query touches posting lists of realistic length.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pasi.vault.memories import NewMemory

FIRST_NAMES = """
Anna Ben Clara David Elena Farid Grace Hiro Ines Jonas Kemal Lena Marco Nadia Omar Priya
Quentin Rosa Samir Tara Umar Vera Wen Xavier Yusuf Zoe Aisha Bruno Chloe Dmitri Emma Felix
Giulia Hannah Ivan Julia Kai Laila Mateo Nina Oscar Paula Rafael Sofia Tomas Uma Viktor Wanda
Yara Zain Amelie Bilal Carmen Diego Esther Fatima Gabriel Helga Isabel Jamal Katya Leon Maya
Nico Olga Pedro Rania Stefan Tessa Ulrich Valentina Walter Ximena Yann Zofia Alba Boris Celine
Dario Eva Filip Greta Hugo Ida Jakub Klara Luca Mira Noah Orla Piet Rita Sven Thea
""".split()

LAST_NAMES = """
Schmidt Garcia Novak Rossi Okafor Tanaka Khan Silva Dubois Jensen Kowalski Haddad Nguyen
Petrov Moreau Fischer Costa Larsen Ivanova Mendes Sato Ahmed Weber Lopez Bauer Martin
""".split()

RELATIONS = """
sister brother mother father cousin colleague manager neighbour friend aunt uncle daughter son
partner flatmate mentor dentist doctor teacher coach landlord grandmother grandfather niece
""".split()

CITIES = """
Berlin Lisbon Kyoto Nairobi Toronto Oslo Marrakesh Lima Hanoi Tbilisi Porto Vienna Krakow
Seoul Dublin Valencia Istanbul Reykjavik Montreal Santiago Mumbai Bergen Ghent Lyon Trieste
Helsinki Cork Bologna Zagreb Sarajevo Tallinn Riga Vilnius Bratislava Ljubljana Granada
Seville Bilbao Naples Palermo Salzburg Innsbruck Dresden Leipzig Hamburg Bremen Utrecht
Rotterdam Antwerp Bruges Edinburgh Glasgow Galway Bristol Manchester Leeds Cardiff Bath
Boston Denver Austin Portland Seattle Chicago Oaxaca Cusco Quito Medellin Cartagena Havana
Auckland Hobart Perth Adelaide Osaka Sapporo Busan Taipei Penang Hue Chiang Kathmandu Goa
""".split()

VENUES = """
bakery library gym park museum cinema market harbour cafe bookshop studio clinic station
office garden beach lake forest rooftop theatre gallery pool stadium brewery vineyard temple
""".split()

ACTIVITIES = """
hiking climbing swimming cycling running yoga pottery painting sketching knitting baking
gardening birdwatching kayaking sailing surfing skiing snowboarding fencing archery chess
photography woodworking calligraphy salsa tango piano guitar violin cello drumming singing
journaling meditation camping fishing rowing bouldering volleyball badminton tennis squash
football basketball handball juggling origami beekeeping foraging stargazing podcasting
""".split()

FOODS = """
ramen sushi tacos pho curry dumplings paella risotto falafel hummus lasagne pierogi borscht
shakshuka kimchi bibimbap tagine couscous goulash moussaka ceviche empanadas arepas laksa
croissants bagels pancakes waffles gnocchi tiramisu baklava churros mochi gelato cheesecake
oatmeal granola lentils chickpeas tofu tempeh salmon mackerel sardines halloumi feta brie
""".split()

THINGS = """
bicycle laptop camera kettle umbrella passport keys wallet headphones backpack tent guitar
telescope notebook sweater jacket boots watch phone tablet printer blender sofa desk lamp
plant aquarium scooter piano microwave drill ladder suitcase sunglasses scarf ring necklace
""".split()

COLOURS = "red blue green yellow black white grey orange purple teal navy olive".split()

ORGS = """
Acme Globex Initech Umbrella Hooli Vandelay Wonka Stark Wayne Soylent Tyrell Cyberdyne
Aperture Oscorp Gringotts Monarch Pendant Kestrel Halcyon Juniper Meridian Northwind
""".split()

JOBS = """
nurse engineer architect teacher baker lawyer designer chemist journalist pilot librarian
accountant electrician carpenter translator pharmacist biologist economist musician chef
""".split()

PETS = "cat dog rabbit parrot hamster tortoise goldfish ferret gecko canary".split()
PET_NAMES = "Miso Pepper Biscuit Luna Ziggy Mango Noodle Pickle Olive Tofu Basil Comet".split()

ILLNESSES = ("flu", "migraine", "cold", "allergy", "sprained ankle", "back pain", "fever")

STATEMENTS = (
    ("fact", "My {relation} {first} lives in {city}."),
    ("fact", "{first} {last} works as a {job} at {org}."),
    ("fact", "I moved to {city} in {month} {year}."),
    ("fact", "My {pet} is called {pet_name}."),
    ("fact", "I keep my {thing} in the {colour} box under the {place_thing}."),
    ("fact", "{first}'s birthday is on {day} {month}."),
    ("fact", "I started working at {org} as a {job} in {year}."),
    ("fact", "My {relation} {first} is allergic to {food}."),
    ("fact", "The {venue} near my flat in {city} closes at {hour} on {weekday}s."),
    ("fact", "I lent my {thing} to {first} {last} on {date}."),
    ("preference", "I love {food} but I can't stand {food2}."),
    ("preference", "{first} prefers {activity} to {activity2}."),
    ("preference", "My favourite colour for a {thing} is {colour}."),
    ("preference", "I'd rather go {activity} in {city} than stay at the {venue}."),
    ("preference", "{first} {last} only drinks coffee from the {venue} on {street} Street."),
    ("preference", "I want to learn {activity} before I turn {age}."),
    ("event", "I went {activity} with {first} near {city} on {date}."),
    ("event", "I had {food} with {first} {last} at a {venue} in {city} on {date}."),
    ("event", "I bought a {colour} {thing} for {price} euros on {date}."),
    ("event", "{first} and I visited the {venue} in {city} on {weekday}."),
    ("event", "I had a {illness} on {date} and missed {activity} practice."),
    ("event", "My {relation} {first} got a new job at {org} in {month} {year}."),
    ("event", "I lost my {thing} at the {venue} in {city} on {date}."),
    ("event", "I ran {distance} kilometres along the {venue} in {city} on {date}."),
    ("event", "{first} {last} taught me {activity} at the {venue} on {date}."),
    ("plan", "I plan to fly to {city} with {first} in {month} {year}."),
    ("plan", "I need to call {first} {last} about the {thing} before {weekday}."),
    ("plan", "I'm going to cook {food} for {first}'s party on {date}."),
    ("plan", "Book a {activity} lesson at the {venue} in {city} for {month}."),
    ("plan", "Renew my passport before the trip to {city} on {date}."),
    ("relationship", "{first} {last} is my {relation}'s {relation2}."),
    ("relationship", "I met {first} at a {activity} class in {city} in {year}."),
    ("relationship", "{first} and {first2} have been friends since {year}."),
    ("relationship", "{first} {last} introduced me to {first2} at {org}."),
)

QUESTIONS = (
    "Where does my {relation} {first} live?",
    "What does {first} {last} do for work?",
    "When did I move to {city}?",
    "What is my {pet} called?",
    "When is {first}'s birthday?",
    "Who is allergic to {food}?",
    "Who did I lend my {thing} to?",
    "What food do I love?",
    "Does {first} prefer {activity}?",
    "When did I go {activity} with {first}?",
    "Where did I have {food} with {first}?",
    "How much did I pay for the {colour} {thing}?",
    "When did I visit the {venue} in {city}?",
    "When was I sick with a {illness}?",
    "Where did I lose my {thing}?",
    "Who taught me {activity}?",
    "When am I flying to {city}?",
    "What am I cooking for {first}'s party?",
    "How did I meet {first}?",
    "Who introduced me to {first2}?",
    "What happened with {first} {last} at {org}?",
    "Which {venue} in {city} did I go to last {month}?",
)

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
STREETS = "Oak Mill Church High Station Bridge Market Garden Castle River".split()
PLACE_THINGS = "bed stairs desk sink sofa bookshelf".split()
START = datetime(2015, 1, 1, tzinfo=UTC)


class MemoryFaker:
    """Statements and questions about one invented life, reproducible from a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def _slots(self) -> dict[str, str]:
        r = self.rng
        when = START + timedelta(days=r.randrange(0, 11 * 365))
        first, first2 = r.sample(FIRST_NAMES, 2)
        food, food2 = r.sample(FOODS, 2)
        activity, activity2 = r.sample(ACTIVITIES, 2)
        relation, relation2 = r.sample(RELATIONS, 2)
        return {
            "first": first, "first2": first2, "last": r.choice(LAST_NAMES),
            "relation": relation, "relation2": relation2, "city": r.choice(CITIES),
            "venue": r.choice(VENUES), "activity": activity, "activity2": activity2,
            "food": food, "food2": food2, "thing": r.choice(THINGS),
            "colour": r.choice(COLOURS), "org": r.choice(ORGS), "job": r.choice(JOBS),
            "pet": r.choice(PETS), "pet_name": r.choice(PET_NAMES),
            "illness": r.choice(ILLNESSES), "month": r.choice(MONTHS),
            "weekday": r.choice(WEEKDAYS), "street": r.choice(STREETS),
            "place_thing": r.choice(PLACE_THINGS), "year": str(r.randrange(2005, 2026)),
            "day": str(r.randrange(1, 29)), "hour": f"{r.randrange(5, 12)} pm",
            "age": str(r.randrange(30, 70)), "price": str(r.randrange(5, 2000)),
            "distance": str(r.randrange(3, 43)), "date": f"{when.day} {when:%B %Y}",
            "when": when.isoformat(),
        }  # fmt: skip

    def memory(self) -> NewMemory:
        kind, template = self.rng.choice(STATEMENTS)
        slots = self._slots()
        subject = "user" if "I " in template or "My " in template else slots["first"]
        valid_from = datetime.fromisoformat(slots["when"]) if kind == "event" else None
        return NewMemory(template.format(**slots), kind, subject, valid_from)

    def memories(self, n: int) -> Iterator[NewMemory]:
        for _ in range(n):
            yield self.memory()

    def question(self) -> str:
        return self.rng.choice(QUESTIONS).format(**self._slots())
