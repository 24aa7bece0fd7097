"""The demo meetings (issue 4): a term of TAS meetings at the two demo schools with staff
accounts, Oakfield Primary and Castle Academy, on school days around today: some held in the past
weeks with attendance, minutes per child (three parts and a decision) and actions on the
children's plans; one whose minutes are overdue; some upcoming with invitations and answers (one
apologies with a written update); one moved and one cancelled. Then the Oakfield DSL's requests:
two awaiting triage, one accepted onto an agenda, one closed with advice."""

from tas.demo.data.children import CAMHS, CASTLE, EARLY_HELP, FIM, NURSING, OAK
from tas.demo.data.partnership import DANA, FARAH, LEE, NIA

# Who goes for each agency invited: the demo practitioners (CAMHS has no demo account).
REPRESENTATIVES = {FIM: FARAH, NURSING: NIA, EARLY_HELP: LEE}
# Each school's saved rooms, kept by who books there: the demo meetings are held in them.
ROOMS = {
    OAK: (DANA, ("Oakfield Primary, family room", "Oakfield Primary, library")),
    CASTLE: (LEE, ("Castle Academy, meeting room 2",)),
}

# Minutes of one child: (worries, working well, what needs to happen, decision, decision note,
# parent's part and how, child's part and how, actions). An action: (description, owner, due
# in days from the meeting, status); the owner is an agency, a person (by email), "parent"
# (the first family member) or "child".
# fmt: off
MINUTES = {
    "Mia Hughes": (
        "Mia cries at the classroom door most mornings and has missed eight mornings this half "
        "term. She says she worries something will happen to Mum while she is at school.",
        "Mia settles once she is in class and enjoys art. Mum brings her every day and is "
        "working closely with the class teacher.",
        "Wellbeing sessions in school to continue; a calm start in the nurture room; the school "
        "nurse to check sleep.",
        "shared_plan", "Continue the shared plan; review at the next TAS meeting.",
        "attended", "Sarah came to the meeting", "contributed", "Drew a picture of her morning",
        [
            ("Calm start in the nurture room each morning", DANA, 7, "in_progress"),
            ("Sleep and worries check at the school nurse drop-in", NIA, 21, "not_started"),
        ],
    ),
    "Leo Price": (
        "Leo is finding it hard to stay in class after lunch and has been sent out three times. "
        "Home mornings are rushed.",
        "Leo responds well to movement breaks and to his teaching assistant. Kelly is keen to "
        "work with the family worker.",
        "Movement breaks written into his timetable; family worker to help with routines; "
        "chase the CAMHS assessment date.",
        "shared_plan", "Continue the shared plan.",
        "contributed", "Kelly spoke to the link worker by phone before the meeting",
        "contributed", "Shared his views through his teaching assistant",
        [
            ("Movement breaks in the afternoon timetable", DANA, 10, "done"),
            ("Ask CAMHS for an assessment date", EARLY_HELP, 14, "in_progress"),
            ("Try the new bedtime routine for two weeks", "parent", 21, "not_started"),
        ],
    ),
    "Oliver Bennett": (
        "Oliver still has accidents most days, which upsets him, and other children have "
        "started to notice.",
        "Grandma Tracy manages his routine well and the school nurse plan has started.",
        "Toileting plan shared with all staff; spare clothes kept discreetly; review in six "
        "weeks.",
        "support_in_school", "Support in school with the school nurse's plan.",
        "attended", "Tracy (grandmother) came", "did_not_take_part", "Too young to take part",
        [("Toileting plan shared with all staff who teach Oliver", NURSING, 7, "not_started")],
    ),
    "Ruby Clarke": (
        "Ruby has told a friend she sometimes hurts herself when she feels low. CAMHS have "
        "completed a risk assessment.",
        "Ruby has a trusted adult in school and her mum is supportive and in contact with CAMHS.",
        "Safety plan shared with the DSL; check-ins twice a week; CAMHS to confirm the next "
        "appointment.",
        "step_down_received",
        "Children's Social Care finished their assessment and stepped Ruby's case down to early "
        "help: hold the handover (TAF) meeting with Gemma and CAMHS.",
        "attended", "Gemma came to the meeting", "contributed", "Wrote down what helps her",
        [
            ("Twice-weekly check-in with her trusted adult", DANA, 5, "in_progress"),
            ("Confirm the next CAMHS appointment with the family", CAMHS, 10, "not_started"),
            ("Ruby to use her safety plan card when she feels low", "child", 14, "not_started"),
        ],
    ),
    "Jayden Hughes": (
        "Jayden's mood has dipped again and he is missing lessons to sit in the toilets.",
        "He likes his mentor and is attending CBT sessions. Mum is very involved.",
        "Mentor sessions twice a week; a time-out pass for lessons; link with his sister's "
        "school so the family gets one joined-up plan.",
        "shared_plan", "Continue the shared plan.",
        "contributed", "Sarah sent her views by email", "attended", "Came for his part",
        [("Time-out pass agreed with his teachers", LEE, 7, "done")],
    ),
    "Grace Okafor": (
        "Grace is very anxious about her exams and is sleeping badly.",
        "Counselling is helping and her aunt has set up a quiet place to revise at home.",
        "Counselling to continue; exam access arrangements confirmed; a revision plan with "
        "breaks.",
        "support_in_school", "Support in school with counselling continuing.",
        "attended", "Blessing (aunt) came", "attended", "Came for her part",
        [("Counselling sessions through to the end of exams", FARAH, 28, "in_progress")],
    ),
    "Tyler Walsh": (
        "Tyler has had four fixed-term exclusions this year for outbursts.",
        "He wants to stay at Castle and does well in practical subjects. Mum attends every "
        "meeting.",
        "Anger management sessions to start; neurodevelopmental screening to be completed; a "
        "reduced timetable is not agreed.",
        "step_up_early_help", "Step up to Targeted Early Help for family support.",
        "attended", "Donna came to the meeting", "did_not_take_part", "Did not want to come",
        [
            ("Start the anger management sessions", FIM, 14, "not_started"),
            ("Return the screening questionnaires to CAMHS", "parent", 10, "not_started"),
        ],
    ),
    "Kai Thompson": (
        "Kai is often late and says he is tired; his attendance has dropped to 88%.",
        "He has settled into Year 7 socially and has a good relationship with his form tutor.",
        "Agree a lead practitioner; attendance support from the family worker.",
        "shared_plan", "Continue the shared plan and agree a lead practitioner.",
        "contributed", "Leanne spoke to the DSL before the meeting", "did_not_take_part",
        "Not asked yet",
        [],
    ),
}
# fmt: on

