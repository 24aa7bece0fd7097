"""Passkeys through the `webauthn` library and the browser's own API: the options a page
gives the browser, and checking what the browser sends back. The challenge waits in the
signed-in session, used once. The relying party is the host the page was opened at (in
production one of TRUSTED_HOSTS); on an IP address there are no passkeys (rules.passkey_host)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app, request, session
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tas.auth.factors import rules
from tas.auth.factors.models import Passkey
from tas.core.clock import utcnow
from tas.organisations.models import User

CHALLENGE_KEY = "passkey_challenges"
CHALLENGE_SECONDS = 300  # the browser's own timeout is a minute
MAX_RESPONSE_LENGTH = 20_000  # what a browser sends back is far shorter
# What a malformed or forged answer raises inside the library.
REFUSED = (WebAuthnException, ValueError, LookupError, TypeError, AttributeError)


@dataclass(frozen=True)
class NewPasskey:
    credential_id: bytes
    public_key: bytes
    sign_count: int
    rp_id: str


def host() -> str | None:
    """The relying party id for this request, or None where passkeys cannot work."""
    return rules.passkey_host(request.host)


def _origin() -> str:
    return f"{request.scheme}://{request.host}"


def _remember(challenge: bytes, purpose: str) -> None:
    """Keep the challenge for this purpose (registering and authenticating apart, as both may
    be under way on one page: confirming it is you before adding a passkey), with its time."""
    waiting = dict(session.get(CHALLENGE_KEY) or {})
    waiting[purpose] = [challenge.hex(), int(utcnow().timestamp())]
    session[CHALLENGE_KEY] = waiting


def _challenge(purpose: str) -> bytes | None:
    """The challenge given out for this purpose, once, and only for CHALLENGE_SECONDS."""
    waiting = dict(session.get(CHALLENGE_KEY) or {})
    stored = waiting.pop(purpose, None)
    session[CHALLENGE_KEY] = waiting
    if not isinstance(stored, list) or len(stored) != 2:
        return None
    challenge, issued = stored
    if not isinstance(issued, int) or utcnow().timestamp() - issued > CHALLENGE_SECONDS:
        return None
    try:
        return bytes.fromhex(challenge)
    except (TypeError, ValueError):
        return None


def registration_options(user: User, existing: list[Passkey]) -> str:
    """JSON for navigator.credentials.create: a passkey the person can use without typing
    their email, not one of theirs again."""
    options = generate_registration_options(
        rp_id=host(),
        rp_name=current_app.config["SERVICE_NAME"],
        user_name=user.email,
        user_id=f"tas-user-{user.id}".encode(),
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in existing],
    )
    _remember(options.challenge, "register")
    return options_to_json(options)


def authentication_options(passkeys: list[Passkey]) -> str:
    """JSON for navigator.credentials.get, offering the person's own passkeys for this host."""
    options = generate_authentication_options(
        rp_id=host(),
        allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in passkeys],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(options.challenge, "authenticate")
    return options_to_json(options)


def _parsed(response: str) -> dict | None:
    if not response or len(response) > MAX_RESPONSE_LENGTH:
        return None
    try:
        parsed = json.loads(response)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def registered(response: str) -> NewPasskey | None:
    """The new passkey when the browser's answer is genuine and answers our challenge."""
    challenge, parsed, rp_id = _challenge("register"), _parsed(response), host()
    if challenge is None or parsed is None or rp_id is None:
        return None
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=_origin(),
        )
    except REFUSED:
        return None
    return NewPasskey(
        verified.credential_id, verified.credential_public_key, verified.sign_count, rp_id
    )


def credential_id_of(response: str) -> bytes | None:
    """Which passkey the browser says it used (checked by `authenticated`)."""
    parsed = _parsed(response)
    raw = parsed.get("rawId") if parsed else None
    if not isinstance(raw, str):
        return None
    try:
        return base64url_to_bytes(raw)
    except REFUSED:
        return None


def authenticated(response: str, passkey: Passkey) -> int | None:
    """The authenticator's new signature count when the answer is genuine, from this passkey,
    for our challenge; else None."""
    challenge, parsed, rp_id = _challenge("authenticate"), _parsed(response), host()
    if challenge is None or parsed is None or rp_id != passkey.rp_id:
        return None
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=_origin(),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except REFUSED:
        return None
    return verified.new_sign_count
