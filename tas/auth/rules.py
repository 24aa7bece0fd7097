"""Pure sign-in rules: passwords, redirects after sign-in, throttling, session timeouts, and
the browser a session was signed in from."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from ua_parser import parse as parse_user_agent
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# Words of this service and its field: a password built on them is easy to guess here.
SERVICE_WORDS = (
    "tas",
    "team around the school",
    "coordinator",
    "safeguarding",
    "safeguard",
    "partnership",
    "wakefield",
    "early help",
    "future in mind",
    "password",
    "passphrase",
    "welcome",
)
# zxcvbn's scale: 3 means safely unguessable (about 10^8 guesses or more).
MIN_STRENGTH_SCORE = 3
# zxcvbn refuses longer input; a password this long is judged by its first 72 characters.
ZXCVBN_MAX_LENGTH = 72
# Characters a redirect target keeps as they are; anything else (non-ASCII) is percent-encoded
# so the Location header stays ASCII whatever the server.
URL_SAFE_CHARACTERS = "!#$%&'()*+,/:;=?@[]~"


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z]+", text.lower()) if w]


def password_problem(password: str, context_words: Sequence[str] = ()) -> str | None:
    """Why a new password cannot be used, in words for the person choosing it, or None.

    Length only, no composition rules (NCSC, docs/security.md A2): long passphrases and pasted
    passwords are welcome; common ones and ones built on this service's words are not.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"New password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"New password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    words = _words(password)
    letters = _letters(password)
    for word in (*SERVICE_WORDS, *context_words):
        wanted = _letters(word)
        if not wanted:
            continue
        short_word_used = len(wanted) < 5 and wanted in words
        if short_word_used or (len(wanted) >= 5 and wanted in letters):
            return "New password must not contain the name of this service, your name or your email"
    inputs = [*SERVICE_WORDS, *context_words]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < MIN_STRENGTH_SCORE:
        return (
            "New password is too easy to guess: try three or four random words together, "
            "like ‘purple lantern ocean biscuit’"
        )
    return None


def context_words(name: str, email: str) -> list[str]:
    """The person's own words that must not make up their password."""
    local_part, _, domain = email.partition("@")
    words = [*_words(name), *_words(local_part), *_words(domain.split(".")[0])]
    # Run together too ("DanaShah"), since short words only count when they stand alone.
    joined = [_letters(name), _letters(local_part)]
    return [*words, *(j for j in joined if len(j) >= 5 and j not in words)]


def safe_next(target: str | None) -> str | None:
    """The path to return to after sign-in, only when it stays on this site (docs/security.md
    E19)."""
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in target):
        return None
    if "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return quote(target, safe=URL_SAFE_CHARACTERS)


EMAIL_SHAPE = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")


def email_for_audit(typed: str) -> str:
    """What someone typed as their email address, fit for the audit log.

    People sometimes type their password into the email box: anything not shaped like an email
    address is left out, so a password never reaches the audit log (docs/security.md G30).
    """
    return typed if EMAIL_SHAPE.fullmatch(typed) else "(not an email address)"


def hash_token(token: str) -> str:
    """The stored form of a session or link token: SHA-256, so a leaked table reveals nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def throttled_until(
    failures_newest_first: Sequence[datetime], max_failures: int, window: timedelta
) -> datetime | None:
    """When sign-in opens again after max_failures within the window, or None if it is open.

    Only failures since the last successful sign-in count; attempts refused while throttled are
    not failures, so the pause lasts one window from the last failure and never becomes permanent.
    """
    if len(failures_newest_first) < max_failures:
        return None
    newest = failures_newest_first[0]
    oldest_counted = failures_newest_first[max_failures - 1]
    if newest - oldest_counted > window:
        return None
    return newest + window


def failures_since_success(
    attempts_newest_first: Iterable[tuple[datetime, bool, bool]], known_device: bool
) -> list[datetime]:
    """An account's failed attempts since its last successful sign-in, newest first, of one
    kind only: from browsers that signed in to it before (known_device), or from anywhere
    else. Each kind is throttled apart, so strangers' wrong passwords never lock the owner out.

    Attempts are (at, succeeded, known_device), newest first.
    """
    failures = []
    for at, succeeded, known in attempts_newest_first:
        if succeeded:
            break
        if known == known_device:
            failures.append(at)
    return failures


def seconds_to_wait(until: datetime, now: datetime) -> int:
    """Whole seconds until a pause ends (a Retry-After header), at least 1."""
    return max(1, math.ceil((until - now).total_seconds()))


def minutes_in_words(seconds: int) -> str:
    """ "1 minute", "15 minutes": a wait rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def next_link_at(
    sent_newest_first: Sequence[datetime], per_hour: int, now: datetime
) -> datetime | None:
    """When another password link may be emailed to an account that was sent these (newest
    first), or None when one may be sent now: at most per_hour in any hour."""
    recent = [at for at in sent_newest_first if now - at < timedelta(hours=1)]
    if len(recent) < per_hour:
        return None
    return recent[per_hour - 1] + timedelta(hours=1)


def session_end_reason(
    now: datetime,
    created_at: datetime,
    last_seen_at: datetime,
    idle: timedelta,
    absolute: timedelta,
) -> str | None:
    """Why a signed-in session has run out ("idle" or "absolute"), or None while it is valid."""
    if now - created_at >= absolute:
        return "absolute"
    if now - last_seen_at >= idle:
        return "idle"
    return None


def browser_in_words(user_agent: str | None) -> str:
    """The browser a session was signed in from, as a person recognises it: "Chrome 131 on
    Windows 10", "Mobile Safari 17 on iOS 17". A browser the parser does not know is shown as
    it named itself, shortened."""
    if not user_agent or not user_agent.strip():
        return "Not known"
    found = parse_user_agent(user_agent)
    browser = found.user_agent
    if browser is None or browser.family == "Other":
        return user_agent if len(user_agent) <= 60 else user_agent[:59] + "…"
    words = " ".join(part for part in (browser.family, browser.major) if part)
    system = found.os
    if system is not None and system.family != "Other":
        words += " on " + " ".join(part for part in (system.family, system.major) if part)
    return words
