"""Sign-in use cases: sessions, throttling, password changes and emailed password links."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, g, render_template
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.auth import rules
from tas.auth.factors.models import FactorAttempt
from tas.auth.factors.remembered import forget_all as forget_remembered_devices
from tas.auth.models import PasswordResetRequest, PasswordToken, SignInAttempt, UserSession
from tas.auth.passwords import hash_password
from tas.client import MAX_ADDRESS_LENGTH, clean_text, throttle_key
from tas.core.clock import utcnow
from tas.core.transactions import lock, write_transaction
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.organisations.models import User
from tas.organisations.rules import normalise_email
from tas.outbox import services as outbox

USER_AGENT_LENGTH = 200  # UserSession.user_agent
HOUR = timedelta(hours=1)


def start_session(user: User, ip: str | None, user_agent: str | None) -> None:
    """Add a session row for this browser; the caller commits. The client's headers are
    cleaned first: a NUL byte or control character is never stored (issue 11, 6)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=rules.hash_token(token),
        user=user,
        ip_address=clean_text(ip, MAX_ADDRESS_LENGTH),
        user_agent=clean_text(user_agent, USER_AGENT_LENGTH),
    )
    db.session.add(row)
    user.session_token = token
    user.signed_in_session = row


def user_for_session(token: str) -> User | None:
    """The signed-in user for a session cookie, or None when it has ended or run out. Every
    signed-in request pays for this, so the session and its user are read in one statement."""
    row = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == rules.hash_token(token))
    )
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    config = current_app.config
    now = utcnow()
    reason = rules.session_end_reason(
        now,
        row.created_at,
        row.last_seen_at,
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )
    if reason:
        row.ended_at, row.end_reason = now, f"timeout_{reason}"
        record("session_timed_out", actor=row.user, detail={"reason": reason})
        db.session.commit()
        g.session_timeout = (row.user_id, reason)
        return None
    if now - row.last_seen_at >= timedelta(seconds=config["SESSION_TOUCH_SECONDS"]):
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    user.session_token = token
    user.signed_in_session = row
    return user


def seconds_until_idle_timeout(user: User) -> int:
    """How long the current session has before it times out from inactivity."""
    row = user.signed_in_session
    config = current_app.config
    idle_end = row.last_seen_at + timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute_end = row.created_at + timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    return max(0, int((min(idle_end, absolute_end) - utcnow()).total_seconds()))


def keep_session_alive(user: User) -> None:
    """The person chose to stay signed in: count this as activity now."""
    user.signed_in_session.last_seen_at = utcnow()
    db.session.commit()


def sign_out(user: User) -> None:
    """End this browser's session."""
    row = user.signed_in_session
    row.ended_at, row.end_reason = utcnow(), "signed_out"
    record("sign_out", actor=user)
    db.session.commit()


def end_sessions(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End the user's sessions (all, or all but one); the caller commits."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(
        query.values(ended_at=utcnow(), end_reason=reason).execution_options(
            synchronize_session=False
        )
    )
    return result.rowcount


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions that have not ended, newest first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.created_at.desc())
        )
    )


def end_other_sessions(user: User) -> int:
    """Sign the user out everywhere but here."""
    ended = end_sessions(user, "ended_by_user", keep=user.signed_in_session)
    record("sessions_ended", actor=user, detail={"count": ended})
    db.session.commit()
    return ended


def end_one_session(user: User, session_id: int) -> bool:
    """End one of the user's own other sessions; False when there is no such session."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at or row is user.signed_in_session:
        return False
    row.ended_at, row.end_reason = utcnow(), "ended_by_user"
    record("session_ended", actor=user, target=row)
    db.session.commit()
    return True


def password_problem_for(user: User, password: str) -> str | None:
    """Why this user cannot choose this password, or None."""
    return rules.password_problem(password, rules.context_words(user.name, user.email))


def change_password(user: User, new_password: str, ip: str | None, agent: str | None) -> None:
    """Store a new password and end every existing session; this browser gets a fresh one,
    as far signed in as the one it replaces (its second factor given, and when)."""
    before = user.signed_in_session
    user.password_hash = hash_password(new_password)
    end_sessions(user, "password_changed")
    withdraw_password_links(user)
    start_session(user, ip, agent)
    user.signed_in_session.factor_check = before.factor_check
    user.signed_in_session.confirmed_at = before.confirmed_at
    record("password_changed", actor=user)
    db.session.commit()


def forget_factor_attempts(user: User) -> None:
    """Forget the person's counted second-factor tries; the caller commits."""
    db.session.execute(
        delete(FactorAttempt)
        .where(FactorAttempt.user_id == user.id)
        .execution_options(synchronize_session=False)
    )


