"""Small factories: the least a test needs, with sensible defaults it can override."""

from __future__ import annotations

import itertools
from datetime import date

from tas.auth.passwords import hash_password
from tas.extensions import db
from tas.organisations.models import Agency, Cluster, School, User

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def cluster(**fields) -> Cluster:
    n = next(_numbers)
    row = Cluster(**{"name": f"Cluster {n}", **fields})
    db.session.add(row)
    return row


def school(**fields) -> School:
    n = next(_numbers)
    # Far from the URNs tests type themselves (100123, 100456): a process's 123rd number met a
    # test's own school with URN 100123 and failed it, depending on which tests ran first.
    defaults = {"name": f"School {n}", "urn": f"{500000 + n}", "phase": "primary"}
    if "cluster" not in fields and "cluster_id" not in fields:
        defaults["cluster"] = cluster()
    row = School(**{**defaults, **fields})
    db.session.add(row)
    return row


def agency(**fields) -> Agency:
    n = next(_numbers)
    defaults = {
        "name": f"Agency {n}",
        "service_type": "future_in_mind",
        "contact_email": f"agency{n}@agency.example.org",
    }
    row = Agency(**{**defaults, **fields})
    db.session.add(row)
    return row


def user(role: str = "dsl", password: str | None = PASSWORD, **fields) -> User:
    """A user of the role, belonging where that role must belong."""
    n = next(_numbers)
    defaults: dict = {"name": f"Person {n}", "email": f"person{n}@example.org", "role": role}
    if role in ("dsl", "school_staff") and "school" not in fields:
        defaults["school"] = school()
    if role in ("practitioner", "link_worker") and "agency" not in fields:
        defaults["agency"] = agency(
            service_type="early_help" if role == "link_worker" else "future_in_mind"
        )
    if role == "gp" and "agency" not in fields:
        defaults["agency"] = agency(service_type="gp_practice", ods_code=f"B{10000 + n}")
    if role == "link_worker" and "linked_schools" not in fields:
        defaults["linked_schools"] = [school()]
    if role == "coordinator" and "clusters" not in fields:
        defaults["district_wide"] = True
    row = User(**{**defaults, **fields})
    if password:
        row.password_hash = hash_password(password)
    db.session.add(row)
    return row


def child(**fields):
    """A child at a school (a new one unless given), born in 2016."""
    from datetime import date

    from tas.children.models import Child

    n = next(_numbers)
    defaults: dict = {
        "first_name": f"Child{n}",
        "last_name": f"Family{n}",
        "date_of_birth": date(2016, 5, 1),
    }
    if "school" not in fields and "school_id" not in fields:
        defaults["school"] = school()
    row = Child(**{**defaults, **fields})
    db.session.add(row)
    return row


def family_member(child, **fields):
    from tas.children.models import FamilyMember

    n = next(_numbers)
    defaults = {
        "name": f"Parent {n}",
        "relationship_to_child": "Mother",
        "parental_responsibility": True,
        "lives_with_child": True,
    }
    row = FamilyMember(child_id=child.id, **{**defaults, **fields})
    db.session.add(row)
    return row


def agreement(child, asked_by, **fields):
    """A current agreement by a parent with parental responsibility (made if not given)."""
    from datetime import date

    from tas.children.models import Agreement

    if "agreed_by" not in fields:
        db.session.flush()
        fields["agreed_by"] = family_member(child)
    defaults = {
        "agreed_on": date(2026, 9, 1),
        "information_covered": "Attendance and wellbeing",
        "family_told_what_and_why": True,
        "privacy_notice_given": True,
    }
    row = Agreement(child_id=child.id, asked_by=asked_by, **{**defaults, **fields})
    db.session.add(row)
    return row


def plan(child, **fields):
    from datetime import date

    from tas.plans.models import SharedPlan

    row = SharedPlan(child=child, **{"started_on": date(2026, 9, 8), **fields})
    db.session.add(row)
    return row


def involvement(plan, **fields):
    """An active involvement of an agency (new unless given) on the plan."""
    from tas.plans.models import AgencyInvolvement

    if "agency" not in fields and "agency_id" not in fields:
        fields["agency"] = agency()
    defaults = {"service": "Wellbeing sessions", "status": "active"}
    row = AgencyInvolvement(plan=plan, **{**defaults, **fields})
    db.session.add(row)
    return row


