"""A plain-text email (no calendar part) written straight to bytes: the same bytes the email
package writes for tas.outbox.rules.build_message (tests/unit/test_plain_emails.py compares them
for any text), at a fraction of the cost. The package parses every header it is given and folds it
again to write it, nine headers an email: most of the time of a region's reminder pass, whose
15,000 emails share their sender, their fixed headers and a few hundred recipients. So the
headers that repeat are folded once and kept; a subject, date and Message-ID that need no
folding or encoding are written as they are; anything else (non-ASCII, a long line, text that
looks like an encoded word) goes through the package as before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, make_msgid
from functools import lru_cache

from tas.outbox.rules import (
    POLICY,
    build_message,
    clean_header_text,
    mailbox,
    parse_sender,
    text_encoding,
)

LINE = 78  # the policy's max_line_length: a header line longer than this is folded
CRLF = b"\r\n"
TEXT_HEADERS = (
    b'Auto-Submitted: auto-generated\r\nContent-Type: text/plain; charset="utf-8"\r\n'
    b"Content-Transfer-Encoding: 7bit\r\nMIME-Version: 1.0\r\n"
)


@dataclass(frozen=True)
class Written:
    """An email ready for the outbox: its Message-ID, its Subject as stored, its bytes."""

    message_id: str
    subject: str
    raw: bytes


def written(
    *,
    sender: str,
    to: list[tuple[str, str]],
    subject: str,
    body: str,
    message_domain: str,
    sent_at: datetime,
    calendar: tuple[str, str] | None = None,
) -> Written:
    """The email as bytes: written here when it is plain text that needs no encoding, else by
    the email package (build_message). ValueError for an address that cannot be written to."""
    subject = clean_header_text(subject, 250)
    message_id = make_msgid(domain=message_domain)
    if calendar is None and text_encoding(body) == "7bit":
        headers = (
            ("Subject", subject),
            ("Date", format_datetime(sent_at)),
            ("Message-ID", message_id),
        )
        lines = [_as_is(name, value) for name, value in headers]
        if all(lines):
            raw = b"".join((_from(sender), _to(tuple(to)), *lines, TEXT_HEADERS, CRLF, _body(body)))
            return Written(message_id, subject, raw)
    message = build_message(
        sender=sender,
        to=to,
        subject=subject,
        body=body,
        message_domain=message_domain,
        sent_at=sent_at,
        calendar=calendar,
        message_id=message_id,
    )
    return Written(message_id, str(message["Subject"]), message.as_bytes())


def _as_is(name: str, value: str) -> bytes | None:
    """The header line as it is, or None when the package would change it: not ASCII, longer
    than a line, empty, or holding what reads as an encoded word (=?...?=)."""
    line = f"{name}: {value}"
    if not value or not line.isascii() or len(line) > LINE or "=?" in value:
        return None
    return line.encode("ascii") + CRLF


@lru_cache(maxsize=8)
def _from(sender: str) -> bytes:
    """The From line, folded by the package once for the configured sender."""
    return POLICY.fold_binary(*POLICY.header_store_parse("From", parse_sender(sender)))


@lru_cache(maxsize=4096)
def _to(to: tuple[tuple[str, str], ...]) -> bytes:
    """The To line, folded by the package once per set of recipients."""
    return POLICY.fold_binary(
        *POLICY.header_store_parse("To", [mailbox(address, name) for address, name in to])
    )


def _body(body: str) -> bytes:
    """A 7bit body as the package writes it: its lines joined by CRLF, and a CRLF after them
    (an empty body is one empty line)."""
    return CRLF.join(body.encode("ascii").splitlines()) + CRLF
