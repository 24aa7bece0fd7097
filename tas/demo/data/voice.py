"""The demo's voice of the child: what children said, as plain rows (tas.demo.voice loads them).

(child, recorded by (email), heard days ago, setting, how heard, who heard them, the child's
words, raises a concern, and the response as (what was done, who was told, reasons) or None).
Mia's concern is recorded this morning and not yet answered: it is flagged on her page, on the
Oakfield DSL's and Farah's home pages, and reminded hourly until someone records the response.
"""

from __future__ import annotations

from tas.demo.data.partnership import DANA, FARAH, NIA

VOICE = [
    (
        "Mia Hughes",
        NIA,
        21,
        "clinic",
        "directly",
        "Nia Owen, school nurse",
        "I like coming to see you. I sleep better when Mum reads to me.",
        False,
        None,
    ),
    (
        "Leo Price",
        DANA,
        12,
        "school",
        "drawing",
        "Dana Shah, DSL",
        "Leo drew his house with his dad outside the door and said: Dad shouts at the door at "
        "night.",
        True,
        (
            "escalated_to_dsl",
            "Dana Shah, DSL, with Lee Walker, link worker",
            "Known through Leo's plan: the non-molestation order is in place. Dana spoke with "
            "Kelly the same afternoon; the police know of the order. Discussed at the next TAS.",
        ),
    ),
    (
        "Mia Hughes",
        FARAH,
        0,
        "school",
        "directly",
        "Farah Iqbal, Future in Mind",
        "Sometimes I think there's no point. I don't want to come in any more.",
        True,
        None,
    ),
]
