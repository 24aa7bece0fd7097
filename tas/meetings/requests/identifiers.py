"""Whether free text names or numbers a child: used before saving notes for attendees and
reasons (which stay in the app), an anonymous consultation (tas.meetings.requests.rules, built on
these), and, most strictly, a meeting's place and online link (the only typed text that reaches
invitations and calendars). Pure: the children's names and identifiers are an argument."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from urllib.parse import unquote_plus

from tas.children.rules import valid_nhs_number

SPACES = re.compile(r"\s+")
DIGIT_GAPS = re.compile(r"(?<=\d)[\s-]+(?=\d)")


@dataclass(frozen=True)
class Known:
    """One child's name and identifiers (UPN, NHS number, agency references)."""

    first_name: str
    last_name: str
    identifiers: tuple[str, ...] = ()
    born: date | None = None


def _contains(text: str, words: str) -> bool:
    """Whether `words` appear in `text` as whole words (both already lower case)."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def _squash(value: str) -> str:
    return SPACES.sub(" ", value.lower().strip())


def identifies(text: str, known: Iterable[Known], *, surname_alone: bool = False) -> bool:
    """Whether the text holds the full name (either way round) or an identifier of any of these
    children; with `surname_alone`, the last name on its own counts too."""
    known = list(known)
    plain = SPACES.sub(" ", text.lower())
    unpunctuated = SPACES.sub(" ", re.sub(r"[^\w\s]", " ", plain))
    for child in known:
        first, last = _squash(child.first_name), _squash(child.last_name)
        # With `surname_alone`, "the school hall" is refused for a child called Hall: a clear
        # message and a reworded note cost less than a surname in a calendar.
        names = [f"{first} {last}", f"{last} {first}"] + ([last] if surname_alone else [])
        if any(_contains(unpunctuated, name) or _contains(plain, name) for name in names if name):
            return True
    return has_identifier(text, known)


def has_identifier(text: str, known: Iterable[Known]) -> bool:
    """Whether the text holds one of these children's identifiers as a whole word (spaces and
    dashes between digits ignored: "485 777 3457")."""
    plain = SPACES.sub(" ", text.lower())
    numbers = DIGIT_GAPS.sub("", plain)
    for child in known:
        for identifier in child.identifiers:
            squashed = DIGIT_GAPS.sub("", _squash(identifier)) if identifier else ""
            if len(squashed) > 1 and (_contains(numbers, squashed) or _contains(plain, squashed)):
                return True
    return False


# ---------------------------------------------------------------- places and online links
#
# The location and the online link are the only typed text that reaches invitations and
# calendars (docs/design.md section 5), so they get the strictest check: any name of a child of the
# school or on the agenda however it is spelt out, and any date, NHS number or UPN whoever it
# belongs to. A coincidence ("Main hall" at a school with a child called Hall) is refused too:
# a saved room or other words cost less than a child's name in someone's calendar.

NAME = "name"
DATE = "date"
NHS_NUMBER = "nhs_number"
UPN = "upn"
REFERENCE = "reference"

WORDS = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "amelia2" is "amelia" "2"
CAMEL_HUMPS = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "KhanFamily" is "Khan Family"
LONGEST_RUN = 12  # tokens joined when looking for a spaced-out name ("A K h a n")
LONGEST_SPELT = 64  # letters of a name spelt out one by one ("A m e l i a K h a n")
SHORTEST_GLUED = 5  # a name form found inside a longer word only from this length
SHORTEST_STEM = 4  # a name this long starting a word counts ("Khans", "ameliak", "khansmeeting")
NHS_SHAPE = re.compile(r"(?<!\d)(\d{3})[ ./-]?(\d{3})[ ./-]?(\d{4})(?!\d)")
UPN_SHAPE = re.compile(r"(?<![^\W_])[a-z]\d{11}[a-z0-9](?![^\W_])", re.IGNORECASE)
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:(\d{1,2})[/.\-\\ ](\d{1,2})[/.\-\\ ](\d{4}|\d{2})"
    r"|(\d{4})[/.\-\\ ](\d{1,2})[/.\-\\ ](\d{1,2}))(?!\d)"
)
COMPACT_DATE = re.compile(r"(?<!\d)(\d{8})(?!\d)")
NUMERIC_MONTH = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{4})(?![\d/.\-])")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
WORDED_MONTH = re.compile(rf"(?<!\w)({_MONTH})\.?[\s\-/.,]*(\d{{4}})(?!\d)", re.IGNORECASE)
WORDED_DATE = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-/.,]*({_MONTH})\.?[\s\-/.,]*(\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?<!\w)({_MONTH})\.?[\s\-/.,]*(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.,]+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)


def folded(text: str) -> str:
    """Lower case without accents, so "Zoë" and "zoe" are the same name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_words(text: str) -> list[str]:
    """The words of the text as names are compared: lower case, accents gone, letters and
    digits apart, "KhanFamily" as two words."""
    return WORDS.findall(folded(CAMEL_HUMPS.sub(" ", text)))


def _name_forms(child: Known) -> tuple[set[str], set[str]]:
    """The ways a child's name can be written, squashed to letters: every form counts as whole
    words (or spaced-out letters); the long ones count inside a longer word too."""
    first_parts, last_parts = name_words(child.first_name), name_words(child.last_name)
    first, last = "".join(first_parts), "".join(last_parts)
    if not first or not last:
        return set(), set()
    long_forms = {first + last, last + first, first[0] + last, last + first[0], first + last[0]}
    # Parts of a double-barrelled or apostrophed name, alone or together ("OBrien", "Walsh").
    parts = {part for part in _runs(first_parts) | _runs(last_parts) if len(part) >= 3}
    whole = {first, last, *parts, *long_forms}
    glued = {form for form in long_forms if len(form) >= SHORTEST_GLUED}
    return whole, glued


