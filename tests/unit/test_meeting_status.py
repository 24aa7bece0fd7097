"""The status people see of a meeting: one that has ended waits for its minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tas.meetings.rules import shown_status, started_by

ENDS = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "now", "shown"),
    [
        ("scheduled", ENDS - timedelta(minutes=1), "Scheduled"),
        ("scheduled", ENDS, "Awaiting minutes"),
        ("scheduled", ENDS + timedelta(days=30), "Awaiting minutes"),
        ("held", ENDS + timedelta(days=1), "Held"),
        ("held", ENDS - timedelta(hours=1), "Held"),
        ("cancelled", ENDS + timedelta(days=1), "Cancelled"),
        ("cancelled", ENDS - timedelta(days=1), "Cancelled"),
    ],
)
def test_a_scheduled_meeting_that_has_ended_is_awaiting_minutes(status, now, shown):
    assert shown_status(status, ENDS, now).label == shown


def test_a_meeting_has_started_by_its_start_time():
    """What booking, a series and a move all ask of a new start (tas.meetings.rules)."""
    starts = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert not started_by(starts, starts - timedelta(minutes=1))
    assert started_by(starts, starts)
    assert started_by(starts, starts + timedelta(hours=3))
