"""Signing in, with throttles that hold across web workers (docs/security.md A3; issue 11,
section 3).

Three counts, kept in the database so every worker shares them:
- per account: wrong passwords since its last successful sign-in (SIGN_IN_MAX_FAILURES within
  SIGN_IN_WINDOW_MINUTES), from browsers that have not signed in to it before;
- per client address, whatever accounts it tries (SIGN_IN_ADDRESS_MAX_FAILURES within
  SIGN_IN_ADDRESS_WINDOW_MINUTES), for those same browsers;
- per account from browsers that have signed in to it before (tas.auth.devices), apart, with
  the account's limit: strangers' wrong passwords never lock the owner out.

An attempt is counted before its password is checked: under a lock (tas.core.transactions) the
counts are read and the attempt is added, as a failure, in one short transaction. So wrong
passwords sent all at once through several workers get no more than the limit checked; a right
password then marks its attempt succeeded. Refused attempts are not counted, so a pause lasts
one window from the last counted failure and never becomes permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select, update

from tas.audit.services import record
from tas.auth import devices, rules
from tas.auth.factors import services as second_factors
from tas.auth.models import SignInAttempt
from tas.auth.passwords import hash_password, needs_rehash, password_matches
from tas.auth.services import start_session
from tas.client import throttle_key
from tas.core.clock import utcnow
from tas.core.transactions import lock, write_transaction
from tas.extensions import db
from tas.organisations.models import User
from tas.organisations.rules import normalise_email
from tas.outbox import services as outbox


@dataclass(frozen=True)
class SignIn:
    """What happened when someone tried to sign in."""

    user: User | None = None
    throttled_until: datetime | None = None
    throttled_by: str | None = None  # "account" or "address"


@dataclass(frozen=True)
class _Counted:
    """An attempt counted (its row's id), or refused while paused (until when, and why)."""

    attempt_id: int | None = None
    refused_until: datetime | None = None
    refused_by: str | None = None
    pauses_account: bool = False  # if this one is wrong, the account is paused from now


def sign_in(
    email: str,
    password: str,
    ip: str | None,
    user_agent: str | None,
    known_account: tuple[int, str] | None = None,
) -> SignIn:
    """Count the attempt (unless paused), check the password, start a session when it is
    right. known_account: the account this browser signed in to before, if any, with its
    password stamp (tas.auth.devices)."""
    email = normalise_email(email)[:254]
    user = db.session.scalar(select(User).where(User.email == email))
    user_id = user.id if user else None
    stored_hash = user.password_hash if user else None
    known_device = devices.recognises(known_account, user)
    counted = _count(email, throttle_key(ip), known_device, utcnow())
    if counted.attempt_id is None:
        return SignIn(throttled_until=counted.refused_until, throttled_by=counted.refused_by)
    # The slow part, outside any lock: the attempt is already counted.
    valid = password_matches(stored_hash, password)
    with write_transaction():
        user = db.session.get(User, user_id) if user_id else None
        if not (valid and user and user.active):
            record("sign_in_failed", actor=user, detail={"email": rules.email_for_audit(email)})
            if counted.pauses_account and user and user.active:
                _tell_owner(user)
            return SignIn()
        db.session.execute(
            update(SignInAttempt)
            .where(SignInAttempt.id == counted.attempt_id)
            .values(succeeded=True)
            .execution_options(synchronize_session=False)
        )
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        start_session(user, ip, user_agent)
        second_factors.begin(user)  # what this session still needs: a factor, or enrolling
        record("sign_in", actor=user)
    return SignIn(user=user)


def _count(email: str, ip: str, known_device: bool, now: datetime) -> _Counted:
    """Under the address's and the account's locks: refuse while paused, else add the attempt
    as a failure (a right password marks it succeeded afterwards). `ip` is the address as the
    throttles count it (an IPv6 client's /64 network: tas.client.throttle_key)."""
    config = current_app.config
    limit = config["SIGN_IN_MAX_FAILURES"]
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    address_limit = config["SIGN_IN_ADDRESS_MAX_FAILURES"]
    address_window = timedelta(minutes=config["SIGN_IN_ADDRESS_WINDOW_MINUTES"])
    with write_transaction():
        lock(f"sign-in-address:{ip}", f"sign-in-account:{email}")
        if not known_device:
            from_address = _address_failures(ip, now - 2 * address_window, address_limit)
            until = rules.throttled_until(from_address, address_limit, address_window)
            if until and until > now:
                return _refused(email, until, "address")
        attempts = _account_attempts(email, now - 2 * window, limit)
        failures = rules.failures_since_success(attempts, known_device)
        until = rules.throttled_until(failures, limit, window)
        if until and until > now:
            return _refused(email, until, "account")
        attempt = SignInAttempt(
            email=email, succeeded=False, at=now, ip_address=ip, known_device=known_device
        )
        db.session.add(attempt)
        db.session.flush()
        pauses = not known_device and rules.throttled_until([now, *failures], limit, window)
        return _Counted(attempt_id=attempt.id, pauses_account=bool(pauses))


def _refused(email: str, until: datetime, by: str) -> _Counted:
    record("sign_in_throttled", detail={"email": rules.email_for_audit(email), "by": by})
    return _Counted(refused_until=until, refused_by=by)


def _address_failures(ip: str | None, since: datetime, limit: int) -> list[datetime]:
    """Failed attempts from this client address (browsers unknown to the account), newest
    first: as many as the limit needs."""
    return list(
        db.session.scalars(
            select(SignInAttempt.at)
            .where(
                SignInAttempt.ip_address == ip,
                SignInAttempt.succeeded.is_(False),
                SignInAttempt.known_device.is_(False),
                SignInAttempt.at >= since,
            )
            .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc())
            .limit(limit)
        )
    )


def _account_attempts(email: str, since: datetime, limit: int) -> list[tuple]:
    """The account's recent attempts, newest first: (at, succeeded, known_device). Enough for
    both kinds of failure to reach the limit twice over (refused attempts are not rows)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(SignInAttempt.at, SignInAttempt.succeeded, SignInAttempt.known_device)
            .where(SignInAttempt.email == email, SignInAttempt.at >= since)
            .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc())
            .limit(4 * (limit + 1))
        )
    ]


def _tell_owner(user: User) -> None:
    """Email the account's owner, once per pause, that strangers' attempts are being refused
    (no child is named: the email is about the account only)."""
    config = current_app.config
    minutes = config["SIGN_IN_WINDOW_MINUTES"]
    body = render_template(
        "auth/email/sign_in_paused.txt",
        user=user,
        failures=config["SIGN_IN_MAX_FAILURES"],
        minutes=minutes,
        link=f"{config['BASE_URL'].rstrip('/')}/password-reset",
        config=config,
    )
    subject = f"Sign-in to your {config['SERVICE_NAME']} account was paused"
    outbox.queue([(user.email, user.name)], subject, body)
    record("sign_in_paused", target=user, detail={"minutes": minutes})
