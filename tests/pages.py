"""What a person sees on a page and types into its forms, and what the app leaves behind (the
audit log, the outbox, saved records): the helpers every test package shares."""

from __future__ import annotations

import email
import html
import re
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.extensions import db
from tas.outbox.models import OutboxMessage

SUMMARY_LINK = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')
TAG = re.compile(r"<[^>]+>")


def page_text(response) -> str:
    """The words on the page, tags removed and spaces collapsed."""
    text = html.unescape(TAG.sub(" ", response.get_data(as_text=True)))
    return " ".join(text.split())


def error_summary(response) -> dict[str, str]:
    """The error summary's links: the id each goes to, and its message."""
    body = response.get_data(as_text=True)
    start = body.find("govuk-error-summary")
    if start == -1:
        return {}
    summary = body[start : body.find("</ul>", start)]
    # A date's message links to its Day box (tests/test_error_summary.py); keyed here by field.
    return {
        target.removesuffix("-day"): html.unescape(text).strip()
        for target, text in SUMMARY_LINK.findall(summary)
    }


def asked_why(response, child_id: int) -> bool:
    """A coordinator who covers the child's school, with no reason recorded, is sent to say why
    before anything of the record is shown (tas.children.access.ReasonNeeded)."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith(f"/children/{child_id}/reason?")


def opened_with_a_reason(browser, child_id: int, asked: dict[str, bool]) -> set[str]:
    """`asked`: each page of the record a coordinator opened with no reason, and whether they
    were asked why. They say why; the pages that then open, each of which asked first."""
    url = f"/children/{child_id}/reason"
    said = browser.submit(url, {"reason": "Checking which pages a reason opens"}, page=url)
    assert said.status_code == 302
    opened = {page for page in asked if browser.get(page).status_code == 200}
    assert all(asked[page] for page in opened), f"opened without asking why: {opened}"
    return opened


def sent_twice(browser, url: str, typed: dict):
    """The form at `url` opened once, then sent twice as filled in (a double click, a resend,
    the back button): both answers."""
    page = browser.get(url)
    token = field_value(page, "submission")
    assert token, "no one-time token on the form"
    body = {"csrf_token": field_value(page, "csrf_token"), "submission": token, **typed}
    return browser.client.post(url, data=body), browser.client.post(url, data=body)


def field_value(response, name: str) -> str | None:
    """The value a text input shows (what the person typed, or the saved value)."""
    body = response.get_data(as_text=True)
    for tag in re.findall(r"<input\b[^>]*>", body):
        if f'name="{name}"' in tag:
            match = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(match.group(1)) if match else None
    return None


def options_of(response, name: str) -> list[str]:
    """The words of a select's options, in order."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert match, f"no select named {name}"
    return [html.unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", match[1])]


def version_on(response) -> str:
    """The record version an edit form carries."""
    value = field_value(response, "version")
    assert value is not None, "no version field"
    return value


def emails() -> list[EmailMessage]:
    """Every email written to the outbox folder, oldest first, as a mail client reads it."""
    folder = Path(current_app.config["OUTBOX_DIR"])
    return [
        email.message_from_bytes(path.read_bytes(), policy=default)
        for path in sorted(folder.glob("*.eml"))
    ]


def queued_emails() -> list[OutboxMessage]:
    """Every email the service has stored to send, sent or not."""
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def audit_events(action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def saved(model, record_id: int):
    """The record as the database holds it now (after requests made in other sessions)."""
    db.session.expire_all()
    return db.session.get(model, record_id)


def day(value: date) -> list[str]:
    """A date as a person types it into the day, month and year boxes."""
    return [str(value.day), str(value.month), str(value.year)]


def section(response, element_id: str) -> str:
    """The words of the page from the element with this id to the next heading of its level."""
    body = response.get_data(as_text=True)
    start = body.find(f'id="{element_id}"')
    assert start != -1, f"no element with id {element_id}"
    match = re.compile(r"<h2\b").search(body, start + 1)
    end = match.start() if match else len(body)
    text = re.sub(r"<[^>]+>", " ", body[start:end])
    return " ".join(text.split())


def text_of(response, element_id: str) -> str:
    """The words of the element with this id (one holding no element of its own kind)."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"no element with id {element_id}"
    return " ".join(html.unescape(TAG.sub(" ", match.group(2))).split())


def hint_of(response, field: str) -> str:
    """The words of a question's hint, as the page shows them under its label."""
    return text_of(response, f"{field}-hint")


def date_shown(response, name: str) -> list[str]:
    """The day, month and year boxes of a date question, as the page shows them."""
    body = response.get_data(as_text=True)
    values = []
    for tag in re.findall(r"<input\b[^>]*>", body):
        if f'name="{name}"' in tag:
            match = re.search(r'\bvalue="([^"]*)"', tag)
            values.append(match.group(1) if match else "")
    return values
