"""Flag tests run at a fixed moment: Friday 11 December 2026, 10:00 in London
(GMT)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 12, 11, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_a_friday_morning():
    with time_machine.travel(NOW, tick=True):
        yield
