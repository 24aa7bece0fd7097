"""The pure sign-in rules: no app, no database (docs/security.md A2, A3, B8, E19)."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime, timedelta

import pytest

from tas.auth import rules

# ---------------------------------------------------------------- passwords (A2)

STRONG_RANDOM_64 = "Vq7kR2pXw9LmZt4bNc8HjYd3FsG6aQe1UoIx5WrTyPlKzMvBn0CgDhJfSuEiOaWqX"[:64]
STRONG_RANDOM_128 = (
    STRONG_RANDOM_64 + "r8Tz1Lw6Nq3Vk9Pb2Mx7Hc4Jd5Gf0Ys8Ae1Ui6Oo2Rt3Ep9Wl4Qk7Zm5Xn0Bv3Cc1"
)[:128]


@pytest.mark.parametrize(
    "password",
    [
        "ocean piano fig",  # 15 characters, all lower case: a passphrase, no composition rules
        "purple lantern ocean",
        "zebra cactus mop",
        "plum-orbit-kettle-fjord",
        "kx8vq2mzr7wp",  # 12 random characters
        "x7#Kq2!vP9@m",
        "correct horse battery staple",
        STRONG_RANDOM_64,  # pasted from a password manager
        STRONG_RANDOM_128,  # longer than zxcvbn accepts: judged, not crashed
        "tree " * 3 + "Orbit!",  # spaces and punctuation are fine
        "écureuil lanterne océan",  # not only ASCII
    ],
)
def test_good_passwords_are_accepted(password):
    assert rules.password_problem(password) is None


@pytest.mark.parametrize("length", [64, 72, 73, 100, 127, 128])
def test_long_random_passwords_are_accepted_up_to_128(length):
    password = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))
    assert rules.password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ocean piano", "12 characters or more"),  # 11 characters
        ("kx8vq2mzr7w", "12 characters or more"),  # 11 random characters
        ("", "12 characters or more"),
        ("a" * 129, "128 characters or fewer"),
        (STRONG_RANDOM_128 + "x", "128 characters or fewer"),
        ("safeguarding2025", "must not contain"),
        ("tas-demo-passphrase", "must not contain"),
        ("Password123456", "must not contain"),
        ("Wakefield2025!!", "must not contain"),
        ("my team around the school", "must not contain"),
        ("TAS lantern ocean", "must not contain"),
        ("coordinator biscuit", "must not contain"),
        ("aaaaaaaaaaaa", "too easy to guess"),  # 12 characters but not strong
        ("qwertyuiopasdf", "too easy to guess"),
        ("12345678901234", "too easy to guess"),
        ("iloveyou1234567", "too easy to guess"),
        ("a" * 64, "too easy to guess"),
        ("abcabcabcabcabcabc", "too easy to guess"),
    ],
)
def test_short_common_and_service_passwords_are_refused(password, message):
    problem = rules.password_problem(password)
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    "password",
    [
        "dana shah orbit kettle",  # the person's name
        "DanaShah lantern fjord",
        "oakfield river candle",  # their email domain
        "lantern oakfield2 mop",
    ],
)
def test_passwords_built_on_the_persons_name_or_email_are_refused(password):
    context = rules.context_words("Dana Shah", "dana.shah@oakfield.sch.uk")
    assert rules.password_problem(password) is None  # strong enough for anyone else
    problem = rules.password_problem(password, context)
    assert problem is not None and "your name or your email" in problem


def test_context_words_are_the_name_the_address_and_the_organisation():
    assert rules.context_words("Dana Shah-Khan", "d.shah@oakfield.sch.uk") == [
        "dana",
        "shah",
        "khan",
        "d",
        "shah",
        "oakfield",
        "danashahkhan",
        "dshah",
    ]


@pytest.mark.parametrize(
    "password",
    ["alllowercaseletters only", "NOUPPERCASE? ALL CAPS HERE", "nodigitsnopunctuationjustwords"],
)
def test_there_are_no_composition_rules(password):
    assert rules.password_problem(password) is None


# ---------------------------------------------------------------- redirect after sign-in (E19)

# Django's IsSafeURLTests bad URLs (with example.com and evil as the other site), and more.
BAD_NEXT = [
    "//evil",
    "///evil",
    "/\\evil",
    "\\\\evil",
    "\\\\\\evil",
    "/\\/evil.org",
    "/\\\\/evil.org",
    "\\\\//evil.org",
    "\\/evil.org",
    "http:///evil",
    "http:/\\//evil",
    "http:\\/evil.org",
    "http:/\\evil.org",
    "\x08//evil",
    "javascript:alert(1)",
    'javascript:alert("XSS")',
    "\njavascript:x",
    "\n",
    "http://testserver\\@evil",
    "http://otherserver\\@example.com",
    "http:\\\\testserver\\@example.com",
    "http://testserver\\me:pass@example.com",
    "http:\\\\testserver\\confirm\\me@example.com",
    "https://evil.example",
    "http://example.com",
    "ftp://example.com",
    "http:999999999",
    "ftp:9999999999",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "https://tas.example.org/",  # even this site, written absolutely: only paths are kept
    "//tas.example.org/",
    "view/?param=//example.com",  # relative paths are not kept either
    "/\t/evil",
    "\t//evil",
    " //evil",
    "/\r\n/evil",
    "/\x00",
    "/\x7f/evil",
    "/\ud800",
    "",
    None,
    "/" + "a" * 2001,
]


@pytest.mark.parametrize("target", BAD_NEXT, ids=repr)
def test_next_never_leads_off_the_site(target):
    assert rules.safe_next(target) is None


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/account",
        "/organisations/users?page=2",
        "/view/?param=http://example.com",
        "/view/?param=https://example.com",
        "/view?param=ftp://example.com",
        "/url%20with%20spaces/",
        "/password-reset#top",
    ],
)
def test_next_keeps_paths_on_this_site(target):
    assert rules.safe_next(target) == target


def test_next_with_non_ascii_characters_is_percent_encoded_for_the_location_header():
    assert rules.safe_next("/caf\u00e9?q=\u2603") == "/caf%C3%A9?q=%E2%98%83"
    assert rules.safe_next("/\u3000/evil") == "/%E3%80%80/evil"


# ---------------------------------------------------------------- throttling (A3)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def _failures(*minutes_after_t0: float) -> list[datetime]:
    """Failure times, newest first."""
    return sorted((T0 + timedelta(minutes=m) for m in minutes_after_t0), reverse=True)


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ([], None),
        (_failures(*range(9)), None),  # 9 failures: still open
        (_failures(*range(10)), T0 + timedelta(minutes=9) + WINDOW),  # 10 within 15 min
        (_failures(*[0] * 10), T0 + WINDOW),
        (_failures(*[0] * 25), T0 + WINDOW),  # never longer than one window from the last
        (_failures(0, *[15] * 9), T0 + timedelta(minutes=15) + WINDOW),  # exactly 15 min apart
        (_failures(0, *[15.5] * 9), None),  # spread over more than 15 minutes: open
        (_failures(*range(0, 100, 10)), None),  # slow guessing is not throttled
    ],
)
def test_throttled_until(failures, expected):
    assert rules.throttled_until(failures, 10, WINDOW) == expected


# ---------------------------------------------------------------- session timeouts (B8)

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)


@pytest.mark.parametrize(
    ("since_sign_in", "since_last_seen", "expected"),
    [
        (timedelta(0), timedelta(0), None),
        (timedelta(minutes=29, seconds=59), timedelta(minutes=29, seconds=59), None),
        (timedelta(minutes=30), timedelta(minutes=30), "idle"),
        (timedelta(hours=5), timedelta(minutes=31), "idle"),
        (timedelta(hours=11, minutes=59), timedelta(minutes=1), None),
        (timedelta(hours=12), timedelta(0), "absolute"),  # active, but signed in 12 hours ago
        (timedelta(hours=12), timedelta(hours=1), "absolute"),  # both: the absolute one
        (timedelta(days=3), timedelta(days=3), "absolute"),
    ],
)
def test_session_end_reason(since_sign_in, since_last_seen, expected):
    now = T0 + timedelta(days=5)
    reason = rules.session_end_reason(
        now, now - since_sign_in, now - since_last_seen, idle=IDLE, absolute=ABSOLUTE
    )
    assert reason == expected


def test_tokens_are_stored_as_sha256():
    assert rules.hash_token("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("dana.shah@oakfield.sch.uk", "dana.shah@oakfield.sch.uk"),
        ("someone@unknown.example", "someone@unknown.example"),
        ("purple lantern ocean", "(not an email address)"),  # a password in the wrong box
        ("correcthorsebatterystaple", "(not an email address)"),
        ("a@b", "(not an email address)"),
        ("two words@example.org", "(not an email address)"),
    ],
)
def test_only_email_shaped_text_reaches_the_audit_log(typed, recorded):
    assert rules.email_for_audit(typed) == recorded


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mobile Safari 17 on iOS 17",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge 131 on Windows 10",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
            "Firefox 140 on Linux",
        ),
        # Not a browser the parser knows: as it named itself, shortened.
        ("Our records system", "Our records system"),
        ("x" * 80, "x" * 59 + "…"),
        (None, "Not known"),
        ("  ", "Not known"),
    ],
)
def test_a_sessions_browser_in_words(user_agent, words):
    assert rules.browser_in_words(user_agent) == words
