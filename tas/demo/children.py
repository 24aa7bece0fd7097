"""Demo children, families, agreements and shared plans (issue 3), added by `demo-data`.

Twenty children, mostly at Oakfield Primary and Castle Academy so that the Oakfield DSL and the
link worker see a realistic list, and a few at the other two schools that they must not see.
Every date is counted from today, so the demo never goes stale. Loaded once: if the first demo
child's NHS number is already there, nothing is added.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tas.children.models import Agreement, Child, FamilyMember, SiblingLink
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.days import next_working_day
from tas.extensions import db
from tas.organisations.models import Agency, School, User
from tas.plans.models import (
    Action,
    ActionEvent,
    AgencyInvolvement,
    EngagementUpdate,
    GpNotification,
    Outcome,
    OutcomeScore,
    SharedPlan,
)

OAK, CASTLE, MEADOW, RIVER = (
    "Oakfield Primary",
    "Castle Academy",
    "Meadow Lane Primary",
    "Riverside High School",
)
WESTGATE, NORTHFIELD = "Westgate Surgery", "Northfield Medical Centre"
FIM, CAMHS, NURSING, EARLY_HELP = "Future in Mind", "CAMHS", "0-19 Service", "Early Help"
FARAH, NIA, LEE = "fim@demo.tas.test", "nurse@demo.tas.test", "linkworker@demo.tas.test"
DANA = "dsl@oakfield.demo.tas.test"
NHS_TEST_RANGE = 999_100_000  # 999 numbers are never issued to patients

# Family: (name, relationship, parental responsibility, lives with the child, contact, warning).
# The first member with parental responsibility is the one who agreed.
# Involvement: (agency, named practitioner or None, service, status, child's and parent's
# engagement). Action: (description, owner, due in days from today, status); the owner is an
# agency, a person (by email), "parent" (the first family member) or "child". Outcome:
# (statement, scores oldest first).
# fmt: off
CHILDREN = [
    dict(
        name=("Mia", "Hughes"), age=(9, 4), school=OAK, gp=WESTGATE,
        lives_with="Mother and brother",
        family=[("Sarah Hughes", "Mother", True, True, "07700 900101", None)],
        plan=dict(started=120, lead=LEE, involvements=[
            (FIM, FARAH, "Wellbeing sessions: worries about school", "active", "good", "good"),
            (NURSING, NIA, "School nurse drop-ins", "active", "partial", "good"),
        ], actions=[
            ("Six wellbeing sessions in school", FIM, 14, "in_progress"),
            ("Check sleep routine at the next drop-in", NIA, -5, "not_started"),
            ("Keep a worry diary at home with Mia", "parent", 7, "in_progress"),
            ("Move Mia's seat nearer the front", DANA, -30, "done"),
        ], outcomes=[("Mia feels able to come into class in the morning", (3, 5, 6))]),
    ),
    dict(
        name=("Leo", "Price"), age=(7, 1), school=OAK, gp=WESTGATE, lives_with="Mother",
        family=[
            ("Kelly Price", "Mother", True, True, "07700 900102", None),
            ("Daniel Price", "Father", True, False, "07700 900103",
             "Do not contact: a non-molestation order protects Kelly and Leo. Speak to Kelly."),
        ],
        plan=dict(started=75, lead=LEE, involvements=[
            (EARLY_HELP, LEE, "Family support: routines", "active", "good", "partial"),
            (CAMHS, None, "Assessment for attention difficulties", "requested", None, None),
        ], actions=[
            ("Referral to CAMHS for an assessment", EARLY_HELP, -10, "done"),
            ("Bedtime routine chart at home", "parent", -3, "not_started"),
            ("Apply for free breakfast club place", DANA, 10, "cancelled"),
        ], outcomes=[("Mornings at home are calm and Leo arrives on time", (2, 4))]),
    ),
    dict(
        name=("Amelia", "Khan"), age=(10, 7), school=OAK, gp=NORTHFIELD, language="Urdu",
        lives_with="Both parents",
        family=[
            ("Ayesha Khan", "Mother", True, True, "07700 900104", None),
            ("Imran Khan", "Father", True, True, "07700 900105", None),
        ],
        plan=dict(started=160, lead=LEE, involvements=[
            (FIM, FARAH, "Anxiety group, eight weeks", "active", "good", "good"),
            (CAMHS, None, "Specialist assessment", "active", "partial", "good"),
        ], actions=[
            ("Arrange an Urdu interpreter for the review", EARLY_HELP, 20, "not_started"),
            ("Share the CAMHS assessment summary with the DSL", CAMHS, -12, "in_progress"),
        ], outcomes=[
            ("Amelia joins in at lunchtime with friends", (2, 4, 5, 7)),
            ("Fewer days missed because of stomach aches", (4, 5, 6)),
        ]),
    ),
    dict(
        name=("Oliver", "Bennett"), age=(6, 2), school=OAK, gp=WESTGATE,
        lives_with="Grandmother (kinship care)",
        family=[
            ("Tracy Bennett", "Grandmother", False, True, "07700 900106", None),
            ("Jodie Bennett", "Mother", True, False, "07700 900107", None),
        ],
        plan=dict(started=200, lead=LEE, involvements=[
            (NURSING, None, "Growth and toileting checks", "active", "good", "good"),
            (EARLY_HELP, LEE, "Kinship carer support", "ended", "good", "good"),
        ], actions=[
            ("Kinship allowance application", EARLY_HELP, -60, "done"),
            ("Toileting plan shared with class teacher", NURSING, -2, "in_progress"),
        ], outcomes=[("Oliver is dry through the school day", (3, 6, 8))]),
    ),
    dict(
        name=("Isla", "Murphy"), age=(8, 9), school=OAK, gp=WESTGATE, withdrawn=True,
        lives_with="Mother",
        family=[("Claire Murphy", "Mother", True, True, "07700 900108", None)],
        plan=dict(started=90, lead=LEE, involvements=[
            (FIM, FARAH, "Wellbeing sessions: friendships", "active", "partial", "limited"),
        ], actions=[("Friendship group at lunchtime", FIM, -20, "in_progress")],
        outcomes=[("Isla has a friend to play with at break", (2, 3))]),
    ),
    dict(
        name=("Noah", "Wilson"), age=(5, 3), school=OAK, gp=None, lives_with="Both parents",
        family=[
            ("Hannah Wilson", "Mother", True, True, "07700 900109", None),
            ("Marcus Wilson", "Father", True, True, "07700 900110", None),
        ],
        plan=dict(started=45, lead=LEE, involvements=[
            (NURSING, NIA, "Health visiting handover: speech and toileting", "active", "good",
             "good"),
        ], actions=[
            ("Register Noah with a GP practice", "parent", 14, "not_started"),
            ("Speech and language referral", NIA, -7, "not_started"),
        ], outcomes=[("Noah is understood by adults in class", (3, 4))]),
    ),
    dict(  # the plan with a missing GP notification
        name=("Ruby", "Clarke"), age=(11, 0), school=OAK, gp=WESTGATE, lives_with="Mother",
        family=[("Gemma Clarke", "Mother", True, True, "07700 900111", None)],
        plan=dict(started=12, lead=LEE, notify_gp=False, involvements=[
            (CAMHS, None, "Self-harm risk assessment", "active", "partial", "good"),
        ], actions=[("Safety plan agreed with Ruby", CAMHS, 3, "in_progress")],
        outcomes=[("Ruby knows who to talk to when she feels low", (4,))]),
    ),
    dict(  # talked about at TAS, no agreement yet, so no plan
        name=("Harry", "Patel"), age=(9, 11), school=OAK, gp=WESTGATE, agreed=False,
        lives_with="Both parents",
        family=[("Priya Patel", "Mother", True, True, "07700 900112", None)],
    ),
    dict(
        name=("Jayden", "Hughes"), age=(13, 2), school=CASTLE, gp=WESTGATE,
        lives_with="Mother and sister", sibling_of="Mia",
        family=[("Sarah Hughes", "Mother", True, True, "07700 900101", None)],
        view="I want help with feeling down but not everyone at school to know.",
        plan=dict(started=150, lead=LEE, involvements=[
            (CAMHS, None, "CBT for low mood", "active", "partial", "good"),
            (FIM, FARAH, "Wellbeing sessions", "ended", "limited", "partial"),
        ], actions=[
            ("Twelve CBT sessions", CAMHS, 30, "in_progress"),
            ("Mentor check-in each Monday", EARLY_HELP, -14, "in_progress"),
            ("Jayden to try the sleep app for two weeks", "child", -1, "not_started"),
        ], outcomes=[("Jayden feels less low most days", (3, 3, 5, 6))]),
    ),
    dict(
        name=("Ellie", "Robinson"), age=(14, 5), school=CASTLE, gp=NORTHFIELD,
        lives_with="Father", closed_plan=True,
        family=[
            ("Mark Robinson", "Father", True, True, "07700 900113", None),
            ("Lisa Green", "Stepmother", False, True, "07700 900114", None),
        ],
        view="I'm OK with the nurse and the family worker. Please don't call Mum at work.",
        plan=dict(started=60, lead=LEE, involvements=[
            (NURSING, NIA, "Emotional health and sexual health advice", "active", "good", "good"),
            (EARLY_HELP, LEE, "Family support after separation", "active", "good", "partial"),
        ], actions=[
            ("Drop-in appointments each fortnight", NIA, 5, "in_progress"),
            ("Parenting course for Mark", EARLY_HELP, -21, "done"),
            ("Contact arrangements written down with both parents", EARLY_HELP, -9, "not_started"),
        ], outcomes=[("Ellie says home feels settled", (4, 6, 7))]),
    ),
    dict(
        name=("Tyler", "Walsh"), age=(12, 3), school=CASTLE, gp=WESTGATE, lives_with="Mother",
        family=[
            ("Donna Walsh", "Mother", True, True, "07700 900115", None),
            ("Craig Walsh", "Father", True, False, "07700 900116", None),
        ],
        plan=dict(started=30, lead=LEE, involvements=[
            (FIM, FARAH, "Anger management sessions", "requested", None, None),
            (CAMHS, None, "Neurodevelopmental screening", "active", "limited", "good"),
        ], actions=[
            ("Screening questionnaires returned to CAMHS", "parent", -4, "in_progress"),
            ("Time-out card agreed with teachers", LEE, 2, "done"),
        ], outcomes=[("Tyler stays in lessons all week", (2, 3))]),
    ),
    dict(
        name=("Grace", "Okafor"), age=(15, 8), school=CASTLE, gp=WESTGATE, lives_with="Aunt",
        family=[
            ("Blessing Okafor", "Aunt (special guardian)", True, True, "07700 900117", None),
        ],
        view="I want to talk to someone about exam stress.",
        plan=dict(started=100, lead=LEE, involvements=[
            (FIM, FARAH, "One-to-one counselling", "active", "good", "good"),
            (NURSING, NIA, "Health review", "active", "good", "good"),
        ], actions=[
            ("Exam access arrangements", LEE, -40, "done"),
            ("Revision timetable with breaks", "child", 10, "in_progress"),
            ("Counselling review", FARAH, -8, "not_started"),
        ], outcomes=[("Grace sleeps well before exams", (3, 5, 6)), ("Grace attends every day",
                                                                     (6, 7, 8))]),
    ),
    dict(
        name=("Kai", "Thompson"), age=(11, 6), school=CASTLE, gp=NORTHFIELD,
        lives_with="Mother and stepfather",
        family=[
            ("Leanne Thompson", "Mother", True, True, "07700 900118", None),
            ("Steve Ward", "Stepfather", False, True, "07700 900119", None),
        ],
        plan=dict(started=80, lead=None, involvements=[
            (EARLY_HELP, None, "Transition support into Year 7", "active", "good", "partial"),
            (NURSING, NIA, "Weight management", "ended", "partial", "partial"),
        ], actions=[
            ("Buddy for the first half term", LEE, -50, "done"),
            ("Agree a lead practitioner", EARLY_HELP, -6, "not_started"),
        ], outcomes=[("Kai feels settled at Castle", (4, 6))]),
    ),
    dict(
        name=("Sophie", "Turner"), age=(13, 10), school=CASTLE, gp=WESTGATE, lives_with="Mother",
        family=[("Rachel Turner", "Mother", True, True, "07700 900120", None)],
        plan=dict(started=55, lead=LEE, involvements=[
            (NURSING, NIA, "Emotional health drop-ins", "active", "partial", "good"),
            (FIM, None, "Low mood group", "active", "good", "good"),
        ], actions=[("Attend the low mood group", "child", 12, "in_progress")],
        outcomes=[("Sophie rates her mood 6 or more", (3, 5))]),
    ),
    dict(
        name=("Freddie", "Adams"), age=(8, 1), school=MEADOW, gp=WESTGATE, lives_with="Father",
        family=[("Paul Adams", "Father", True, True, "07700 900121", None)],
        plan=dict(started=40, lead=None, involvements=[
            (FIM, FARAH, "Bereavement support", "active", "partial", "good"),
        ], actions=[("Memory box sessions", FIM, 15, "in_progress")],
        outcomes=[("Freddie can talk about his mum at home", (2, 4))]),
    ),
    dict(
        name=("Lily", "Evans"), age=(6, 6), school=MEADOW, gp=NORTHFIELD, lives_with="Mother",
        family=[("Natalie Evans", "Mother", True, True, "07700 900122", None)],
        plan=dict(started=65, lead=None, involvements=[
            (NURSING, NIA, "Eczema and sleep", "active", "good", "good"),
        ], actions=[("Skin care plan at school", NIA, -15, "done")],
        outcomes=[("Lily sleeps through most nights", (3, 6))]),
    ),
    dict(
        name=("Jack", "Morris"), age=(10, 2), school=MEADOW, gp=None, lives_with="Foster carers",
        family=[("Angela Morris", "Mother", True, False, "07700 900123", None)],
        plan=dict(started=35, lead=None, involvements=[
            (EARLY_HELP, None, "Family time support", "active", "limited", "limited"),
            (CAMHS, None, "Attachment assessment", "requested", None, None),
        ], actions=[("Family time plan", EARLY_HELP, -11, "in_progress")],
        outcomes=[("Jack enjoys family time with Mum", (3, 3))]),
    ),
    dict(
        name=("Chloe", "Wright"), age=(14, 1), school=RIVER, gp=WESTGATE, lives_with="Mother",
        family=[("Joanne Wright", "Mother", True, True, "07700 900124", None)],
        plan=dict(started=110, lead=None, involvements=[
            (CAMHS, None, "Eating difficulties pathway", "active", "partial", "good"),
        ], actions=[("Lunch plan with the pastoral team", CAMHS, -25, "done")],
        outcomes=[("Chloe eats lunch in school every day", (2, 4, 5))]),
    ),
    dict(
        name=("Ethan", "Hall"), age=(16, 3), school=RIVER, gp=NORTHFIELD, lives_with="Father",
        family=[("Gary Hall", "Father", True, True, "07700 900125", None)],
        plan=dict(started=70, lead=None, involvements=[
            (NURSING, None, "Young carer health check", "active", "good", "partial"),
        ], actions=[("Young carers group referral", NURSING, -3, "not_started")],
        outcomes=[("Ethan has time for himself each week", (3, 5))]),
    ),
    dict(
        name=("Zara", "Ahmed"), age=(12, 9), school=RIVER, gp=WESTGATE, lives_with="Both parents",
        family=[("Samira Ahmed", "Mother", True, True, "07700 900126", None)],
        plan=dict(started=95, lead=None, involvements=[
            (EARLY_HELP, None, "Attendance support", "active", "good", "good"),
            (FIM, None, "Wellbeing sessions", "ended", "good", "good"),
        ], actions=[("Daily attendance check-in", EARLY_HELP, 5, "in_progress")],
        outcomes=[("Zara attends 95% of the time", (4, 6, 7))]),
    ),
]
# fmt: on


def nhs_numbers(count: int) -> list[str]:
    """The first `count` valid NHS numbers of the test range (modulus 11 check digit)."""
    numbers, n = [], NHS_TEST_RANGE
    while len(numbers) < count:
        nine = str(n)
        check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
        if check != 10:  # no number has these nine digits
            numbers.append(nine + str(check % 11))
        n += 1
    return numbers


def load() -> dict[str, int]:
    """Create the demo children that are missing; return how many rows of each were added."""
    added = dict.fromkeys(
        (
            "children",
            "family members",
            "sibling links",
            "agreements",
            "shared plans",
            "involvements",
            "engagement updates",
            "actions",
            "action events",
            "outcomes",
            "outcome scores",
            "GP notifications",
        ),
        0,
    )
    numbers = nhs_numbers(len(CHILDREN))
    if db.session.scalar(select(Child.id).where(Child.nhs_number == numbers[0])):
        return added
    _Loader(added).run(numbers)
    db.session.commit()
    return added


class _Loader:
    """Adds the children of CHILDREN, counting what it adds."""

    def __init__(self, added: dict[str, int]):
        self.added = added
        self.today = local(utcnow()).date()  # the partnership's day, in London
        self.schools = {s.name: s for s in db.session.scalars(select(School))}
        self.agencies = {a.name: a for a in db.session.scalars(select(Agency))}
        self.users = {u.email: u for u in db.session.scalars(select(User))}
        self.lee = self.users[LEE]

    def add(self, kind: str, row):
        db.session.add(row)
        self.added[kind] += 1
        return row

    def day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def run(self, numbers: list[str]) -> None:
        children = {}
        for spec, number in zip(CHILDREN, numbers, strict=True):
            children[spec["name"][0]] = child = self.child(spec, number)
            if "sibling_of" in spec:
                one, other = sorted((child.id, children[spec["sibling_of"]].id))
                self.add("sibling links", SiblingLink(child_id=one, sibling_id=other))

    def child(self, spec: dict, number: str) -> Child:
        years, months = spec["age"]
        school = self.schools[spec["school"]]
        child = self.add(
            "children",
            Child(
                first_name=spec["name"][0],
                last_name=spec["name"][1],
                date_of_birth=self.day(-(years * 365 + years // 4 + months * 30 + 3)),
                school=school,
                nhs_number=number,
                gp_practice=self.agencies[spec["gp"]] if spec["gp"] else None,
                preferred_language=spec.get("language"),
                lives_with=spec["lives_with"],
                originating_school_id=school.id,
            ),
        )
        db.session.flush()
        family = [
            self.add(
                "family members",
                FamilyMember(
                    child_id=child.id,
                    name=name,
                    relationship_to_child=relationship,
                    parental_responsibility=responsible,
                    lives_with_child=lives_with,
                    contact=contact,
                    safe_contact_warning=warning,
                    originating_school_id=school.id,
                ),
            )
            for name, relationship, responsible, lives_with, contact, warning in spec["family"]
        ]
        db.session.flush()
        if spec.get("agreed", True):
            self.agreement(child, spec, next(m for m in family if m.parental_responsibility))
        if spec.get("closed_plan"):
            self.closed_plan(child)
        if "plan" in spec:
            self.plan(child, spec["plan"], family)
        return child

    def agreement(self, child: Child, spec: dict, parent: FamilyMember) -> None:
        started = spec.get("plan", {}).get("started", 20)
        agencies = {EARLY_HELP} | {i[0] for i in spec.get("plan", {}).get("involvements", [])}
        withdrawn = spec.get("withdrawn", False)
        self.add(
            "agreements",
            Agreement(
                child_id=child.id,
                agreed_by=parent,
                agreed_on=self.day(-405 if spec.get("closed_plan") else -started - 3),
                asked_by=self.lee,
                young_person_view=spec.get("view"),
                young_person_competent=True if spec.get("view") else None,
                information_covered="School attendance and wellbeing, health and family support",
                family_told_what_and_why=True,
                privacy_notice_given=True,
                agencies=[self.agencies[name] for name in sorted(agencies)],
                withdrawn_on=self.day(-6) if withdrawn else None,
                withdrawal_note=(
                    "Mum feels things have settled and does not want agencies involved for now."
                    if withdrawn
                    else None
                ),
                withdrawn_recorded_by_id=self.lee.id if withdrawn else None,
                withdrawn_recorded_at=utcnow() - timedelta(days=6) if withdrawn else None,
                originating_agency_id=self.agencies[EARLY_HELP].id,
            ),
        )

    def closed_plan(self, child: Child) -> None:
        """An earlier plan, closed when its outcomes were met: kept, read-only."""
        plan = self.add(
            "shared plans",
            SharedPlan(
                child=child,
                status="closed",
                lead_practitioner=self.lee,
                started_on=self.day(-400),
                closed_on=self.day(-250),
                closure_reason="Outcomes met: attendance back above 95%",
                originating_agency_id=self.agencies[EARLY_HELP].id,
            ),
        )
        db.session.flush()
        self.outcome(plan, "Ellie comes to school every day", (3, 6, 9))

    def plan(self, child: Child, spec: dict, family: list[FamilyMember]) -> None:
        started = self.day(-spec["started"])
        review = started + timedelta(weeks=6)
        while review < self.today:
            review += timedelta(weeks=6)
        review = next_working_day(review, ENGLAND_AND_WALES)  # never on a Sunday
        plan = self.add(
            "shared plans",
            SharedPlan(
                child=child,
                lead_practitioner=self.users[spec["lead"]] if spec["lead"] else None,
                level_of_need="early_help",
                started_on=started,
                next_review_on=review,
                originating_agency_id=self.agencies[EARLY_HELP].id,
            ),
        )
        child.level_of_need = plan.level_of_need
        db.session.flush()
        involvements = {
            agency: self.involvement(plan, agency, *rest) for agency, *rest in spec["involvements"]
        }
        for description, owner, due_in, status in spec["actions"]:
            self.action(plan, description, owner, due_in, status, family, involvements)
        for statement, scores in spec["outcomes"]:
            self.outcome(plan, statement, scores)
        active = [i for i in involvements.values() if i.status == "active"]
        if active and child.gp_practice is not None and spec.get("notify_gp", True):
            self.gp_notification(plan, child.gp_practice, min(i.started_on for i in active))

    def involvement(self, plan, agency, email, service, status, child_eng, parent_eng):
        begun = plan.started_on + timedelta(days=5)
        practitioner = self.users[email] if email else None
        row = self.add(
            "involvements",
            AgencyInvolvement(
                plan_id=plan.id,
                agency=self.agencies[agency],
                practitioner=practitioner,
                service=service,
                started_on=None if status == "requested" else begun,
                ended_on=self.day(-10) if status == "ended" else None,
                status=status,
                child_engagement=child_eng,
                parent_engagement=parent_eng,
                last_contact_on=self.day(-4) if status == "active" else None,
                summary=None if status == "requested" else f"{service}: going as planned.",
                originating_agency_id=self.agencies[agency].id,
            ),
        )
        db.session.flush()
        if status in ("active", "ended"):  # dated history, the latest matching the involvement
            last = row.ended_on or self.today
            days = [d for d in (begun + timedelta(weeks=3 * n) for n in range(3)) if d <= last]
            for n, on in enumerate(days):
                latest = n == len(days) - 1
                self.add(
                    "engagement updates",
                    EngagementUpdate(
                        involvement_id=row.id,
                        recorded_on=on,
                        child_engagement=child_eng if latest else "partial",
                        parent_engagement=parent_eng if latest else "partial",
                        note="First sessions" if n == 0 else "Engagement reviewed",
                        recorded_by_id=(practitioner or self.lee).id,
                    ),
                )
        return row

    def action(self, plan, description, owner, due_in, status, family, involvements) -> None:
        fields: dict = {"owner_kind": "agency"}
        if owner == "parent":
            fields = {"owner_kind": "family_member", "owner_family_member": family[0]}
        elif owner == "child":
            fields = {"owner_kind": "child"}
        elif owner in self.users:
            fields = {"owner_kind": "person", "owner_user": self.users[owner]}
        else:
            fields["owner_agency"] = self.agencies[owner]
        agency = fields.get("owner_agency") or getattr(fields.get("owner_user"), "agency", None)
        due = self.day(due_in) if due_in is not None else None
        row = self.add(
            "actions",
            Action(
                plan_id=plan.id,
                description=description,
                due_on=due,
                status=status,
                completion_note="Done and confirmed at the review" if status == "done" else None,
                involvement_id=involvements[agency.name].id
                if agency is not None and agency.name in involvements
                else None,
                originating_agency_id=self.agencies[EARLY_HELP].id,
                **fields,
            ),
        )
        db.session.flush()
        created = {"description": [None, description], "status": [None, "not_started"]}
        if due:
            created["due_on"] = [None, due.isoformat()]
        history = [created]
        if status != "not_started":
            history.append({"status": ["not_started", status]})
        for n, changes in enumerate(history):
            self.add(
                "action events",
                ActionEvent(
                    action_id=row.id,
                    at=self._at(plan.started_on + timedelta(days=7 * n + 1)),
                    by_id=self.lee.id,
                    changes=changes,
                ),
            )

    def outcome(self, plan: SharedPlan, statement: str, scores: tuple[int, ...]) -> None:
        row = self.add(
            "outcomes",
            Outcome(
                plan_id=plan.id,
                statement=statement,
                originating_agency_id=self.agencies[EARLY_HELP].id,
            ),
        )
        db.session.flush()
        last = plan.closed_on or self.today
        for n, score in enumerate(scores):
            review_day = next_working_day(
                plan.started_on + timedelta(weeks=6 * n), ENGLAND_AND_WALES
            )
            on = min(review_day, last)
            self.add(
                "outcome scores",
                OutcomeScore(
                    outcome_id=row.id, score=score, scored_on=on, recorded_by_id=self.lee.id
                ),
            )

    def gp_notification(self, plan: SharedPlan, practice: Agency, first_active: date) -> None:
        sent = first_active + timedelta(days=2)
        acknowledged = practice.name == WESTGATE and plan.started_on < self.day(-100)
        self.add(
            "GP notifications",
            GpNotification(
                plan_id=plan.id,
                gp_practice_id=practice.id,
                kind="initial",
                due_on=first_active + timedelta(days=7),  # 5 working days
                sent_at=self._at(sent),
                method="Secure email",
                recorded_by_id=self.lee.id,
                acknowledged_at=self._at(sent + timedelta(days=3)) if acknowledged else None,
                health_services_reply="Known to the practice; no other health services involved."
                if acknowledged
                else None,
            ),
        )

    @staticmethod
    def _at(day: date) -> datetime:
        return datetime.combine(day, time(10, 0), tzinfo=UTC)
