"""Second factors at sign-in and for powerful actions: what a new session still needs, the
person's factors, and confirming one (an authenticator code, a passkey, a recovery code, or the
password for someone with no factor), counted and throttled like passwords (docs/security.md
A3, A4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select, update

from tas.audit.services import record
from tas.auth import rules as auth_rules
from tas.auth.factors import passkeys, remembered, rules
from tas.auth.factors.models import (
    AuthenticatorApp,
    FactorAttempt,
    Passkey,
    RecoveryCode,
    SecondFactorWaiver,
)
from tas.auth.factors.sealing import unseal
from tas.auth.passwords import password_matches
from tas.core.clock import utcnow
from tas.core.transactions import lock, write_transaction
from tas.extensions import db
from tas.organisations.models import User
from tas.outbox import services as outbox


@dataclass
class Factors:
    """A person's second factors: their confirmed authenticator app, passkeys, recovery codes
    left."""

    app: AuthenticatorApp | None = None
    passkeys: list[Passkey] = field(default_factory=list)
    recovery_left: int = 0

    @property
    def any(self) -> bool:
        return self.app is not None or bool(self.passkeys)

    def passkeys_here(self) -> list[Passkey]:
        """The passkeys that work at the host this page was opened at."""
        host = passkeys.host()
        return [p for p in self.passkeys if host and p.rp_id == host]


@dataclass(frozen=True)
class Confirmed:
    """What came of confirming: right (and how), wrong, paused until a time, or locked until
    a new password."""

    ok: bool = False
    method: str | None = None
    paused_until: datetime | None = None
    locked: bool = False


def factors_of(user: User) -> Factors:
    app = db.session.scalar(
        select(AuthenticatorApp).where(
            AuthenticatorApp.user_id == user.id, AuthenticatorApp.confirmed_at.is_not(None)
        )
    )
    keys = list(
        db.session.scalars(
            select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)
        )
    )
    left = db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return Factors(app=app, passkeys=keys, recovery_left=left)


def waiver() -> str | None:
    """Why this database's accounts need no second factor (the demo's words), or None. Never
    in production, whatever a restored database holds."""
    if not current_app.config["SECOND_FACTOR_WAIVER_ALLOWED"]:
        return None
    return db.session.scalar(select(SecondFactorWaiver.reason).limit(1))


def waive(reason: str) -> bool:
    """Let this database's accounts sign in without a second factor (demo data and generated
    districts only, whose passwords are published; refused in production by their callers).
    The caller commits; False when it was waived already."""
    if waiver() is not None:
        return False
    db.session.add(SecondFactorWaiver(reason=reason))
    record("second_factor_waived", detail={"reason": reason})
    return True


def role_requires(user: User) -> bool:
    return user.role in rules.required_roles(current_app.config["SECOND_FACTOR_ROLES"])


def must_keep_one(user: User) -> bool:
    """Whether the person may not be left without a second factor."""
    return role_requires(user) and waiver() is None


def begin(user: User) -> None:
    """Set what the session a password just started still needs (the caller commits): a
    factor the person has, unless this browser is remembered; enrolment when their role
    requires one; or nothing. Signing in with a password is itself a fresh confirmation for
    someone with no second factor."""
    has = factors_of(user).any
    needed = rules.still_needed(
        has_factor=has,
        role_requires=role_requires(user),
        waived=waiver() is not None,
        remembered=has and remembered.remembers(user),
    )
    row = user.signed_in_session
    row.factor_check = needed
    row.confirmed_at = None if has else utcnow()
    if has and needed is None:
        record("second_factor_skipped", actor=user, detail={"why": "remembered_device"})


def needs(user: User) -> str | None:
    """What this session still needs before anything else (rules.CONFIRM, rules.ENROL)."""
    return user.signed_in_session.factor_check


def enrolment_still_needed(user: User) -> str:
    """For a session still setting up its first factor: ENROL while the person has none, else
    CONFIRM (the session now gives the one set up, committed)."""
    if not factors_of(user).any:
        return rules.ENROL
    user.signed_in_session.factor_check = rules.CONFIRM
    user.signed_in_session.confirmed_at = None
    db.session.commit()
    return rules.CONFIRM


def is_fresh(user: User) -> bool:
    return rules.is_fresh(
        user.signed_in_session.confirmed_at,
        utcnow(),
        current_app.config["FRESH_SIGN_IN_MINUTES"],
    )


def mark_confirmed(user: User) -> None:
    """This session has its second factor, as of now; the caller commits."""
    row = user.signed_in_session
    row.factor_check, row.confirmed_at = None, utcnow()


def confirm(user: User, *, code: str = "", passkey: str = "", recovery: str = "", password=""):
    """Check what the person gave (one of the four), counted first under the account's lock
    so that guesses sent at once cannot pass the limit; on success the session is confirmed
    now. Returns Confirmed."""
    attempt_id, refused = _tried(user)
    if refused is not None:
        return refused
    method = _check(user, code=code, passkey=passkey, recovery=recovery, password=password)
    with write_transaction():
        if method is None:
            _wrong(user, "second_factor_failed")
            return Confirmed()
        _right(attempt_id)
        mark_confirmed(user)
        record("second_factor_confirmed", actor=user, detail={"method": method})
        if method == "recovery":
            _tell_owner(user, "recovery_code_used")
    return Confirmed(ok=True, method=method)


def check_current_password(user: User, password: str) -> Confirmed:
    """The current password, as changing it asks for: counted with the account's other tries to
    prove it is them (paused, then locked, as they are), a wrong one audited, so a session left
    open is no way to guess the password at leisure. Does not confirm the session."""
    attempt_id, refused = _tried(user)
    if refused is not None:
        return refused
    right = password_matches(user.password_hash, password)
    with write_transaction():
        if not right:
            _wrong(user, "current_password_wrong")
            return Confirmed()
        _right(attempt_id)
    return Confirmed(ok=True, method="password")


def _tried(user: User) -> tuple[int | None, Confirmed | None]:
    """The try counted (its id), or what to answer while the account is paused or locked."""
    attempt_id, paused_until = _count(user)
    if attempt_id is not None:
        return attempt_id, None
    record("second_factor_throttled", actor=user, detail={"locked": paused_until is None})
    db.session.commit()
    return None, Confirmed(paused_until=paused_until, locked=paused_until is None)


def _wrong(user: User, action: str) -> None:
    """A wrong try, audited; the owner is told when it locks or starts a pause."""
    record(action, actor=user)
    if locked(user, utcnow()):
        _tell_owner(user, "second_factor_locked")
    elif _now_paused(user):
        _tell_owner(user, "second_factor_paused")


def _right(attempt_id: int) -> None:
    db.session.execute(
        update(FactorAttempt).where(FactorAttempt.id == attempt_id).values(succeeded=True)
    )


def _check(user: User, *, code: str, passkey: str, recovery: str, password: str) -> str | None:
    """Which method proved it is the person, or None. Only one is looked at."""
    if passkey:
        return "passkey" if _passkey_ok(user, passkey) else None
    if recovery:
        return "recovery" if _recovery_ok(user, recovery) else None
    if code:
        return "app" if _code_ok(user, code) else None
    if password and not factors_of(user).any:
        return "password" if password_matches(user.password_hash, password) else None
    return None


def _code_ok(user: User, code: str) -> bool:
    app = factors_of(user).app
    secret = unseal(app.sealed_secret) if app else None
    step = rules.matching_step(secret, code, utcnow()) if secret else None
    if step is None or not rules.not_replayed(step, app.last_step):
        return False
    # Taken once even when two workers check the same code at the same moment.
    taken = db.session.execute(
        update(AuthenticatorApp)
        .where(
            AuthenticatorApp.id == app.id,
            (AuthenticatorApp.last_step.is_(None)) | (AuthenticatorApp.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _passkey_ok(user: User, response: str) -> bool:
    credential_id = passkeys.credential_id_of(response)
    key = db.session.scalar(
        select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == credential_id)
    )
    count = passkeys.authenticated(response, key) if key else None
    if count is None:
        return False
    key.sign_count, key.last_used_at = count, utcnow()
    return True


def _recovery_ok(user: User, typed: str) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == rules.recovery_hash(user.id, typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def _limits() -> tuple[int, timedelta]:
    config = current_app.config
    return config["SECOND_FACTOR_MAX_FAILURES"], timedelta(
        minutes=config["SECOND_FACTOR_WINDOW_MINUTES"]
    )


def _failures(user: User, now: datetime) -> list[datetime]:
    limit, window = _limits()
    attempts = db.session.execute(
        select(FactorAttempt.at, FactorAttempt.succeeded)
        .where(FactorAttempt.user_id == user.id, FactorAttempt.at >= now - 2 * window)
        .order_by(FactorAttempt.at.desc(), FactorAttempt.id.desc())
        .limit(2 * (limit + 1))
    )
    return auth_rules.failures_since_success(((a, s, False) for a, s in attempts), False)


def locked(user: User, now: datetime) -> bool:
    """Whether the account's second step is stopped: SECOND_FACTOR_LOCK_FAILURES wrong tries
    since the last right one (within SECOND_FACTOR_LOCK_DAYS), however slowly they came. Only
    a new password (the owner's, through a reset) or an administrator's reset opens it again."""
    config = current_app.config
    most = config["SECOND_FACTOR_LOCK_FAILURES"]
    since = now - timedelta(days=config["SECOND_FACTOR_LOCK_DAYS"])
    attempts = db.session.execute(
        select(FactorAttempt.succeeded)
        .where(FactorAttempt.user_id == user.id, FactorAttempt.at >= since)
        .order_by(FactorAttempt.at.desc(), FactorAttempt.id.desc())
        .limit(most)
    ).scalars()
    failures = 0
    for succeeded in attempts:
        if succeeded:
            break
        failures += 1
    return failures >= most


def _count(user: User) -> tuple[int | None, datetime | None]:
    """Add this try as a failure under the account's lock, or refuse it while paused (until
    when) or locked (None, None)."""
    limit, window = _limits()
    now = utcnow()
    with write_transaction():
        lock(f"second-factor:{user.id}")
        if locked(user, now):
            return None, None
        until = auth_rules.throttled_until(_failures(user, now), limit, window)
        if until and until > now:
            return None, until
        attempt = FactorAttempt(user_id=user.id, at=now, succeeded=False)
        db.session.add(attempt)
        db.session.flush()
        return attempt.id, None


def _now_paused(user: User) -> bool:
    """Whether the failure just counted started a pause (each pause is told to the owner)."""
    limit, window = _limits()
    now = utcnow()
    failures = _failures(user, now)
    until = auth_rules.throttled_until(failures, limit, window)
    recent = [at for at in failures if now - at <= window]
    return bool(until) and len(recent) == limit


def _tell_owner(user: User, what: str) -> None:
    """Email the person about their own account (no child in it); the caller commits."""
    config = current_app.config
    subjects = {
        "second_factor_paused": "Someone used your password but not your second factor",
        "recovery_code_used": "A recovery code was used to sign in to your account",
        "second_factor_locked": "Signing in to your account is stopped: reset your password",
    }
    body = render_template(
        f"auth/email/{what}.txt",
        user=user,
        left=factors_of(user).recovery_left,
        minutes=config["SECOND_FACTOR_WINDOW_MINUTES"],
        link=f"{config['BASE_URL'].rstrip('/')}/account/second-factors",
        reset_link=f"{config['BASE_URL'].rstrip('/')}/password-reset",
        config=config,
    )
    outbox.queue([(user.email, user.name)], f"{config['SERVICE_NAME']}: {subjects[what]}", body)
