"""Names are tidied before they are compared or saved: a name that looks like one saved
already is that name (tas.core.fields.tidy_name)."""

import pytest

from tas.core.fields import stripped, tidy_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Wakefield  North", "Wakefield North"),
        (" Wakefield\u00a0North\u3000", "Wakefield North"),
        ("Wakefield\tNorth\n", "Wakefield North"),
        ("New\u200bCluster", "NewCluster"),
        ("\ufeffCastle Aca\u00addemy\u2060", "Castle Academy"),
        ("Jo\u200dhn", "John"),  # a joiner between Latin letters only hides a difference
        ("\u200b \u200b", ""),
        ("Zoë O'Brien-Smith", "Zoë O'Brien-Smith"),
    ],
)
def test_a_name_is_tidied(typed, kept):
    assert tidy_name(typed) == kept


def test_a_joiner_that_shapes_the_letters_of_a_persian_name_stays():
    name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert tidy_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3",  # Sinhala "Sri": the joiner follows a virama (a mark)
        "\u0915\u094d\u200d\u0937",  # Devanagari, joiner after a virama
        "\u0d28\u0d4d\u200d",  # Malayalam chillu: a joiner ends the word
        "\u182e\u1823\u180e\u1829",  # Mongolian, with its vowel separator
    ],
)
def test_names_written_with_joiners_after_a_mark_keep_their_spelling(name):
    assert tidy_name(name) == name


def test_notes_keep_their_line_breaks():
    assert stripped(" First line\n\nSecond  line ") == "First line\n\nSecond  line"
    assert tidy_name(None) is None
