"""Cleaning what a client sends before it is stored: pure functions (issue 11, section 6)."""

from __future__ import annotations

import pytest

from tas.client import clean_address, clean_text


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        (None, None),
        ("", None),
        ("\x00\x1f", None),
        ("  Safari\t/17 ", "Safari/17"),
        ("a\u2028b", "a\u2028b"),  # printable Unicode stays
        ("x\ud800y", "xy"),
    ],
)
def test_clean_text(value, cleaned):
    assert clean_text(value, 200) == cleaned


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        (None, "unknown"),
        ("127.0.0.1", "127.0.0.1"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("10.0.0.1, 10.0.0.2", "unknown"),
        ("1" * 100, "unknown"),
    ],
)
def test_clean_address(value, cleaned):
    assert clean_address(value) == cleaned