# A meeting: (key, school, kind, days from today, local start and end, status, agenda: child
# or "consultation", invitations: (agency, answer, attendance)).
# fmt: off
MEETINGS = [
    ("O1", OAK, "tas", -25, (9, 0), (10, 30), "held", ["Mia Hughes", "Leo Price"], [
        (FIM, "attending", "attended"),
        (NURSING, "apologies_with_update", "apologies_with_update"),
        (EARLY_HELP, "attending", "attended"),
        (CAMHS, "awaiting", "did_not_attend"),
    ]),
    ("C1", CASTLE, "tas", -18, (13, 30), (15, 0), "held",
     ["Jayden Hughes", "Grace Okafor", "Tyler Walsh"], [
        (FIM, "attending", "attended"),
        (NURSING, "apologies", "apologies"),
        (EARLY_HELP, "attending", "attended"),
        (CAMHS, "attending", "attended"),
    ]),
    ("O2", OAK, "tas", -11, (9, 0), (10, 30), "held", ["Oliver Bennett", "Ruby Clarke"], [
        (FIM, "attending", "attended"),
        (NURSING, "attending", "attended"),
        (EARLY_HELP, "attending", "attended"),
    ]),
    # Attendance taken, minutes not finished: flagged as overdue.
    ("C2", CASTLE, "tas", -6, (13, 30), (15, 0), "overdue", ["Kai Thompson", "Sophie Turner"], [
        (FIM, "apologies", "apologies"),
        (NURSING, "attending", "attended"),
        (EARLY_HELP, "attending", "attended"),
    ]),
    ("O3", OAK, "tas", 7, (9, 0), (10, 30), "scheduled", ["Mia Hughes", "consultation"], [
        (FIM, "apologies_with_update", None),
        (NURSING, "attending", None),
        (EARLY_HELP, "attending", None),
        (CAMHS, "awaiting", None),
    ]),
    ("C3", CASTLE, "tas", 14, (13, 30), (15, 0), "scheduled", ["Ellie Robinson", "Grace Okafor"], [
        (FIM, "attending", None),
        (NURSING, "apologies", None),
        (EARLY_HELP, "awaiting", None),
    ]),
    ("O4", OAK, "keeping_in_touch", 21, (15, 45), (16, 30), "scheduled", [], [
        (FIM, "awaiting", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "attending", None),
    ]),
    ("C4", CASTLE, "tas", 24, (13, 30), (15, 0), "cancelled", [], [
        (FIM, "attending", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "awaiting", None),
    ]),
    ("O5", OAK, "tas", 35, (9, 0), (10, 30), "scheduled", [], [
        (FIM, "awaiting", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "awaiting", None),
    ]),
]
# fmt: on
PLACES = {OAK: "Oakfield Primary, family room", CASTLE: "Castle Academy, meeting room 2"}
ONLINE = "https://meet.demo.tas.test/oakfield-keeping-in-touch"
NOTES = "Please arrive ten minutes early to sign in at reception."  # for TAS meetings
BOOKED_AHEAD = 28  # days before a meeting it was booked (at least three days ago)
MOVED = ("O3", 2)  # this meeting was booked this many days later at first, then moved
# Who came for CAMHS (no demo account), and who came uninvited to the Oakfield meetings.
CAMHS_ATTENDEE = "Sam Reed, CAMHS practitioner"
UNINVITED = {OAK: ("Jo Baker", "Oakfield Primary (SENCO)")}
DONE_AT_MEETING = "Done, and confirmed with the family"
REASONS = {
    "Mia Hughes": "Review of morning separation worries and attendance",
    "Leo Price": "Behaviour after lunch and morning routines at home",
    "Oliver Bennett": "Toileting difficulties affecting Oliver's confidence",
    "Ruby Clarke": "Low mood and self-harm: agree the support around Ruby",
    "Jayden Hughes": "Low mood and missed lessons",
    "Grace Okafor": "Exam anxiety and sleep",
    "Tyler Walsh": "Repeated exclusions for outbursts",
    "Kai Thompson": "Lateness and falling attendance",
    "Sophie Turner": "Low mood group: how is it going",
    "Ellie Robinson": "Settling after her parents' separation",
}
# What the child and the family said at the meeting, in their own words (on the shared plan).
THEIR_WORDS = {
    "Mia Hughes": (
        "I don't like saying bye to Mum at the door. The nurture room is nice and quiet.",
        "Mornings are calmer since we started the worry diary together.",
    ),
}
WRITTEN_UPDATES = {
    FIM: "Mia has come to five of her six wellbeing sessions. She can now name her worries and "
    "uses her breathing exercise at the classroom door. I suggest two more sessions, then a "
    "review with Mum. Sorry I cannot be there: I am training that morning.",
    NURSING: "Sleep diary returned: Mia is getting about nine hours most nights. No health "
    "concerns at present; happy to see her at drop-in if anything changes.",
}
CONSULTATION = (
    "A Year 4 pupil has told staff that an older cousin who stays at weekends shouts and "
    "frightens them. No injuries, no other worries; the family have not been asked about early "
    "help yet. What should the school do next?"
)
REQUESTS = [
    # child, reason, already tried, child's views, outcome
    (
        "Noah Wilson",
        "Speech is still hard to understand and Noah is becoming frustrated and "
        "hitting out in class.",
        "Small-group speech work with the teaching assistant; visual timetable.",
        "Noah says he is sad when friends don't understand him.",
        None,
    ),
    (
        "Leo Price",
        "Leo's behaviour after lunch has got worse again since the last meeting.",
        "Movement breaks; time with his teaching assistant.",
        "Leo says lunchtimes are too noisy.",
        None,
    ),
    (
        "Amelia Khan",
        "Amelia has stopped eating lunch and complains of stomach aches most days.",
        "Lunch in a quiet room with a friend; daily check-in.",
        "Amelia says her tummy hurts when she worries about tests.",
        "accepted",
    ),
    (
        "Oliver Bennett",
        "Grandma would like advice on a kinship carers' support group.",
        "Gave her the family hub leaflet.",
        "Oliver likes going to the hub's stay and play.",
        "advice_given",
    ),
]
ACCEPTED_ONTO = "O3"  # the meeting the accepted request goes onto
ADVICE = (
    "The family hub runs a kinship carers' group on Thursday mornings; Lee will introduce Tracy "
    "at the next session. No need for a TAS discussion."
)
MOVED_REASON = "The family room is booked for parents' evening that week"
CANCEL_REASON = "Castle Academy's mock exams were moved into this week"
