"""Setting up and taking away second factors: an authenticator app (a QR code and its first
code), passkeys, recovery codes shown once, removing one, and an administrator's reset with a
recorded reason. Each change is audited and the person is emailed about it."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
from flask import current_app, render_template
from sqlalchemy import delete, select

from tas.audit.services import record
from tas.auth.factors import passkeys, remembered, rules
from tas.auth.factors.models import AuthenticatorApp, FactorAttempt, Passkey, RecoveryCode
from tas.auth.factors.sealing import seal, unseal
from tas.auth.factors.services import factors_of, mark_confirmed, must_keep_one
from tas.auth.services import end_sessions
from tas.core.clock import utcnow
from tas.core.use_cases import Refused, commit
from tas.extensions import db
from tas.organisations.models import User
from tas.organisations.safeguarding import leads_of
from tas.outbox import services as outbox

PENDING_MINUTES = 30  # an app being set up keeps its secret this long
LAST_ONE = (
    "You need a second factor to sign in: add another passkey or an authenticator app before "
    "removing this one"
)


def pending_app(user: User) -> AuthenticatorApp:
    """The authenticator app this person is setting up: the one begun in the last half hour,
    or a new one with a new secret (committed, so the QR code stays the same on reload)."""
    since = utcnow() - timedelta(minutes=PENDING_MINUTES)
    app = db.session.scalar(
        select(AuthenticatorApp)
        .where(
            AuthenticatorApp.user_id == user.id,
            AuthenticatorApp.confirmed_at.is_(None),
            AuthenticatorApp.created_at >= since,
        )
        .order_by(AuthenticatorApp.id.desc())
    )
    if app is None or unseal(app.sealed_secret) is None:
        app = AuthenticatorApp(user_id=user.id, sealed_secret=seal(rules.new_secret()))
        db.session.add(app)
        db.session.commit()
    return app


def app_secret(app: AuthenticatorApp) -> str:
    return unseal(app.sealed_secret) or ""


def qr_code_svg(user: User, secret: str) -> str:
    """The QR code for an authenticator app, drawn as SVG here (no image library, nothing
    fetched from elsewhere)."""
    uri = rules.provisioning_uri(
        secret, account=user.email, issuer=current_app.config["SERVICE_NAME"]
    )
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title="QR code", nl=False
    )
    return buffer.getvalue().decode()


def confirm_app(user: User, app: AuthenticatorApp, code: str) -> list[str] | None:
    """Confirm the app being set up with its first code: it replaces any app before it. The
    new recovery codes when this is the person's first factor, [] when they had one; None
    when the code is wrong."""
    step = rules.matching_step(app_secret(app), code, utcnow())
    if step is None:
        return None
    first = not factors_of(user).any

    def write() -> list[str]:
        db.session.execute(
            delete(AuthenticatorApp)
            .where(AuthenticatorApp.user_id == user.id, AuthenticatorApp.id != app.id)
            .execution_options(synchronize_session=False)
        )
        app.confirmed_at, app.last_step = utcnow(), step
        return _added(user, "authenticator_app_added", "an authenticator app", first)

    return commit(write)


def add_passkey(user: User, name: str, response: str) -> list[str] | None:
    """Register a passkey from the browser's answer: the recovery codes as confirm_app, or
    None when the answer is not a genuine one for our challenge."""
    new = passkeys.registered(response)
    if new is None:
        return None
    first = not factors_of(user).any

    def write() -> list[str]:
        db.session.add(
            Passkey(
                user_id=user.id,
                credential_id=new.credential_id,
                public_key=new.public_key,
                sign_count=new.sign_count,
                rp_id=new.rp_id,
                name=name.strip(),
            )
        )
        return _added(user, "passkey_added", f"a passkey (‘{name.strip()}’)", first)

    return commit(write, unique=lambda: {"name": "This passkey is already on your account"})


def _added(user: User, action: str, what: str, first: bool) -> list[str]:
    codes = _replace_recovery_codes(user) if first else []
    mark_confirmed(user)  # setting one up proves it, as signing in with it would
    _sign_out_elsewhere(user)
    record(action, actor=user, target=user)
    _tell(user, f"{what} was added")
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    codes = rules.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=rules.recovery_hash(user.id, code))
        for code in codes
    )
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""

    def write() -> list[str]:
        codes = _replace_recovery_codes(user)
        _sign_out_elsewhere(user)
        record("recovery_codes_replaced", actor=user, target=user)
        _tell(user, "new recovery codes were made (the old ones no longer work)")
        return codes

    return commit(write)


def remove_passkey(user: User, passkey_id: int) -> str | None:
    """Remove one of the person's passkeys; its name, or None when it is not theirs.
    Refused when it is the last factor of someone who must keep one."""
    key = db.session.get(Passkey, passkey_id)
    if key is None or key.user_id != user.id:
        return None
    _refuse_last_one(user)
    name = key.name

    def write() -> str:
        db.session.delete(key)
        _removed(user, "passkey_removed", f"the passkey ‘{name}’ was removed")
        return name

    return commit(write)


def remove_app(user: User) -> bool:
    factors = factors_of(user)
    if factors.app is None:
        return False
    _refuse_last_one(user, factors)

    def write() -> bool:
        db.session.delete(factors.app)
        _removed(user, "authenticator_app_removed", "your authenticator app was removed")
        return True

    return commit(write)


def _refuse_last_one(user: User, factors=None) -> None:
    factors = factors or factors_of(user)
    if len(factors.passkeys) + (factors.app is not None) <= 1 and must_keep_one(user):
        raise Refused({"factor": LAST_ONE})


def _removed(user: User, action: str, what: str) -> None:
    db.session.flush()
    if not factors_of(user).any:  # nothing left to recover
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        remembered.forget_all(user)
    _sign_out_elsewhere(user)
    record(action, actor=user, target=user)
    _tell(user, what)


def _sign_out_elsewhere(user: User) -> None:
    """A change of second factors ends the person's other sessions (docs/security.md B10): one
    that signed in with the old factor, or only with the password, is over."""
    end_sessions(user, "second_factors_changed", keep=user.signed_in_session)


def reset_by_administrator(admin: User, person: User, reason: str) -> None:
    """Take away every second factor of the person (they lost their phone, say): they set one
    up again at their next sign-in. Their sessions end; they and their DSL or agency
    safeguarding lead are emailed; the reason is in the audit log."""

    def write() -> None:
        for table in (AuthenticatorApp, Passkey, RecoveryCode, FactorAttempt):
            db.session.execute(
                delete(table)
                .where(table.user_id == person.id)
                .execution_options(synchronize_session=False)
            )
        remembered.forget_all(person)
        end_sessions(person, "second_factors_reset")
        record("second_factors_reset", actor=admin, target=person, detail={"reason": reason})
        config = current_app.config
        subject = f"{config['SERVICE_NAME']}: second factors reset for an account"
        body = render_template(
            "auth/email/second_factors_reset.txt",
            person=person,
            admin=admin,
            reason=reason,
            config=config,
        )
        leads = [(lead.email, lead.name) for lead in leads_of(person) if lead.id != admin.id]
        outbox.queue([(person.email, person.name), *leads], subject, body)

    commit(write)


def _tell(user: User, what: str) -> None:
    """Email the person that their second factors changed (so a change they did not make is
    seen)."""
    config = current_app.config
    body = render_template(
        "auth/email/second_factor_changed.txt",
        user=user,
        what=what,
        link=f"{config['BASE_URL'].rstrip('/')}/account/second-factors",
        config=config,
    )
    subject = f"{config['SERVICE_NAME']}: your second factors changed"
    outbox.queue([(user.email, user.name)], subject, body)
