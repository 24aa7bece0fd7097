"""The records of one generated district (tas/benchmark/district.py): children with their
families' agreements, shared plans with involvements, reviews and outcomes scored at each
review, a year of meetings with invitations and agendas, a year of reminders with the emails
that carried them, and audit rows. Invented names only; NHS numbers in the test range."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tas.audit.models import AuditEvent
from tas.benchmark.rows import Unit, add, first_name, last_name
from tas.children.models import Agreement, Child, FamilyMember
from tas.demo.data.children import NHS_TEST_RANGE, nhs_numbers
from tas.extensions import db
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.outbox.models import OutboxMessage
from tas.plans.models import AgencyInvolvement, Outcome, OutcomeScore, SharedPlan
from tas.plans.outcomes import periods
from tas.plans.rules import plan_reference
from tas.reminders.models import Reminder
from tas.reviews.models import Review

CHILDREN, OPEN_PLANS, MEETINGS = 3000, 1200, 650
AGREED = 0.9  # the share of children whose family's agreement stands
NAMED_ON = 40  # each agency's busiest practitioner is named on this many children
INVITED, ON_AGENDA = 5, 3  # per meeting
AUDIT_PER_CHILD = 20
PAST_REVIEWS = 2  # completed plan reviews per plan, in the year before
OUTCOMES = 2  # per plan, each scored when the plan started and at each review since
IMPROVING = 0.85  # the share of plans whose scores rise; the rest stay where they began
REMINDERS = (("before_5", 7), ("before_1", 1), ("due", 0))  # kind, days before the due day


def nhs_start(number: int) -> int:
    """Where district `number`'s NHS numbers start: after the demo's, 5,000 apart (room for a
    district's children and the numbers with no check digit), so 170 districts fit in the
    test range's million."""
    return NHS_TEST_RANGE + 50_000 + (number - 1) * 5_000


def fill(unit: Unit, fraction: float, chance, today: date) -> dict[str, int]:
    children, agreed = _children(unit, max(1, round(CHILDREN * fraction)), chance, today)
    plans = _plans(unit, agreed, max(1, round(OPEN_PLANS * fraction)), chance, today)
    reviews = _reviews(plans, today)
    scores = _outcomes(plans, reviews, chance, today)
    meetings = _meetings(unit, agreed, max(1, round(MEETINGS * fraction)), chance, today)
    return {
        "children": len(children),
        "open plans": len(plans),
        "reviews": len(reviews),
        "outcome scores": scores,
        "meetings": meetings,
        "reminders": _reminders(reviews, today),
        "audit rows": _audit(unit, children, chance, today),
    }


def _children(unit: Unit, count: int, chance, today: date):
    """The children, spread over the schools; (every child, the agreed ones) as
    (id, school id) pairs."""
    numbers = nhs_numbers(count, start=nhs_start(unit.number))
    rows = []
    for n in range(count):
        school = unit.schools[n % len(unit.schools)]
        rows.append(
            {
                "first_name": first_name(n + 3),
                "last_name": last_name(n),
                "date_of_birth": today - timedelta(days=chance.randint(4 * 365, 16 * 365)),
                "school_id": school,
                "nhs_number": numbers[n],
                "gp_practice_id": chance.choice(unit.practices),
            }
        )
    ids = add(Child.__table__, rows)
    children = [(child, row["school_id"]) for child, row in zip(ids, rows, strict=True)]
    parents = add(
        FamilyMember.__table__,
        [
            {
                "child_id": child,
                "name": f"{first_name(n + 5)} {last_name(n)}",
                "relationship_to_child": ("Mother", "Father")[n % 2],
                "parental_responsibility": True,
            }
            for n, (child, _school) in enumerate(children)
        ],
    )
    agreed = [pair for pair in children if chance.random() < AGREED]
    parent_of = dict(zip(ids, parents, strict=True))
    add(
        Agreement.__table__,
        [
            {
                "child_id": child,
                "agreed_by_id": parent_of[child],
                "agreed_on": today - timedelta(days=chance.randint(30, 400)),
                "asked_by_id": unit.dsl_of[school],
                "information_covered": "What is discussed at TAS meetings and in the plan",
                "family_told_what_and_why": True,
                "privacy_notice_given": True,
            }
            for child, school in agreed
        ],
    )
    return children, agreed


def _plans(unit: Unit, agreed, count: int, chance, today: date) -> list[dict]:
    """Open shared plans for some of the agreed children, each with one to three agencies'
    involvements; each agency's second practitioner carries the heaviest caseload."""
    chosen = chance.sample(agreed, min(count, len(agreed)))
    rows = []
    for child, school in chosen:
        practitioners = unit.practitioners[chance.choice(list(unit.practitioners))]
        lead = unit.link_worker_of[school] if chance.random() < 0.7 else practitioners[-1]
        rows.append(
            {
                "child_id": child,
                "status": "open",
                "lead_practitioner_id": lead,
                "level_of_need": chance.choice(("early_help", "targeted_early_help")),
                "started_on": today - timedelta(days=chance.randint(30, 500)),
                "next_review_on": today + timedelta(days=chance.randint(-20, 90)),
            }
        )
    ids = add(SharedPlan.__table__, rows)
    named = {kind: 0 for kind in unit.practitioners}
    involvements = []
    for plan, row in zip(ids, rows, strict=True):
        row["id"] = plan
        for kind in chance.sample(list(unit.agencies), chance.randint(1, 3)):
            staff = unit.practitioners[kind]
            if named[kind] < NAMED_ON and len(staff) > 1:
                practitioner = staff[1]
                named[kind] += 1
            else:  # anyone else of the agency, or (None) the agency as a whole
                practitioner = chance.choice([staff[0], *staff[2:], None])
            involvements.append(
                {
                    "plan_id": plan,
                    "agency_id": unit.agencies[kind],
                    "practitioner_id": practitioner,
                    "service": "Support agreed at the TAS meeting",
                    "started_on": row["started_on"],
                    "status": "active",
                }
            )
    add(AgencyInvolvement.__table__, involvements)
    return rows


def _reviews(plans: list[dict], today: date) -> list[dict]:
    """Each plan's open review, and the reviews completed in the year before it."""
    rows = []
    for plan in plans:
        for back in range(PAST_REVIEWS, -1, -1):
            due = plan["next_review_on"] - timedelta(weeks=12 * back)
            rows.append(
                {
                    "kind": "plan_review",
                    "child_id": plan["child_id"],
                    "plan_id": plan["id"],
                    "due_on": due,
                    "owner_id": plan["lead_practitioner_id"],
                    "status": "completed" if back else "open",
                    "completed_on": due if back else None,
                }
            )
    for review, review_id in zip(rows, add(Review.__table__, rows), strict=True):
        review["id"] = review_id
    return rows


def _outcomes(plans: list[dict], reviews: list[dict], chance, today: date) -> int:
    """Each plan's outcomes, scored 0-10 when the plan started and at each review completed
    since: most rise a point or two at a review, some never move (the plans that drift)."""
    reviewed: dict[int, list[date]] = {}
    for review in reviews:
        if review["status"] == "completed":
            reviewed.setdefault(review["plan_id"], []).append(review["completed_on"])
    rows = [
        {
            "plan_id": plan["id"],
            "statement": f"Outcome {n + 1} agreed at the TAS meeting",
            "recorded_by_id": plan["lead_practitioner_id"],
        }
        for plan in plans
        for n in range(OUTCOMES)
    ]
    by_plan = {plan["id"]: plan for plan in plans}
    rising_plans = {plan["id"] for plan in plans if chance.random() < IMPROVING}
    scores = []
    outcomes = add(Outcome.__table__, rows)
    for outcome, row in zip(outcomes, rows, strict=True):
        plan = by_plan[row["plan_id"]]
        rising = plan["id"] in rising_plans
        score = chance.randint(1, 5)
        days = [plan["started_on"]]
        days += sorted(d for d in reviewed.get(plan["id"], []) if plan["started_on"] < d <= today)
        for n, day in enumerate(days):
            if n and rising:
                score = min(10, score + chance.randint(1, 2))
            scores.append(
                {
                    "outcome_id": outcome,
                    "score": score,
                    "scored_on": day,
                    "what_changed": "Agreed at the review" if n else None,
                    "recorded_by_id": plan["lead_practitioner_id"],
                }
            )
    add(OutcomeScore.__table__, scores)
    # Inserted in bulk, past the session's listener: their periods of progress worked out here.
    periods.rebuild(db.session.connection(), outcomes)
    return len(scores)


def _meetings(unit: Unit, agreed, count: int, chance, today: date) -> int:
    """Meetings from half a year back to half a year ahead on weekdays, held when past, with
    invitations (a named practitioner or the agency as a whole) and children on the agenda."""
    by_school: dict[int, list[int]] = {}
    for child, school in agreed:
        by_school.setdefault(school, []).append(child)
    rows = []
    for _ in range(count):
        school = chance.choice(unit.schools)
        day = today + timedelta(days=chance.randint(-182, 182))
        if day.isoweekday() > 5:  # a weekend: the Monday after
            day += timedelta(days=8 - day.isoweekday())
        starts = datetime.combine(day, time(chance.randint(9, 15)), tzinfo=UTC)
        past = day < today
        rows.append(
            {
                "school_id": school,
                "kind": "tas",
                "status": "held" if past else "scheduled",
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=90),
                "location": "The school's meeting room",
                "chair_id": unit.link_worker_of[school],
                "organiser_id": unit.dsl_of[school],
                "held_at": starts + timedelta(minutes=90) if past else None,
            }
        )
    ids = add(Meeting.__table__, rows)
    invitations, agenda = [], []
    for meeting, row in zip(ids, rows, strict=True):
        held = row["status"] == "held"
        for kind in chance.sample(list(unit.agencies), INVITED):
            staff = unit.practitioners[kind]
            invitations.append(
                {
                    "meeting_id": meeting,
                    "agency_id": unit.agencies[kind],
                    "representative_id": chance.choice([staff[-1], None]),
                    "invited_by_id": row["organiser_id"],
                    "answer": "attending" if held else "awaiting",
                    "attendance": "attended" if held else None,
                }
            )
        pupils = by_school.get(row["school_id"], [])
        for position, child in enumerate(chance.sample(pupils, min(ON_AGENDA, len(pupils)))):
            agenda.append(
                {
                    "meeting_id": meeting,
                    "child_id": child,
                    "position": position + 1,
                    "reason": "Worries about attendance and low mood",
                    "added_by_id": row["organiser_id"],
                }
            )
    add(Invitation.__table__, invitations)
    add(AgendaItem.__table__, agenda)
    return len(ids)


