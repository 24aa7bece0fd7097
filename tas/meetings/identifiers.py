"""Whether free text names or numbers a child: used before saving an anonymous consultation and
notes for attendees (which go into invitations and calendars). Pure: the children's names and
identifiers are an argument."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SPACES = re.compile(r"\s+")
DIGIT_GAPS = re.compile(r"(?<=\d)[\s-]+(?=\d)")


@dataclass(frozen=True)
class Known:
    """One child's name and identifiers (UPN, NHS number, agency references)."""

    first_name: str
    last_name: str
    identifiers: tuple[str, ...] = ()


def _contains(text: str, words: str) -> bool:
    """Whether `words` appear in `text` as whole words (both already lower case)."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def _squash(value: str) -> str:
    return SPACES.sub(" ", value.lower().strip())


def identifies(text: str, known: Iterable[Known], *, surname_alone: bool = False) -> bool:
    """Whether the text holds the full name (either way round) or an identifier of any of these
    children; with `surname_alone`, the last name on its own counts too."""
    plain = SPACES.sub(" ", text.lower())
    unpunctuated = SPACES.sub(" ", re.sub(r"[^\w\s]", " ", plain))
    numbers = DIGIT_GAPS.sub("", plain)
    for child in known:
        first, last = _squash(child.first_name), _squash(child.last_name)
        # With `surname_alone`, "the school hall" is refused for a child called Hall: a clear
        # message and a reworded note cost less than a surname in a calendar.
        names = [f"{first} {last}", f"{last} {first}"] + ([last] if surname_alone else [])
        if any(_contains(unpunctuated, name) or _contains(plain, name) for name in names if name):
            return True
        for identifier in child.identifiers:
            squashed = DIGIT_GAPS.sub("", _squash(identifier)) if identifier else ""
            if len(squashed) > 1 and (_contains(numbers, squashed) or _contains(plain, squashed)):
                return True
    return False
