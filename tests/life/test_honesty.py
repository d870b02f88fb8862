"""Contradictions between the user's message and a record, found without a model."""

from __future__ import annotations

import pytest

from pasi.life.honesty import contradiction

CONTRADICTED = [
    ("My sister is called Mia", "The user's sister is called Lena"),
    ("My sister Mia is visiting", "The user's sister is called Lena"),
    ("You told me my sister is called Mia", "The user's sister is called Lena"),
    ("I live in Munich now", "The user lives in Berlin"),
    ("I work at Siemens", "The user works at Bosch as a test engineer"),
    ("My birthday is on 12 June", "The user's birthday is 3 May"),
    ("My flight to Lisbon is on 21 July", "The user's flight to Lisbon is on 14 July"),
    ("Sam and I met in 2019", "The user met Sam at university in 2017"),
    ("I studied chemistry", "The user studied physics at Heidelberg"),
    ("My favourite colour is green", "The user's favourite colour is blue"),
]

CONSISTENT = [
    ("I live in Berlin", "The user lives in Berlin"),
    ("My birthday is 3 May 1990", "The user's birthday is 3 May"),
    ("My sister Lena is visiting", "The user's sister is called Lena"),
    ("I like pizza", "The user's sister is called Lena"),
    ("My dentist appointment is on Friday", "The user's dentist appointment is on Friday at 9:00"),
    ("The weather in Berlin is grey", "The user lives in Berlin"),
    ("I ran 8 km today", "The user's half marathon is on 28 April"),
    ("My boss is called Anna", "The user's sister is called Lena"),
    ("We have 3 cats", "The user's rent is 1200 euros a month"),
]


@pytest.mark.parametrize(("message", "record"), CONTRADICTED)
def test_a_contradicting_message_is_found_with_the_record(message: str, record: str) -> None:
    found = contradiction(message, 7, record)
    assert found is not None and found.tag == "m7" and record in found.reason


@pytest.mark.parametrize(("message", "record"), CONSISTENT)
def test_consistent_or_unrelated_messages_are_not_contradictions(message: str, record: str) -> None:
    assert contradiction(message, 7, record) is None


def test_open_questions_assert_nothing_and_skip_the_search() -> None:
    from pasi.life.honesty import states_something

    assert not states_something("When is my dentist appointment?")
    assert not states_something("hello there")
    assert states_something("My appointment is at 16:00, right?")
    assert states_something("I don't have a dog")
