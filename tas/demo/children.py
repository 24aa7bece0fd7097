"""Loads the demo children (tas.demo.data.children) through the children's use cases: each child
added by someone who may add a child at their school, who they live with, their family, the
family's agreement, their shared plans (tas.demo.plans) and their sibling; a withdrawn agreement
is withdrawn once the plan is there, as nothing may be added after. Loaded once per copy: if the
copy's first child's NHS number is there, nothing is added.

Written directly: the children at Meadow Lane Primary and Riverside High School. A child is added
by their school's DSL or a link worker linked to it (tas.children.services.schools_for_adding),
and no demo account works there: these are the children the Oakfield DSL and the link worker
must not see. They are written as add_child writes them; all else about them goes through the
use cases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tas.audit.services import record
from tas.children import services as children
from tas.children.agreements import services as agreements
from tas.children.family import services as family_services
from tas.children.models import Agreement, Child, FamilyMember, SiblingLink
from tas.core.clock import local, utcnow
from tas.demo import plans
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.children import AGREEMENT_COVERS, CASTLE, CHILDREN, EARLY_HELP, nhs_numbers
from tas.demo.data.partnership import LEE
from tas.demo.history import backdate
from tas.demo.partnership import by_name
from tas.extensions import db
from tas.organisations.models import Agency, School, User

__all__ = ["CASTLE", "CHILDREN", "children_of", "load", "nhs_numbers"]  # the browser tests' too

KINDS = {
    "children": Child,
    "family members": FamilyMember,
    "sibling links": SiblingLink,
    "agreements": Agreement,
    **plans.KINDS,
}


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add this copy's children unless they are there; return how many rows of each were added."""
    numbers = copy.nhs_numbers()
    if db.session.scalar(select(Child.id).where(Child.nhs_number == numbers[0])):
        return dict.fromkeys(KINDS, 0)
    return counted(KINDS, lambda: _Loader(copy).run(numbers))


def children_of(copy: Copy = THE_DEMO) -> dict[str, Child]:
    """The copy's children that are loaded, by their full name in CHILDREN."""
    numbers = copy.nhs_numbers()
    found = {
        child.nhs_number: child
        for child in db.session.scalars(select(Child).where(Child.nhs_number.in_(numbers)))
    }
    return {
        " ".join(spec["name"]): found[number]
        for spec, number in zip(CHILDREN, numbers, strict=True)
        if number in found
    }


class _Loader:
    def __init__(self, copy: Copy):
        self.copy = copy
        self.today = local(utcnow()).date()  # the partnership's day, in London
        self.schools: dict[str, School] = by_name(School)
        self.agencies: dict[str, Agency] = by_name(Agency)
        self.users = {u.email: u for u in db.session.scalars(select(User).order_by(User.id))}
        self.lee = self.users[LEE]
        self.plans = plans.Loader(self.today, self.agencies, self.users)

    def day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def run(self, numbers: list[str]) -> None:
        added: dict[str, Child] = {}
        for spec, number in zip(CHILDREN, numbers, strict=True):
            added[spec["name"][0]] = child = self.child(spec, number)
            if "sibling_of" in spec:
                family_services.link_sibling(child, added[spec["sibling_of"]])

    def adder(self, school: School) -> User | None:
        """The school's DSL, else a link worker linked to it: who adds its children."""
        return next(
            (user for user in self.users.values() if school in children.schools_for_adding(user)),
            None,
        )

    def child(self, spec: dict, number: str) -> Child:
        years, months = spec["age"]
        school = self.schools[spec["school"]]
        values = {
            "first_name": spec["name"][0],
            "last_name": self.copy.name(spec["name"][1]),
            "date_of_birth": self.day(-(years * 365 + years // 4 + months * 30 + 3)),
            "school_id": school.id,
            "nhs_number": number,
            "gp_practice_id": self.agencies[spec["gp"]].id if spec["gp"] else None,
            "preferred_language": spec.get("language"),
        }
        adder = self.adder(school)
        child = children.add_child(adder, values) if adder else self.written(values)
        family_services.change_lives_with(child, child.version, {"lives_with": spec["lives_with"]})
        family = [
            family_services.add_member(
                adder or self.lee,
                child,
                {
                    "name": self.copy.name(name),
                    "relationship_to_child": relationship,
                    "parental_responsibility": responsible,
                    "lives_with_child": lives_with,
                    "contact": contact,
                    "safe_contact_warning": warning,
                },
            )
            for name, relationship, responsible, lives_with, contact, warning in spec["family"]
        ]
        agreement = None
        if spec.get("agreed", True):
            parent = next(member for member in family if member.parental_responsibility)
            agreement = self.agreement(child, spec, parent)
        self.plans.build(child, spec, family, agreement)
        if "withdrawn" in spec:
            self.withdraw(child, **spec["withdrawn"])
        return child

    def written(self, values: dict) -> Child:
        """A child no demo account may add (see above), as add_child writes one."""
        child = Child(**values, originating_school_id=values["school_id"])
        db.session.add(child)
        db.session.flush()
        record("child_added", target=child, detail={"school_id": child.school_id})
        db.session.commit()
        return child

    def agreement(self, child: Child, spec: dict, parent: FamilyMember) -> Agreement:
        """Asked by the link worker, from Early Help, three days before the plan started (five
        before an earlier plan; 23 days ago without a plan)."""
        plan = spec.get("closed_plan") or spec.get("plan", {})
        ahead = 5 if "closed_plan" in spec else 3
        covered = {EARLY_HELP} | {row[0] for row in spec.get("plan", {}).get("involvements", [])}
        return agreements.record_agreement(
            child,
            self.lee,
            {
                "agreed_by_id": parent.id,
                "agreed_on": self.day(-plan.get("started", 20) - ahead),
                "young_person_view": spec.get("view"),
                "young_person_competent": True if spec.get("view") else None,
                "agency_ids": sorted(self.agencies[name].id for name in covered),
                "information_covered": AGREEMENT_COVERS,
                "family_told_what_and_why": True,
                "privacy_notice_given": True,
                "originating_agency_id": self.agencies[EARLY_HELP].id,
                "originating_school_id": None,
            },
        )

    def withdraw(self, child: Child, days_ago: int, note: str) -> None:
        withdrawn = agreements.withdraw_agreement(
            child, self.lee, {"withdrawn_on": self.day(-days_ago), "withdrawal_note": note}
        )
        for row in withdrawn:
            backdate(row, withdrawn_recorded_at=utcnow() - timedelta(days=days_ago))
