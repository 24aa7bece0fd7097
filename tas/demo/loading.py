"""Demo data: a small partnership to try the service with, as plain tables (tas.demo.data)
made real through the use cases by the loaders beside this module. Idempotent; never in
production. At a larger `scale` the tables are loaded again as copies with distinct names
(tas.demo.copies), for tests of how the pages scale."""

from __future__ import annotations

from sqlalchemy import select

from tas.auth.factors import services as second_factors
from tas.demo import children, chronology, meetings, partnership, reviews, voice
from tas.demo.copies import copies
from tas.demo.counting import counted
from tas.demo.data.partnership import ACCOUNTS, DEMO_PASSWORD, WAIVER
from tas.extensions import db
from tas.organisations.models import User

__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "database_is_empty", "load"]


def load(scale: int = 1) -> dict[str, int]:
    """Create whatever part of the demo partnership (`scale` copies of it) is missing; return
    how many rows of each kind were added."""
    added: dict[str, int] = {}

    def load_all() -> None:
        for copy in copies(scale):
            # The meetings add actions to the plans too.
            for loader in (
                partnership.load,
                children.load,
                meetings.load,
                reviews.load,
                voice.load,
                chronology.load,
            ):
                for kind, count in loader(copy).items():
                    added[kind] = added.get(kind, 0) + count

    # Nothing else writes while the demo loads: the rows it has read stay as they are across
    # the use cases' commits, rather than each being read back after every commit.
    session = db.session()
    session.expire_on_commit = False
    try:
        # Plans open reviews and record step changes too, so these are counted for the whole.
        added.update(counted(reviews.KINDS, load_all))
    finally:
        session.expire_on_commit = True
        session.expire_all()
    return added


def waive_second_factors_if_demo() -> bool:
    """On a database the demo was loaded into before second factors came (issue 16), note the
    demo's waiver, as loading it now would; True when it was added. A database without the
    demo's administrator is left alone."""
    admin = ACCOUNTS[0][0]  # the demo's administrator's email address
    if db.session.scalar(select(User.id).where(User.email == admin)) is None:
        return False
    if not second_factors.waive(WAIVER):
        return False
    db.session.commit()
    return True


def database_is_empty() -> bool:
    """True before anyone (demo or real) has been added."""
    return db.session.scalar(select(User.id).limit(1)) is None
