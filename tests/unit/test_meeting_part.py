"""What a person's home page says of their part in one of their next meetings."""

from __future__ import annotations

import pytest

from tas.meetings.rules import part_in_meeting


@pytest.mark.parametrize(
    ("answer", "by_name", "practice", "said"),
    [
        ("attending", True, False, "You said you can come"),
        ("apologies", True, False, "You sent apologies"),
        ("apologies_with_update", True, False, "You sent apologies with a written update"),
        ("awaiting", True, False, "Waiting for your answer"),
        ("awaiting", False, False, "Waiting for your answer"),
        ("attending", False, False, "Your agency said it can come"),
        ("apologies", False, False, "Your agency sent apologies"),
        ("attending", False, True, "Your practice said it can come"),
        (
            "apologies_with_update",
            False,
            True,
            "Your practice sent apologies with a written update",
        ),
        (None, False, False, ""),  # an organiser without an invitation
    ],
)
def test_the_answer_is_said_as_the_persons_or_their_agencys(answer, by_name, practice, said):
    assert part_in_meeting(answer, chairs=False, by_name=by_name, practice=practice) == said


@pytest.mark.parametrize("answer", [None, "awaiting", "attending"])
def test_the_chair_is_chairing_whatever_any_invitation_says(answer):
    assert part_in_meeting(answer, chairs=True, by_name=True) == "You are chairing"
