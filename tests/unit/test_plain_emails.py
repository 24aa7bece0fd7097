"""tas.outbox.plain writes a plain-text email's bytes itself where it can: they must be the very
bytes the email package writes (tas.outbox.rules.build_message) for the same email, whatever
text a person or the data puts in it, so that its header safety is the package's."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tas.outbox import plain
from tas.outbox.rules import build_message, text_encoding

SENDER = "TAS Coordinator <no-reply@tas.example.org>"
AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
# Text as people type it, with what breaks emails: line breaks, control characters, non-ASCII,
# encoded-word lookalikes, long words and lines.
PIECES = [
    *"abcXYZ019 .,:;()<>@\"'\\-=?_",
    *"\r\n\t\x00\x0b\x0c\x1c\x7f\x85\u2028",
    *("é", "Ł", "=?", "?=", "x" * 500),
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join) | st.sampled_from(
    [
        "Reminder: plan review P-000123 due in 5 working days",
        "Overdue: 3 things in Riverside cluster",
        "=?utf-8?q?Hello?=",
        "x" * 90,
        "",
    ]
)
BODY = TEXT | st.builds(lambda line, n: "\n".join([line] * n), TEXT, st.integers(0, 30))
NAME = st.sampled_from(["", "Sam Taylor", "Zoë O'Brien, Jr", 'A "quoted" name', "x" * 80])
ADDRESS = st.sampled_from(["sam@example.org", "a.b+c@school.sch.uk"])
DOMAIN = st.sampled_from(["tas.example.org", "a-very-long-host-name.partnership.example.org.uk"])


def _from_the_package(written: plain.Written, **email) -> bytes:
    return build_message(**email, message_id=written.message_id).as_bytes()


@settings(max_examples=300, deadline=None)
@given(subject=TEXT, body=BODY, name=NAME, address=ADDRESS, domain=DOMAIN, others=st.integers(0, 2))
@example(
    subject="Reminder: plan review P-000123 due in 5 working days",
    body="Reference: P-000123\nDue: 14 December 2026\n\nhttps://tas.example.org/x\n",
    name="Sam Taylor",
    address="sam@example.org",
    domain="tas.example.org",
    others=0,
)
def test_a_plain_email_is_written_byte_for_byte_as_the_email_package_writes_it(
    subject, body, name, address, domain, others
):
    email = {
        "sender": SENDER,
        "to": [(address, name), *[(f"other{n}@example.org", f"Other {n}") for n in range(others)]],
        "subject": subject,
        "body": body,
        "message_domain": domain,
        "sent_at": AT,
    }
    written = plain.written(**email)
    assert written.raw == _from_the_package(written, **email)
    parsed = message_from_bytes(written.raw, policy=default)
    assert parsed["Message-ID"] == written.message_id
    assert str(parsed["Subject"]) == written.subject


def test_a_reminder_is_written_without_the_package_and_reads_back_whole(monkeypatch):
    """The fast path is the one taken for a usual reminder (else the test above proves
    nothing about it)."""

    def refuse(**_email):
        raise AssertionError("a usual reminder went through the email package")

    monkeypatch.setattr(plain, "build_message", refuse)
    written = plain.written(
        sender=SENDER,
        to=[("sam@example.org", "Sam Taylor")],
        subject="Reminder: plan review P-000123 due in 5 working days",
        body="Reference: P-000123\n\nhttps://tas.example.org/children/1\n",
        message_domain="tas.example.org",
        sent_at=AT,
    )
    assert written.raw.startswith(
        b"From: TAS Coordinator <no-reply@tas.example.org>\r\nTo: Sam Taylor <sam@example.org>\r\n"
        b"Subject: Reminder: plan review P-000123 due in 5 working days\r\n"
    )
    parsed = message_from_bytes(written.raw, policy=default)
    lines = parsed.get_content().splitlines()
    assert lines == ["Reference: P-000123", "", "https://tas.example.org/children/1"]


@pytest.mark.parametrize("address", ["two@example.org, three@example.org", "x\r\nBcc: y@z"])
def test_an_address_that_would_add_recipients_is_refused(address):
    with pytest.raises(ValueError):
        plain.written(
            sender=SENDER,
            to=[(address, "")],
            subject="Reminder",
            body="Hello",
            message_domain="tas.example.org",
            sent_at=AT,
        )


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        ("Short ASCII lines\nand another", "7bit"),
        ("x" * 998, "7bit"),
        ("x" * 999, "quoted-printable"),
        # A form feed does not end a line in an email: 2,700 characters on one line.
        (("x" * 900 + "\x0c") * 3, "quoted-printable"),
        ("Zoë", "quoted-printable"),
    ],
)
def test_a_line_longer_than_email_allows_is_never_sent_as_7bit(body, encoding):
    assert text_encoding(body) == encoding
