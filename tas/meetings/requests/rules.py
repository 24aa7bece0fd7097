"""What in an anonymous consultation could identify a child. Pure: the children's names and
identifiers are an argument (tas.meetings.requests.consultations loads them).

An anonymous consultation (its situation and its minutes) is read by every agency invited to the
meeting, whatever any family agreed, so it must not identify a child at all (docs/security.md
I33). Its text is prose, checked against every child of the school and of the agenda: a first
name alone counts, but ordinary words are not refused for a child's surname ("a younger brother"
where a child is called Young) or for initials they are not written as ("a B&B", "A&E", "e.g.").
A child on the agenda is looked for as the meeting's notes for attendees look for them, the same
rule (`what_identifies`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tas.meetings.requests.identifiers import (
    LONGEST_RUN,
    NAME,
    REFERENCE,
    Known,
    folded,
    has_identifier,
    name_words,
    numbers_in,
    what_identifies,
)

INITIALS = "initials"

# Two letters standing alone side by side, and what follows the second: "A.K.", "A. K", "M H".
# Each pair is found, overlapping ones too ("A B C" gives AB and BC).
TWO_LETTERS = re.compile(r"(?<![^\W\d_])([^\W\d_])(?=(\.\s*|\s+)([^\W\d_])(?![^\W\d_])(\.?))")
# A letter standing alone and the word after it: "A. Okafor", "A Okafor".
LETTER_AND_WORD = re.compile(r"(?<![^\W\d_])([^\W\d_])(?![^\W\d_])(\.?)\s*(?=([^\W\d_]+))")
# A surname written as a family's: after a title ("Mrs Khan", "Mr. Hughes"), or capitalised
# before a word for the family ("the Khan family"; "a young family" is not the Youngs).
TITLED = re.compile(r"(?<![^\W_])(?:mr|mrs|ms|miss|mx)\.?\s+([^\W\d_][\w'’-]*)", re.IGNORECASE)
FAMILY = re.compile(
    r"(?<![^\W_])([^\W\d_][\w'’-]*)\s+(?=(?:family|families|household|twins|siblings|children"
    r"|kids|boys|girls|brothers|sisters)(?!\w))"
)
# Two letters with dots that are an abbreviation in lower case, not someone's initials.
ABBREVIATIONS = frozenset({"eg", "ie", "am", "pm", "nb", "ps", "cf"})
# First names that are everyday words too. Alone, they count only written as a name, with a
# capital ("Will said", not "mum will"): a school of hundreds has a Will, a Grace and a May, and
# every consultation would be refused. In full, or with an initial, they always count.
# fmt: off
WORD_NAMES = frozenset({
    "will", "may", "hope", "grace", "joy", "faith", "mercy", "charity", "patience", "honour",
    "honor", "harmony", "liberty", "destiny", "blessing", "precious", "comfort", "peace",
    "praise", "trust", "favour", "treasure", "mark", "bill", "pat", "sue", "don", "rob", "nick",
    "frank", "drew", "miles", "chase", "hunter", "dean", "earl", "reed", "wade", "grant", "page",
    "sage", "art", "guy", "rich", "ray", "jack", "kit", "max", "bob", "sandy", "penny", "dawn",
    "eve", "summer", "autumn", "april", "june", "august", "storm", "sunny", "sky", "river",
    "brook", "dale", "glen", "cliff", "rose", "lily", "ivy", "holly", "poppy", "daisy", "hazel",
    "heather", "willow", "rowan", "robin", "wren", "ruby", "amber", "jade", "pearl", "crystal",
    "star",
})
# fmt: on


def _initials_written(text: str) -> set[str]:
    """Initials written as initials in prose: two letters standing alone side by side, both
    capitals with a dot or a space between ("A.K.", "M H"), or each with its dot ("a.k."), but
    for an abbreviation ("e.g.", "a.m."). An article before a letter ("a B grade") is not
    initials, nor are letters joined otherwise ("A&E", "a B&B", "T-shirt"), nor two capitals
    written as a word ("MH", "PE": docs/security.md I33)."""
    found = set()
    for first, gap, second, dot in TWO_LETTERS.findall(text):
        pair = folded(first + second)
        if (first.isupper() and second.isupper()) or (
            "." in gap and dot and pair not in ABBREVIATIONS
        ):
            found.add(pair)
    return found


def _initial_and_surname(text: str) -> set[str]:
    """Each letter standing alone with the word after it ("a okafor"), where they are written
    as an initial and a surname: with a dot ("A. Okafor"), or a capital before a capitalised
    word ("A Okafor"); "a young person" and "A little worried" are not "A. Young" or "A. Little"."""
    return {
        f"{folded(letter)} {folded(word)}"
        for letter, dot, word in LETTER_AND_WORD.findall(text)
        if dot or (letter.isupper() and word[0].isupper())
    }


def _family_names(text: str) -> set[str]:
    """Words written as a family's surname ("Mrs Khan", "the Khan family"), squashed."""
    titled = TITLED.findall(text)
    families = [word for word in FAMILY.findall(text) if word[0].isupper()]
    return {"".join(name_words(word)) for word in [*titled, *families]}


