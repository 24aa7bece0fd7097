"""A person's open work as the user page sees it: how many of each kind, never what it is about.

The accounts reach no domain above them (docs/architecture.md), yet the user page shows what a
person still holds, and deactivating someone who holds open work asks first. The domain that
knows what open work is (tas/work/open_work.py) counts it; the app factory hands its count
here when it builds the app (tas/__init__.py), so no account code imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from tas.organisations.models import User

COUNTER = "tas.open_work"  # where the app keeps the count it was given (app.extensions)


@dataclass(frozen=True)
class Held:
    """One kind of open work and how much of it a person holds."""

    kind: str  # "reviews": the audit's key
    label: str  # "Reviews they own": the page's words
    number: int
    reassignable: bool  # moved by reassigning their work (tas/work)


@dataclass(frozen=True)
class OpenWork:
    """A person's open work, kind by kind, in the order the pages list it."""

    kinds: tuple[Held, ...] = ()

    @property
    def total(self) -> int:
        return sum(held.number for held in self.kinds)

    @property
    def reassignable(self) -> int:
        return sum(held.number for held in self.kinds if held.reassignable)

    @property
    def held(self) -> tuple[Held, ...]:
        """The kinds they hold any of."""
        return tuple(held for held in self.kinds if held.number)

    @property
    def numbers(self) -> dict[str, int]:
        """How many of each kind, by kind (for the audit log)."""
        return {held.kind: held.number for held in self.kinds}

    @property
    def seen(self) -> str:
        """The numbers as a page shows them, for its form to send back ("reviews:2,actions:0"):
        confirming is for these numbers, and other numbers are asked about again."""
        return ",".join(f"{held.kind}:{held.number}" for held in self.kinds)


Counter = Callable[[User], OpenWork]


def count_with(app: Flask, counter: Counter) -> None:
    """Count people's open work with `counter` in this app (its factory calls this once)."""
    app.extensions[COUNTER] = counter


def open_work_of(user: User) -> OpenWork:
    """The person's open work now, in a fixed number of queries whatever its size."""
    counter = current_app.extensions.get(COUNTER)
    if counter is None:
        # Never "no work": that would deactivate without asking.
        raise RuntimeError("No count of open work: create_app hands one over (tas/__init__.py)")
    return counter(user)