def _reminders(reviews: list[dict], today: date) -> int:
    """The reminders of every review already due or about to be, sent, each with its email."""
    planned = []
    for review in reviews:
        for kind, days in REMINDERS:
            send_on = review["due_on"] - timedelta(days=days)
            if send_on <= today:
                planned.append((review, kind, send_on))
    emails = add(
        OutboxMessage.__table__,
        [
            {
                "message_id": f"<reminder-{review['id']}-{kind}@bench.example.org>",
                "recipients": f"user{review['owner_id']}@example.org",
                "subject": f"Reminder: plan review for {plan_reference(review['plan_id'])}",
                "raw": b"Subject: Reminder\r\n\r\nSee the app.\r\n",
                "status": "sent",
                "attempts": 1,
                "sent_at": datetime.combine(send_on, time(7, 5), tzinfo=UTC),
                "working_days_only": True,
            }
            for review, kind, send_on in planned
        ],
    )
    add(
        Reminder.__table__,
        [
            {
                "target_kind": "review",
                "target_id": review["id"],
                "recipient_id": review["owner_id"],
                "kind": kind,
                "send_on": send_on,
                "due_on": review["due_on"],
                "status": "sent",
                "reference": plan_reference(review["plan_id"]),
                "subject": f"Reminder: plan review for {plan_reference(review['plan_id'])}",
                "link": f"/reviews/{review['id']}",
                "sent_at": datetime.combine(send_on, time(7, 5), tzinfo=UTC),
                "outbox_message_id": email,
            }
            for (review, kind, send_on), email in zip(planned, emails, strict=True)
        ],
    )
    return len(planned)


def _audit(unit: Unit, children, chance, today: date) -> int:
    """Views of children's records over the year, by the people of the district."""
    rows = [
        {
            "at": datetime.combine(
                today - timedelta(days=chance.randint(0, 365)), time(10), tzinfo=UTC
            ),
            "actor_id": chance.choice(unit.everyone),
            "action": "child_viewed",
            "target_type": "child",
            "target_id": child,
            "detail": {},
        }
        for child, _school in children
        for _ in range(AUDIT_PER_CHILD)
    ]
    add(AuditEvent.__table__, rows)
    return len(rows)
