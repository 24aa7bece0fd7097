"""The demo children (issue 3): twenty, mostly at Oakfield Primary and Castle Academy so that the
Oakfield DSL and the link worker see a realistic list, and a few at the other two schools that
they must not see. Every date is in days from today, so the demo never goes stale."""

from tas.demo.data.partnership import DANA, FARAH, LEE, NIA

OAK, CASTLE, MEADOW, RIVER = (
    "Oakfield Primary",
    "Castle Academy",
    "Meadow Lane Primary",
    "Riverside High School",
)
WESTGATE, NORTHFIELD = "Westgate Surgery", "Northfield Medical Centre"
FIM, CAMHS, NURSING, EARLY_HELP = "Future in Mind", "CAMHS", "0-19 Service", "Early Help"
NHS_TEST_RANGE = 999_100_000  # 999 numbers are never issued to patients

# A child: name, age (years, months), school, GP practice, who they live with, their family,
# and (unless agreed=False) the family's agreement, from three days before the plan started; a
# withdrawn agreement; an earlier plan, closed; their shared plan, with days counted back from
# today and its lead practitioner (by email).
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
        ], outcomes=[("Mia feels able to come into class in the morning", (3, 5, 6), (
            "Mia says: \"The worry diary helps me tell Mum what I think about.\"",
            "Mia says: \"I go in by myself now most days. The nurture room is nice.\"",
        ))]),
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
            ("Amelia joins in at lunchtime with friends", (2, 4, 5, 7), (
                "Amelia says: \"I sat with Zainab two days this week.\"",
                "Amelia says: \"I'm not scared of the dining hall now.\"",
                "Amelia says: \"I play tag with my friends every day.\"",
            )),
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
        name=("Isla", "Murphy"), age=(8, 9), school=OAK, gp=WESTGATE, lives_with="Mother",
        withdrawn=dict(days_ago=6, note="Mum feels things have settled and does not want "
                       "agencies involved for now."),
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
        lives_with="Father",
        closed_plan=dict(started=400, closed=250, reason="Outcomes met: attendance back above 95%",
                         returned_to="universal",
                         outcomes=[("Ellie comes to school every day", (3, 6, 9))]),
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
    # Thirteen months on one plan with nothing changing: flagged as drift.
    dict(
        name=("Harvey", "Fletcher"), age=(11, 3), school=OAK, gp=WESTGATE,
        lives_with="Mother and stepfather",
        family=[("Jade Fletcher", "Mother", True, True, "07700 900130", None)],
        plan=dict(started=395, lead=LEE, involvements=[
            (EARLY_HELP, LEE, "Family support: school routines", "active", "partial", "partial"),
        ], actions=[("Morning routine chart at home", "parent", 7, "in_progress")],
        outcomes=[("Harvey gets to school on time every day", (4, 4, 3, 4))]),
    ),
    # Four months of sessions the family has not engaged with ("steady": no better start).
    dict(
        name=("Freya", "Young"), age=(9, 8), school=OAK, gp=NORTHFIELD, lives_with="Father",
        family=[("Mark Young", "Father", True, True, "07700 900131", None)],
        plan=dict(started=130, lead=LEE, involvements=[
            (FIM, FARAH, "Wellbeing sessions: low mood", "active", "none", "none", "steady"),
        ], actions=[("Offer sessions after school instead", FIM, 5, "not_started")],
        outcomes=[("Freya talks to an adult when she feels low", (3, 3))]),
    ),
]
# fmt: on

# How a plan's story is told: the agreement, engagement over time, actions done, the GP told.
AGREEMENT_COVERS = "School attendance and wellbeing, health and family support"
FIRST_ENGAGEMENT, LATER_ENGAGEMENT = "First sessions", "Engagement reviewed"
SUMMARY = "{service}: going as planned."
DONE_NOTE = "Done and confirmed at the review"
CANCELLED_NOTE = "No longer needed: agreed at the review"
GP_TOLD_BY = "secure email outside the app"
# Westgate Surgery has answered for the plans it was told of more than 100 days ago.
GP_REPLIES = (WESTGATE, 100, "Known to the practice; no other health services involved.")


def nhs_numbers(count: int, start: int = NHS_TEST_RANGE) -> list[str]:
    """The first `count` valid NHS numbers of the test range from nine digits `start` on
    (modulus 11 check digit)."""
    numbers, n = [], start
    while len(numbers) < count:
        nine = str(n)
        check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
        if check != 10:  # no number has these nine digits
            numbers.append(nine + str(check % 11))
        n += 1
    return numbers
