"""Pure second-factor rules: who must enrol, what a sign-in still needs, codes and their
steps, recovery codes, and how fresh a confirmation is. No Flask, no database: "now" is passed
in."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

import pyotp

# What a signed-in session still needs before it may do anything else.
CONFIRM = "confirm"  # give one of the person's second factors
ENROL = "enrol"  # set one up: the role requires it and the person has none
CODE_DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from one step before or after now is still taken
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 12  # about 59 random bits each
NOT_A_CODE = re.compile(r"[\s-]")


def required_roles(setting: str | list[str] | tuple[str, ...] | None) -> frozenset[str]:
    """SECOND_FACTOR_ROLES as a set of role codes: a list, or text separated by commas or
    spaces."""
    if isinstance(setting, str):
        return frozenset(setting.replace(",", " ").split())
    return frozenset(setting or ())


def still_needed(*, has_factor: bool, role_requires: bool, waived: bool, remembered: bool):
    """What a password sign-in still needs: CONFIRM a factor the person has (unless this
    browser is remembered), ENROL one when their role requires it (unless the demo waived the
    requirement), or nothing (None)."""
    if has_factor:
        return None if remembered else CONFIRM
    if role_requires and not waived:
        return ENROL
    return None


def is_fresh(confirmed_at: datetime | None, now: datetime, minutes: int) -> bool:
    """Whether the person proved it is them recently enough for a powerful action."""
    return confirmed_at is not None and now - confirmed_at <= timedelta(minutes=minutes)


def tidy_code(typed: str) -> str:
    """A code as typed, without spaces or hyphens (pasted codes often carry them), its digits
    the plain 0 to 9 whatever keyboard typed them (full-width, Arabic-Indic...)."""
    code = NOT_A_CODE.sub("", typed or "").lower()
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in code)


def code_problem(typed: str) -> str | None:
    """Why what was typed cannot be an authenticator code, in words for the person, or None."""
    code = tidy_code(typed)
    if not code:
        return "Enter the 6-digit code from your authenticator app"
    if not (code.isascii() and code.isdigit()) or len(code) != CODE_DIGITS:
        return "The code must be 6 digits, like 123456"
    return None


def matching_step(secret: str, typed: str, now: datetime) -> int | None:
    """The time step whose code this is, within one step of now, or None."""
    code = tidy_code(typed)
    if code_problem(code):
        return None
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def not_replayed(step: int, last_step: int | None) -> bool:
    """A code counts once: only a step after the last one accepted."""
    return last_step is None or step > last_step


def new_secret() -> str:
    """A new authenticator app secret: 160 random bits, base32 as the apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address the QR code holds."""
    return pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def secret_in_groups(secret: str) -> str:
    """The secret as it is easiest to type: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    """Ten recovery codes, each shown as three groups of four letters and digits."""
    return [
        "-".join(
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4))
            for _ in range(RECOVERY_LENGTH // 4)
        )
        for _ in range(RECOVERY_CODES)
    ]


def recovery_hash(user_id: int, typed: str) -> str:
    """How a recovery code is stored: SHA-256 of the account and the tidied code."""
    return hashlib.sha256(f"{user_id}:{tidy_code(typed)}".encode()).hexdigest()


def passkey_host(host: str) -> str | None:
    """The relying party id for a request's host, or None when passkeys cannot work there: a
    browser refuses a passkey for an IP address (docs/stack.md), so the page offers the
    authenticator app instead."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if not name:
        return None
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name
    return None


def passkey_name_problem(name: str) -> str | None:
    """Why a passkey's name cannot be used, or None."""
    if not name.strip():
        return "Enter a name for this passkey, like ‘Work laptop’"
    if len(name.strip()) > 60:
        return "The name must be 60 characters or fewer"
    return None