def _written_names(first: tuple[str, ...], last: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A child's name as prose writes it, in words: in full either way round, or the first name
    alone, and each part of a double first name ("Mary Ann", "Mary-Jane") of three letters or
    more on its own."""
    parts = {(part,) for part in first if len(first) > 1 and len(part) >= 3}
    return {first + last, last + first, first, *parts}


def _only_as_a_word(first: tuple[str, ...], last: tuple[str, ...], text: str) -> bool:
    """Whether the only way the text holds this name is a first name that is also an everyday
    word (`WORD_NAMES`) written in small letters ("mum will not engage")."""
    if len(first) != 1 or first[0] not in WORD_NAMES:
        return False
    words = name_words(text)
    if _phrases(words, len(first) + len(last)) & {first + last, last + first}:
        return False
    capitalised = re.compile(rf"(?<![^\W\d_]){re.escape(first[0].capitalize())}(?![^\W\d_])")
    return capitalised.search(text) is None


def _phrases(words: list[str], longest: int) -> set[tuple[str, ...]]:
    """Every run of up to `longest` consecutive words, to look names up in at once."""
    return {
        tuple(words[at : at + size])
        for size in range(1, min(longest, LONGEST_RUN) + 1)
        for at in range(len(words) - size + 1)
    }


def what_identifies_anonymously(
    text: str, known: Iterable[Known], on_agenda: Iterable[Known] = ()
) -> str | None:
    """What in prose that must not identify a child at all could, or None: any date, NHS number
    or UPN, whoever's (a date of birth with a first name is as good as a name), or the month
    and year one of these children was born; their reference numbers; their full name either
    way round, first name alone (the same word in any case), an initial and surname written as
    such ("A. Okafor"), or their initials written as initials ("A.K."). A child on the meeting's
    agenda is looked for as the meeting's notes for attendees look for them (`what_identifies`:
    a surname alone, a plural, a name spelt out), since the consultation is at least as widely
    read as the notes."""
    if not text:
        return None
    on_agenda = list(on_agenda)
    everyone = [*known, *on_agenda]
    found = numbers_in(text, everyone)
    if found:
        return found
    if has_identifier(text, everyone):
        return REFERENCE
    found = what_identifies(text, on_agenda, any_numbers=False)
    if found:
        return found
    names = [
        (tuple(name_words(child.first_name)), tuple(name_words(child.last_name)))
        for child in everyone
    ]
    names = [(first, last) for first, last in names if first and last]
    phrases = _phrases(name_words(text), max((len(a) + len(b) for a, b in names), default=0))
    written, initialled = _initials_written(text), _initial_and_surname(text)
    surnames = _family_names(text)
    for first, last in names:
        initial = first[0][0]
        if _written_names(first, last) & phrases and not _only_as_a_word(first, last, text):
            return NAME
        if {f"{initial} {''.join(last)}", f"{initial} {last[0]}"} & initialled:
            return NAME
        if "".join(last) in surnames:
            return NAME
        if initial + last[0][0] in written:
            return INITIALS
    return None
