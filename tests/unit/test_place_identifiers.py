"""Issue 11, 1: what in a place or an online link could identify a child. The place and the link
are the only typed text that reaches invitations and calendars, so every spelling of a child's
name counts, and any date, NHS number or UPN, whoever's."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tas.meetings.requests.identifiers import (
    DATE,
    NAME,
    NHS_NUMBER,
    REFERENCE,
    UPN,
    Known,
    what_identifies,
)

CHILDREN = [
    Known("Amelia", "Khan", ("EH-77731",), born=date(2016, 3, 14)),
    Known("Zoë", "O'Brien-Walsh"),
    Known("Mary Ann", "Li"),
    Known("Lee", "Ng"),
    Known("Theo", "Hart"),
]


@pytest.mark.parametrize(
    "text",
    [
        "Family room (for Amelia Khan)",
        "Khan Amelia review",
        "https://meet.example/tas-amelia-khan-review",
        "https://meet.example/tasameliakhanreview",
        "https://meet.example/r/amelia%20khan",
        "https://meet.example/r?who=amelia+khan",
        "Amelia's mum will attend",  # first name alone
        "Room for Khan",  # surname alone
        "A K h a n",  # spaced out
        "a.khan room",
        "amelia.khan",
        "amelia_khan",
        "akhan",  # initial and surname
        "AMELIA-KHAN",
        "AmeliaKhan",
        "ámelia khán",  # accents
        "Amelia2 room",
        "zoe obrien walsh",
        "OBrien room",
        "Walsh room",
        "Mary's corner",
        "maryann li",
        "Family room (Khans)",  # plural
        "The Khans room",
        "Amelias mum",  # possessive without the apostrophe
        "https://zoom.us/my/ameliak",  # first name and initial
        "https://meet.example/AmeliaTAS",  # capitals
        "https://meet.example/KhanFamily",
        "https://meet.example/khansmeeting",  # a name starting a longer word
        "K h a n s room",
        "Lees room",  # a short name in the plural
        "Family room, re A.K. (Year 4)",  # initials written as initials
        "For A K and L N",
        "a. k. room",
    ],
)
def test_every_spelling_of_a_childs_name_is_found(text):
    assert what_identifies(text, CHILDREN) == NAME


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Born 14/03/2016", DATE),
        ("14-3-16 review", DATE),
        ("2016-03-14", DATE),
        ("2016.3.14", DATE),
        ("20160314", DATE),
        ("14032016", DATE),
        ("14 March 2016", DATE),
        ("14th of Mar 2016", DATE),
        ("March 14, 2016", DATE),
        ("https://meet.example/review-2026-12-09", DATE),
        ("Room 2, child born Mar 2016", DATE),  # Amelia's month and year of birth
        ("Born 03/2016", DATE),
        ("NHS 943 476 5919", NHS_NUMBER),
        ("9434765919", NHS_NUMBER),
        ("943-476-5919", NHS_NUMBER),
        ("943.476.5919", NHS_NUMBER),
        ("943/476/5919", NHS_NUMBER),
        ("https://meet.example/9434765919", NHS_NUMBER),
        ("A123456789012", UPN),
        ("room-a12345678901b", UPN),
        ("ref EH77731", REFERENCE),
        ("eh-77731", REFERENCE),
    ],
)
def test_dates_numbers_and_references_are_found_whoever_they_belong_to(text, found):
    assert what_identifies(text, CHILDREN) == found


@pytest.mark.parametrize(
    "text",
    [
        "Main hall",
        "Meeting room 2",
        "The library, ground floor",
        "Room 14",
        "Hall 3, 12 Mill Lane, WF1 2AB",
        "Ameliorate suite",  # a longer word that does not start with the name
        "Leeds Road",  # a short name starting a word is too common to count
        "The old hall",  # words that only together spell "theo"
        "https://zoom.us/j/1234567890",  # ten digits that are no NHS number
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA5YzE0@thread.v2/0",
        "Call 01924 305000",
        "PE hall",  # two capitals as a word: initials only when written as initials
        "Room A, Block K",
        "Induction room, Sept 2026",  # a month no child given was born in
        "",
    ],
)
def test_ordinary_places_and_links_pass(text):
    assert what_identifies(text, CHILDREN) is None


def test_only_the_children_given_are_looked_for():
    assert what_identifies("Room for Khan", [Known("Ruby", "Clarke")]) is None
    assert what_identifies("Room for Khan", []) is None


@given(st.text(max_size=300))
def test_any_text_gets_an_answer(text):
    assert what_identifies(text, CHILDREN) in (None, NAME, DATE, NHS_NUMBER, UPN, REFERENCE)