def withdraw_password_links(user: User) -> None:
    """Make every unused password link of the user stop working; the caller commits."""
    db.session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


class LinkSentRecently(Refused):
    """The account has been emailed as many password links as an hour allows: no more go out
    until the oldest of them is an hour old. An administrator is told so, plainly."""

    def __init__(self, user: User, next_at: datetime, now: datetime):
        per_hour = current_app.config["PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR"]
        wait = rules.minutes_in_words(rules.seconds_to_wait(next_at, now))
        super().__init__(
            {
                "user": f"{user.name} has been emailed {per_hour} password links in the last "
                "hour, so no new link was sent. Ask them to use the newest email (and to check "
                f"their junk folder), or send another in {wait}."
            }
        )
        self.next_at = next_at


def send_password_link(user: User, purpose: str) -> None:
    """Email a single-use link to set a password ("setup") or reset it ("reset"); no commit.
    LinkSentRecently when the account had PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR in the last hour
    (counted under the account's lock, so links asked for at once cannot all go)."""
    config = current_app.config
    now = utcnow()
    lock(f"password-links:{user.id}")
    sent = db.session.scalars(
        select(PasswordToken.created_at)
        .where(PasswordToken.user_id == user.id, PasswordToken.created_at > now - HOUR)
        .order_by(PasswordToken.created_at.desc())
    ).all()
    next_at = rules.next_link_at(sent, config["PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR"], now)
    if next_at is not None:
        raise LinkSentRecently(user, next_at, now)
    hours = config["PASSWORD_SETUP_HOURS" if purpose == "setup" else "PASSWORD_RESET_HOURS"]
    withdraw_password_links(user)  # only the newest link works
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordToken(
            token_hash=rules.hash_token(token),
            user=user,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    link = f"{config['BASE_URL'].rstrip('/')}/password/{token}"
    subject = {
        "setup": f"Your {config['SERVICE_NAME']} account: set your password",
        "reset": f"Reset your {config['SERVICE_NAME']} password",
    }[purpose]
    body = render_template(
        f"auth/email/{purpose}.txt", user=user, link=link, hours=hours, config=config
    )
    outbox.queue([(user.email, user.name)], subject, body)


def request_password_reset(email: str, ip: str | None) -> None:
    """Send a reset link when the address belongs to an active account, unless this client
    address asked PASSWORD_RESETS_PER_ADDRESS_PER_HOUR times in the last hour or the account
    had its links for the hour. The person is told the same whatever happened."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    address, now = throttle_key(ip), utcnow()
    with write_transaction():
        lock(f"password-resets:{address}")
        asked = db.session.scalar(
            select(func.count(PasswordResetRequest.id)).where(
                PasswordResetRequest.ip_address == address, PasswordResetRequest.at > now - HOUR
            )
        )
        if asked >= current_app.config["PASSWORD_RESETS_PER_ADDRESS_PER_HOUR"]:
            # Not counted: asking on and on from here does not keep the pause going.
            record("password_reset_throttled", actor=user, detail={"by": "address"})
            return
        db.session.add(PasswordResetRequest(at=now, ip_address=address))
        if user is None or not user.active:
            return
        try:
            send_password_link(user, "reset")
        except LinkSentRecently:
            record("password_reset_throttled", actor=user, detail={"by": "account"})
        else:
            record("password_reset_requested", actor=user)


def valid_password_link(token: str) -> PasswordToken | None:
    """The unused, unexpired link for this token, or None."""
    link = db.session.scalar(
        select(PasswordToken).where(PasswordToken.token_hash == rules.hash_token(token))
    )
    if link is None or link.used_at or link.expires_at <= utcnow() or not link.user.active:
        return None
    return link


def set_password_from_link(link: PasswordToken, new_password: str) -> User:
    """Use the link once: store the password and end every session the user had. Every
    browser remembered for their second factor is forgotten too: after a reset the next
    sign-in asks for it wherever it is (docs/security.md A4)."""
    user = link.user
    user.password_hash = hash_password(new_password)
    end_sessions(user, "password_changed")
    forget_remembered_devices(user)
    forget_factor_attempts(user)  # a new password opens a second step stopped by guesses
    # The link proved the account is theirs: the sign-in pause that sent them to reset their
    # password ends with it, as a right password would end it (a pause per network stays).
    db.session.add(SignInAttempt(email=normalise_email(user.email), succeeded=True))
    withdraw_password_links(user)
    record("password_set", actor=user, detail={"purpose": link.purpose})
    db.session.commit()
    return user
