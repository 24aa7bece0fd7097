"""The demo referrals to the IFD (issue 6): Ruby's case was stepped up to Children's Social Care
after a referral and stepped down at the last Oakfield TAS meeting (its minutes open the handover
review); Leo's referral awaits the IFD's decision. Days are working days back from the meeting
that stepped Ruby down, or from today."""

from tas.demo.data.partnership import DANA

REFERRED_BY = DANA
# child, MARF reference, working days before the step down meeting: referred, decided; the
# IFD's decision and its feedback.
STEPPED_DOWN = (
    "Ruby Clarke",
    "MARF-2026-0412",
    (40, 38),
    "assessment",
    "A social worker is allocated for a child and family assessment.",
)
# child, MARF reference, working days before today it was referred (no decision yet).
AWAITING = ("Leo Price", "MARF-2026-0587", 2)
