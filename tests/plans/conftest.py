"""Plan tests run on a fixed day, after the factories' plans (8 September 2026) started."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

TODAY = datetime(2026, 10, 12, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def on_a_school_day():
    with time_machine.travel(TODAY, tick=True):
        yield
