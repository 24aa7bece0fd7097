"""The pure second-factor rules (tas/auth/factors/rules.py): no app, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tas.auth.factors import rules

NOW = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def at(seconds: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + timedelta(seconds=seconds))


@pytest.mark.parametrize(
    ("has", "requires", "waived", "remembered", "needed"),
    [
        (True, True, False, False, rules.CONFIRM),
        (True, False, False, False, rules.CONFIRM),  # one set up is always asked for
        (True, True, True, False, rules.CONFIRM),  # even in the demo
        (True, True, False, True, None),  # a remembered browser
        (False, True, False, False, rules.ENROL),
        (False, True, True, False, None),  # the demo's waiver
        (False, False, False, False, None),
    ],
)
def test_what_a_password_sign_in_still_needs(has, requires, waived, remembered, needed):
    found = rules.still_needed(
        has_factor=has, role_requires=requires, waived=waived, remembered=remembered
    )
    assert found == needed


def test_a_confirmation_is_fresh_for_the_minutes_set_and_no_longer():
    assert rules.is_fresh(NOW, NOW + timedelta(minutes=10), 10)
    assert not rules.is_fresh(NOW, NOW + timedelta(minutes=10, seconds=1), 10)
    assert not rules.is_fresh(None, NOW, 10)


@pytest.mark.parametrize(
    ("offset", "taken"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)]
)
def test_a_code_is_taken_within_one_step_of_drift(offset, taken):
    step = rules.matching_step(SECRET, at(offset), NOW)
    assert (step is not None) == taken
    if taken:
        assert step == int(NOW.timestamp()) // 30 + offset // 30


def test_a_code_counts_once():
    step = rules.matching_step(SECRET, at(0), NOW)
    assert rules.not_replayed(step, None)
    assert not rules.not_replayed(step, step)
    assert not rules.not_replayed(step - 1, step)
    assert rules.not_replayed(step + 1, step)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "The code must be 6 digits, like 123456"),
        ("12a456", "The code must be 6 digits, like 123456"),
        ("123 456", None),
        ("123-456", None),
        ("１２３４５６", None),  # full-width digits: the same code
        ("١٢٣٤٥٦", None),  # Arabic-Indic digits
        ("12345²", "The code must be 6 digits, like 123456"),  # a digit, but not a decimal
    ],
)
def test_what_is_wrong_with_a_typed_code(typed, problem):
    assert rules.code_problem(typed) == problem


def test_a_code_typed_in_other_digits_is_the_same_code_never_a_failure():
    """Typed on a full-width or Arabic-Indic keyboard, the right code is taken, and a wrong
    one is simply wrong (comparing it used to fail with a TypeError: a 500)."""
    right = at(0)
    full_width = right.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    arabic = right.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert rules.matching_step(SECRET, full_width, NOW) is not None
    assert rules.matching_step(SECRET, arabic, NOW) is not None
    assert rules.matching_step(SECRET, "٠٠٠٠٠٠" if right != "000000" else "١١١١١١", NOW) is None


def test_recovery_codes_are_ten_distinct_readable_codes_hashed_per_account():
    codes = rules.new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set(code.replace("-", "")) <= set(rules.RECOVERY_ALPHABET)
    first = codes[0]
    assert rules.recovery_hash(7, first) == rules.recovery_hash(7, f" {first.upper()} ")
    assert rules.recovery_hash(7, first) != rules.recovery_hash(8, first)
    assert first not in rules.recovery_hash(7, first)


@pytest.mark.parametrize(
    ("host", "rp_id"),
    [
        ("localhost:5000", "localhost"),
        ("TAS.Example.org", "tas.example.org"),
        ("127.0.0.1:5000", None),  # browsers refuse a passkey for an IP address
        ("[::1]:5000", None),
        ("", None),
    ],
)
def test_passkeys_need_a_host_name(host, rp_id):
    assert rules.passkey_host(host) == rp_id


def test_the_roles_setting_reads_as_text_or_a_list():
    assert rules.required_roles("admin, coordinator dsl") == {"admin", "coordinator", "dsl"}
    assert rules.required_roles(["gp"]) == {"gp"}
    assert rules.required_roles("") == frozenset()


def test_the_secret_is_160_bits_in_groups_to_type():
    secret = rules.new_secret()
    assert len(secret) == 32
    grouped = rules.secret_in_groups(secret)
    assert grouped.replace(" ", "") == secret and grouped.count(" ") == 7
    uri = rules.provisioning_uri(secret, account="dana@oakfield.example", issuer="TAS Coordinator")
    assert uri.startswith("otpauth://totp/TAS%20Coordinator:dana%40oakfield.example?secret=")