def _runs(words: list[str]) -> set[str]:
    """Every run of consecutive words joined together: "a k h a n" gives "akhan" and "khan"."""
    found = set()
    for start in range(len(words)):
        joined = ""
        for word in words[start : start + LONGEST_RUN]:
            joined += word
            found.add(joined)
    return found


def _real_date(day: int, month: int, year: int) -> bool:
    if year < 100:
        year += 2000
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _has_date(text: str) -> bool:
    for match in NUMERIC_DATE.finditer(text):
        d, m, y, iso_y, iso_m, iso_d = match.groups()
        if (d and _real_date(int(d), int(m), int(y))) or (
            iso_y and _real_date(int(iso_d), int(iso_m), int(iso_y))
        ):
            return True
    for match in COMPACT_DATE.finditer(text):
        digits = match.group(1)
        year_first = (int(digits[6:]), int(digits[4:6]), int(digits[:4]))
        day_first = (int(digits[:2]), int(digits[2:4]), int(digits[4:]))
        if any(
            1900 <= parts[2] <= 2099 and _real_date(*parts) for parts in (year_first, day_first)
        ):
            return True
    for match in WORDED_DATE.finditer(text):
        d, month, y, month_first, d2, y2 = match.groups()
        if month and _real_date(int(d), MONTHS[month.lower()], int(y)):
            return True
        if month_first and _real_date(int(d2), MONTHS[month_first.lower()], int(y2)):
            return True
    return False


def _months_named(text: str) -> set[tuple[int, int]]:
    """Every month and year in the text without a day ("Aug 2017", "08/2017")."""
    found = {(int(y), int(m)) for m, y in NUMERIC_MONTH.findall(text) if 1 <= int(m) <= 12}
    return found | {(int(y), MONTHS[m.lower()]) for m, y in WORDED_MONTH.findall(text)}


def _initials_typed(words: list[str]) -> set[str]:
    """Initials written as such: two letters standing alone side by side ("M.H.", "M H")."""
    return {
        first + second
        for first, second in pairwise(words)
        if len(first) == len(second) == 1 and first.isalpha() and second.isalpha()
    }


def _has_nhs_number(text: str) -> bool:
    return any(valid_nhs_number("".join(match.groups())) for match in NHS_SHAPE.finditer(text))


def numbers_in(text: str, known: list[Known]) -> str | None:
    """Any date, NHS number or UPN, whoever's, or the month and year one of these children was
    born ("Aug 2017", "08/2017")."""
    if _has_date(text):
        return DATE
    if _has_nhs_number(text):
        return NHS_NUMBER
    if UPN_SHAPE.search(text):
        return UPN
    if _months_named(text) & {(child.born.year, child.born.month) for child in known if child.born}:
        return DATE
    return None


def what_identifies(text: str, known: Iterable[Known], *, any_numbers: bool = True) -> str | None:
    """What in a place or online link could identify a child, or None: a name of one of these
    children (full name either way round, surname or first name alone, with an initial, their
    initials written as initials, in the plural, starting a longer word, with spaces, dots,
    dashes and capitals ignored), one of their reference numbers, or (unless `any_numbers` is
    False, for prose that may well hold a date) any date, NHS number or UPN, whoever's, and the
    month and year one of them was born."""
    if not text:
        return None
    text = f"{text} {unquote_plus(text)}"  # "amelia%20khan" in a link is "amelia khan"
    known = list(known)
    found = numbers_in(text, known) if any_numbers else None
    if found:
        return found
    words = name_words(text)
    squashed = "".join(words)
    starts = _word_starts(words)
    runs = _runs(words)
    initials = _initials_typed(words)
    whole: set[str] = set()
    glued: set[str] = set()
    for child in known:
        first, last = "".join(name_words(child.first_name)), "".join(name_words(child.last_name))
        if first and last and first[0] + last[0] in initials:
            return NAME
        child_whole, child_glued = _name_forms(child)
        whole |= child_whole
        glued |= child_glued
        for identifier in child.identifiers:
            letters = "".join(name_words(identifier))
            if len(letters) >= 4 and letters in squashed:
                return REFERENCE
    stems = {form for form in whole if len(form) >= SHORTEST_STEM}
    plurals = {f"{form}{ending}" for form in whole for ending in ("s", "es")}
    if runs & (whole | plurals) or starts & stems or any(form in squashed for form in glued):
        return NAME
    return None


def _word_starts(words: list[str]) -> set[str]:
    """The beginnings of every word, and of every run of spaced-out letters ("K h a n s" gives
    "khans", "khan"...): a name that starts a word counts, however the word goes on."""
    pieces, letters = list(words), ""
    for word in [*words, ""]:
        if len(word) == 1:
            letters += word
            continue
        # A name spelt out is at most LONGEST_SPELT letters: longer runs are cut, so text of
        # single letters costs in proportion to its length, never its cube.
        pieces += [letters[start : start + LONGEST_SPELT] for start in range(len(letters))]
        letters = ""
    return {piece[:end] for piece in pieces for end in range(SHORTEST_STEM, len(piece) + 1)}
