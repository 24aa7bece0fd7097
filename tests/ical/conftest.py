"""Calendar tests run on the meetings' fixed day: Friday 27 November 2026, 09:30 in London (GMT);
the factories' meeting is on Wednesday 2 December."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_a_school_day():
    with time_machine.travel(NOW, tick=True):
        yield