def action(plan, **fields):
    from tas.plans.models import Action

    defaults = {
        "description": "Book a wellbeing session",
        "owner_kind": "agency",
        "status": "not_started",
    }
    row = Action(plan_id=plan.id, **{**defaults, **fields})
    db.session.add(row)
    return row


def meeting(school, organiser, **fields):
    """A scheduled TAS meeting at the school, 09:00-10:30 London time on 2 December 2026 unless
    given (`starts_at`/`ends_at` are UTC)."""
    from datetime import UTC, datetime

    from tas.meetings.models import Meeting

    defaults = {
        "kind": "tas",
        "status": "scheduled",
        "starts_at": datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 2, 10, 30, tzinfo=UTC),
        "location": "Meeting room 1",
    }
    row = Meeting(school=school, organiser=organiser, **{**defaults, **fields})
    db.session.add(row)
    return row


def invitation(meeting, invited_by, **fields):
    """An invitation of an agency (new unless given or a representative is named)."""
    from tas.meetings.models import Invitation

    if not {"agency", "agency_id", "representative"} & fields.keys():
        fields["agency"] = agency()
    row = Invitation(meeting=meeting, invited_by_id=invited_by.id, **fields)
    db.session.add(row)
    return row


def agenda_item(meeting, child, added_by, **fields):
    """A child on the meeting's agenda (the child needs a current agreement for most uses)."""
    from tas.meetings.models import AgendaItem

    defaults = {"reason": "Worries about attendance and low mood", "position": 1}
    row = AgendaItem(
        meeting=meeting,
        child_id=child.id if child is not None else None,
        added_by_id=added_by.id,
        **{**defaults, **fields},
    )
    db.session.add(row)
    return row


def term(**fields):
    """A school term (autumn 2026 unless given)."""
    from datetime import date

    from tas.meetings.models import Term

    defaults = {
        "academic_year": 2026,
        "name": "autumn",
        "starts_on": date(2026, 9, 3),
        "ends_on": date(2026, 12, 18),
    }
    row = Term(**{**defaults, **fields})
    db.session.add(row)
    return row


def tas_request(child, requested_by, **fields):
    """A request by school staff to discuss the child, awaiting triage."""
    from tas.meetings.models import TasRequest

    defaults = {
        "reason": "Low mood and missed days",
        "already_tried": "Pastoral check-ins",
        "child_views": "Would like someone to talk to",
    }
    row = TasRequest(
        child_id=child.id,
        school_id=child.school_id if child.school_id else child.school.id,
        requested_by_id=requested_by.id,
        **{**defaults, **fields},
    )
    db.session.add(row)
    return row


def referral(child, referred_by, **fields):
    """A referral to the IFD on 23 November 2026 (MARF ref M-1), awaiting the decision
    (flush first: it needs the ids)."""
    from tas.reviews.models import IfdReferral

    defaults = {
        "referred_on": date(2026, 11, 23),
        "consultation_on": date(2026, 11, 23),
        "marf_reference": "M-1",
        "referred_by_id": referred_by.id,
        "recorded_by_id": referred_by.id,
    }
    row = IfdReferral(child_id=child.id, **{**defaults, **fields})
    db.session.add(row)
    return row


def step_change(child, recorded_by, **fields):
    """A step down from Social Care to Early Help on 23 November 2026."""
    from tas.levels.models import StepChange

    defaults = {
        "kind": "step_down",
        "from_level": "social_care",
        "to_level": "early_help",
        "changed_on": date(2026, 11, 23),
        "reason": "Assessment closed",
        "decided_by": "Children's Social Care",
        "recorded_by_id": recorded_by.id,
    }
    row = StepChange(child_id=child.id, **{**defaults, **fields})
    db.session.add(row)
    return row


def review(child, **fields):
    """An open plan review of the child, due on 4 December 2026 (owner none unless given)."""
    from tas.reviews.models import Review

    defaults = {"kind": "plan_review", "due_on": date(2026, 12, 4), "status": "open"}
    row = Review(child_id=child.id, **{**defaults, **fields})
    db.session.add(row)
    return row
