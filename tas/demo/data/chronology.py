"""The demo's chronology, as plain rows (tas.demo.chronology loads them).

(child, recorded by (email), days ago, category, severity, source agency or None (the
recorder's own school or agency), summary, restricted). Leo's three events in four weeks make a
cumulative harm pattern (3 in 90 days): he is flagged until someone records a Neglect Toolkit or
an escalation decision. Mia's A&E attendance is restricted to the 0-19 Service: those who do not
hold her record see that it exists and whom to ask.
"""

from __future__ import annotations

from tas.demo.data.partnership import DANA, NIA

NURSING = "0-19 Service"

# fmt: off
EVENTS = [
    ("Leo Price", DANA, 200, "bereavement", "medium", None,
     "Leo's grandmother, who collected him from school, died.", False),
    ("Leo Price", DANA, 26, "domestic_abuse", "high", None,
     "Operation Encompass notification from the police: an incident at home overnight; Leo "
     "was in the house.", False),
    ("Leo Price", DANA, 24, "police_call_out", "high", None,
     "The police were called to the home again; no arrests. Kelly and Leo safe.", False),
    ("Leo Price", DANA, 8, "school_absence", "medium", None,
     "Absent four days without a reason given; Kelly said he was unwell.", False),
    ("Mia Hughes", NIA, 40, "a_and_e", "medium", NURSING,
     "Attended A&E with a sprained wrist after a fall at home; the explanation fitted.", True),
]
# fmt: on
