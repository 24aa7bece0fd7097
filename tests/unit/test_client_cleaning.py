"""Cleaning what a client sends before it is stored: pure functions (issue 11, section 6)."""

from __future__ import annotations

import pytest

from tas.client import clean_address, clean_text, throttle_key


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
        ("203.0.113.5:51234", "203.0.113.5"),  # a proxy that adds the port
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # an IPv4 address mapped into IPv6
        ("2001:DB8::1", "2001:db8::1"),
    ],
)
def test_clean_address(value, cleaned):
    assert clean_address(value) == cleaned


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("203.0.113.5:51234", "203.0.113.5"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # the same network
        ("[2001:db8:1:3::9]:443", "2001:db8:1:3::/64"),
        ("not an address", "unknown"),
    ],
)
def test_per_address_limits_count_an_ipv6_clients_whole_network(value, key):
    assert throttle_key(value) == key
