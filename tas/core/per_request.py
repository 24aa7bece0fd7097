"""Something built once per request: the SQL conditions of a person's access, asked for by
several queries of one page. Each building is a few hundred SQL elements; the conditions are
SQL, run when queried, so what they read (schools, grants, invitations) is read afresh each
time. Outside a request (the scheduler, a command) it is built every time."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import g, has_request_context

T = TypeVar("T")

# What an access condition may depend on of the person it is for: a change to any of them
# within the request (an administrator changing their own role) builds it afresh.
PERSON = ("id", "role", "active", "school_id", "agency_id", "district_wide", "is_safeguarding_lead")


def person(user: Any) -> tuple:
    """The person as access conditions see them."""
    return tuple(getattr(user, name) for name in PERSON)


def once(name: str, key: Hashable, build: Callable[[], T]) -> T:
    """What `build` makes for `key`, made once in this request (every time outside one)."""
    if not has_request_context():
        return build()
    made = g.setdefault(f"built_once_{name}", {})
    if key not in made:
        made[key] = build()
    return made[key]
