"""Review tests run on a fixed day: Friday 27 November 2026, 09:30 in London (GMT). Tests that
walk through time travel themselves (time_machine) from inside a test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_a_working_day():
    with time_machine.travel(NOW, tick=True):
        yield
