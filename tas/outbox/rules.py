"""Pure email building: safe headers, stable Message-IDs, retry timing (docs/security.md E22,
I39)."""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import date, datetime, time, timedelta
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each made once: the standard registry makes a new class for
    every header it parses, a fifth of the time of building an email (a region's reminder pass
    builds 15,000)."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._made:
            self._made[key] = super().__getitem__(name)
        return self._made[key]


# The SMTP policy (CRLF line ends, RFC 5322 headers) with that registry.
POLICY = SMTP.clone(header_factory=_HeaderClasses())


def clean_header_text(text: str, limit: int = 200) -> str:
    """One line of header text: line breaks and control characters become single spaces."""
    return " ".join(CONTROL.sub(" ", text).split())[:limit]


def mailbox(address: str, display_name: str = "") -> Address:
    """An address that cannot smuggle extra headers or recipients."""
    address = address.strip()
    if CONTROL.search(address) or address.count("@") != 1 or "," in address:
        raise ValueError("Not a single email address")
    username, domain = address.split("@")
    return Address(display_name=clean_header_text(display_name), username=username, domain=domain)


def parse_sender(sender: str) -> Address:
    """The configured "Name <address>" sender as a safe Address."""
    name, address = parseaddr(sender)
    return mailbox(address, name)


@lru_cache(maxsize=8)
def _from_header(sender: str):
    """The From header of every email, parsed once for the configured sender."""
    return POLICY.header_factory("From", parse_sender(sender))


def build_message(
    *,
    sender: str,
    to: list[tuple[str, str]],
    subject: str,
    body: str,
    message_domain: str,
    sent_at: datetime,
    calendar: tuple[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A plain-text email (plus an optional text/calendar part) with a stable Message-ID (made
    here unless given), in 7-bit transfer encodings only: non-ASCII text quoted-printable, the
    calendar base64."""
    message = EmailMessage(policy=POLICY)
    message["From"] = _from_header(sender)
    message["To"] = [mailbox(address, name) for address, name in to]
    message["Subject"] = clean_header_text(subject, 250)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id or make_msgid(domain=message_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, subtype="plain", charset="utf-8", cte=text_encoding(body))
    if calendar:
        method, ics = calendar
        # base64 keeps the calendar's CRLF line ends and folded lines exactly as built (as
        # Google's own invitations send it); never 8bit, which a relay without 8BITMIME breaks.
        message.add_alternative(
            ics, subtype="calendar", params={"method": method}, charset="utf-8", cte="base64"
        )
    return message


def text_encoding(text: str) -> str:
    """How a text part travels: 7bit when it is plain ASCII with short lines, else
    quoted-printable (still readable as it is), never 8bit (RFC 6047 2.4)."""
    # Lines as the email package splits them (CR, LF or CRLF only; str.splitlines would also
    # split at a form feed and let a longer line through).
    plain = text.isascii() and all(len(line) <= 998 for line in text.encode().splitlines())
    return "7bit" if plain else "quoted-printable"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before trying again: 1, 2, 4, 8... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def within_working_hours(
    moment: datetime, from_hour: int, zone: ZoneInfo, holidays: Container[date] = ()
) -> datetime:
    """The moment itself when it falls on a working day at or after `from_hour` (local time),
    else the next working day at `from_hour`: when a reminder may be retried."""
    local = moment.astimezone(zone)
    day = local.date()
    if day.weekday() < 5 and day not in holidays and local.hour >= from_hour:
        return moment
    if day.weekday() < 5 and day not in holidays and local.hour < from_hour:
        return datetime.combine(day, time(from_hour), tzinfo=zone)
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return datetime.combine(day, time(from_hour), tzinfo=zone)
