"""What the generator's modules share: inserting rows in bulk, one district's people and
places (as ids), and invented names."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, insert

from tas.extensions import db

FIRST = ("Amara", "Ben", "Chloe", "Dev", "Ellie", "Finn", "Grace", "Harvey", "Isla", "Jack")
LAST = ("Ahmed", "Brooks", "Carter", "Dunn", "Evans", "Foster", "Green", "Hughes", "Iqbal", "Jones")
PLACES = ("Ash", "Birch", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Oak", "Rowan", "Willow")


@dataclass
class Unit:
    """One district's people and places, as ids."""

    number: int
    schools: list[int] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    agencies: dict[str, int] = field(default_factory=dict)
    practices: list[int] = field(default_factory=list)
    dsl_of: dict[int, int] = field(default_factory=dict)
    link_worker_of: dict[int, int] = field(default_factory=dict)
    practitioners: dict[str, list[int]] = field(default_factory=dict)
    coordinators: list[int] = field(default_factory=list)
    everyone: list[int] = field(default_factory=list)


def add(table: Table, rows: list[dict]) -> list[int]:
    """Insert the rows (batched by the driver), returning their ids in the rows' order."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def link(table: Table, rows: list[dict]) -> None:
    """Insert rows of a table without ids of its own (who covers which school)."""
    if rows:
        db.session.execute(insert(table), rows)


def first_name(n: int) -> str:
    return FIRST[n % len(FIRST)]


def last_name(n: int) -> str:
    """A surname, double-barrelled past the first ten, so names repeat less."""
    name = LAST[n % len(LAST)]
    return name if n < len(LAST) else f"{name}-{LAST[(n // len(LAST)) % len(LAST)]}"


def place(n: int) -> str:
    name = PLACES[n % len(PLACES)]
    return name if n < len(PLACES) else f"{name} {n // len(PLACES) + 1}"
