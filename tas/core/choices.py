"""A stored code and the words people see for it: every fixed list of the service is made of
these."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """A stored code and the words people see for it."""

    code: str
    label: str


def label(choices: tuple[Choice, ...], code: str | None) -> str:
    """The words for a stored code, or the code itself when it is not known."""
    return next((c.label for c in choices if c.code == code), code or "")
