"""What in an anonymous consultation could identify a child (tas/meetings/requests/rules.py):
every agency invited reads it, whatever any family agreed, so a first name alone and initials
written as initials count for every child of the school; ordinary words and abbreviations do not
(docs/security.md I33). A child on the agenda is looked for as the meeting's notes look for them."""

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
from tas.meetings.requests.rules import INITIALS, what_identifies_anonymously

SCHOOL = [
    Known("Amara", "Okafor", ("G360202015019", "4857773457", "EH-77731"), born=date(2016, 3, 14)),
    Known("Mia", "Hughes"),
    Known("Freya", "Young"),
    Known("Mary-Jane", "O'Brien-Walsh"),
    Known("Zoë", "McDonald"),
    # Initials that ordinary writing puts side by side: A&E, B&B, e.g., PE, a.m.
    Known("Amir", "Evans"),
    Known("Bella", "Bell"),
    Known("Ethan", "Green"),
    Known("Priya", "Evans"),
    Known("Alfie", "Morris"),
    Known("Alfie", "Little"),
    Known("Aman", "Singh"),  # "a man"
    Known("Asif", "Rahman"),  # "as if"
]
ON_AGENDA = [Known("Amelia", "Khan", ("S-1234",))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Numbers, whoever's; the month and year a child was born.
        ("Seen on 12/03/2026 by the nurse", DATE),
        ("born March 2016", DATE),
        ("NHS 943 476 5919", NHS_NUMBER),
        ("UPN A123456789012", UPN),
        ("ref EH-77731", REFERENCE),
        ("ref s-1234", REFERENCE),
        # A child of the school: in full, a first name alone in any case, an initial and a
        # surname written as such, initials written as initials, a family by its surname.
        ("Amara Okafor is hungry", NAME),
        ("Okafor Amara is hungry", NAME),
        ("Amara is hungry", NAME),
        ("amara is hungry", NAME),
        ("AMARA IS HUNGRY", NAME),
        ("Amara's mum", NAME),
        ("Amara O. is hungry", NAME),
        ("A. Okafor is hungry", NAME),
        ("A Okafor is hungry", NAME),
        ("A.Okafor is hungry", NAME),
        ("Zoe is hungry", NAME),  # accents ignored
        ("Mary-Jane is hungry", NAME),
        ("Mary Jane is hungry", NAME),
        ("Mary is hungry", NAME),  # part of a double first name
        ("Z. McDonald said", NAME),
        ("M. O'Brien-Walsh said", NAME),
        ("Mrs Okafor says", NAME),
        ("mr. hughes says", NAME),
        ("Ms O'Brien-Walsh says", NAME),
        ("the Okafor family", NAME),
        ("the McDonald twins", NAME),
        ("A.O. is hungry", INITIALS),
        ("A. O. is hungry", INITIALS),
        ("a.o. is hungry", INITIALS),
        ("A O is hungry", INITIALS),
        ("A girl, M.H.", INITIALS),
        ("Z.M. cries", INITIALS),
        # A child on the agenda, as notes for attendees look for them: a surname alone too.
        ("Amelia is skipping lunch", NAME),
        ("A.K. says tummy hurts", NAME),
        ("a k says tummy hurts", NAME),
        ("the khan family", NAME),
        ("Khans", NAME),
    ],
)
def test_what_identifies_a_child(text, found):
    assert what_identifies_anonymously(text, SCHOOL, ON_AGENDA) == found


@pytest.mark.parametrize(
    "text",
    [
        "A pupil in year 5 is often hungry and tired; mum says money is tight",
        "A Year 4 pupil has told staff that an older cousin who stays at weekends shouts",
        "A girl in year 5 is often hungry since March",
        # Surnames that are words, and capitals that are not initials.
        "A young person with a younger brother, from a young family",
        "A little worried; a little sister",
        "Young carers group on Tuesdays",
        "PE kit missing; MH support; CAMHS and SEN",
        "Taken to A&E; the family live in a B&B; she wears a T-shirt",
        "e.g. at lunch, i.e. every day, from 9 a.m. to 3 p.m.",
        "She got a B in maths and a C in English",
        "A White British family",
        "Dr Okafor at the surgery",  # a doctor is not a family
        "A man visits at weekends, as if nothing happened",  # no name across two words
        "Amaranth seeds; Miami; Freyas",  # a first name inside a longer word
        "",
    ],
)
def test_ordinary_words_identify_nobody(text):
    assert what_identifies_anonymously(text, SCHOOL, ON_AGENDA) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mum will not engage", None),
        ("We hope grace and patience may help", None),
        ("Will says mum shouts", NAME),
        ("mum says Will is hungry", NAME),
        ("will brown is hungry", NAME),  # in full, written any way
        ("W. Brown is hungry", NAME),
        ("Mrs Brown says", NAME),
    ],
)
def test_a_first_name_that_is_also_a_word_counts_alone_only_written_as_a_name(text, found):
    """A school of hundreds has a Will, a Grace and a May: alone, such a first name counts
    only with its capital ("mum will not engage" passes); in full or with an initial, always."""
    school = [Known("Will", "Brown"), Known("Grace", "Patel"), Known("May", "Green")]
    assert what_identifies_anonymously(text, school) == found


def test_a_child_on_the_agenda_is_refused_wherever_the_notes_refuse_them():
    """One rule: whatever the notes for attendees refuse for a child on the agenda, the
    consultation refuses too."""
    for text in ("Amelia's mum", "A.K.'s mum", "Khan family room", "A K h a n", "amelias"):
        assert what_identifies(text, ON_AGENDA, any_numbers=False) is not None
        assert what_identifies_anonymously(text, [], ON_AGENDA) is not None


def test_a_surname_alone_of_a_child_not_on_the_agenda_is_not_refused():
    """Too many surnames are words ("Young", "White", "Little"); a family by its surname is
    refused only where it is written as a family's ("Mrs Young", "the Young family")."""
    assert what_identifies_anonymously("Hughes", SCHOOL) is None
    assert what_identifies_anonymously("the Young family", SCHOOL) == NAME


@given(st.text(max_size=400))
def test_any_text_is_answered(text):
    assert what_identifies_anonymously(text, SCHOOL, ON_AGENDA) in {
        None,
        NAME,
        INITIALS,
        DATE,
        NHS_NUMBER,
        UPN,
        REFERENCE,
    }
