"""No existence oracle when adding a child (issue 11, section 6): a number already recorded on a
record the person may not see gets the same words whoever holds it, and an offer to ask the
coordinator to check; the coordinators who cover that child's school see and resolve the
requests, and open the record only through the reason page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tas.children.record_checks.models import RecordCheck
from tas.extensions import db
from tests import factories
from tests.children.child_helpers import NHS_NUMBER, UPN, child_form, newest_child
from tests.pages import audit_events, emails, error_summary, field_value, page_text, queued_emails

# What differs from one response to the next whatever the page: the CSP nonce, the CSRF token,
# and the seconds left before the session times out (a second may pass between requests).
# What differs from one response to the next: the CSP nonce, the CSRF token, the seconds left
# before a timeout, and the form's one-time token (a new one each time the form is shown).
PER_RESPONSE = re.compile(
    r'nonce="[^"]+"|[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}|data-seconds-left="\d+"'
    r'|name="submission" type="hidden" value="[\w-]+"'
)
UNSEEN = {
    "nhs_number": "This NHS number is already recorded on another record: check it and enter it "
    "again, or ask the coordinator to check",
    "upn": "This UPN is already recorded on another record: check it and enter it again, or "
    "ask the coordinator to check",
}


def nhs_number(first_nine: str) -> str:
    """A valid NHS number: the nine digits and their modulus-11 check digit."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine))
    check = (11 - total % 11) % 11
    assert check != 10, first_nine
    return first_nine + str(check)


def valid_first_nine(first_nine: str) -> bool:
    """Whether any NHS number starts with these nine digits (the check digit is not 10)."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine))
    return (11 - total % 11) % 11 != 10


def checks() -> list[RecordCheck]:
    db.session.expire_all()
    return list(db.session.scalars(select(RecordCheck).order_by(RecordCheck.id)))


def hidden_child(**fields):
    """A child at a school of their own (another cluster), called Zebedee Quartermaine."""
    school = factories.school(name="Faraway Academy")
    child = factories.child(first_name="Zebedee", last_name="Quartermaine", school=school, **fields)
    db.session.commit()
    return child


@pytest.mark.parametrize(("field", "value"), [("nhs_number", NHS_NUMBER), ("upn", UPN)])
def test_adding_a_child_with_an_unseen_nhs_number_offers_ask_the_coordinator(
    login_as, field, value
):
    dsl = login_as("dsl")
    hidden = hidden_child(**{field: value})

    response = dsl.submit("/children/new", child_form(preferred_language="Urdu", **{field: value}))

    assert response.status_code == 200
    assert error_summary(response) == {field: UNSEEN[field]}
    assert field_value(response, field) == value  # what was typed is kept
    assert field_value(response, "preferred_language") == "Urdu"
    text = page_text(response)
    assert "Ask the coordinator to check" in text
    assert 'name="ask"' in response.get_data(as_text=True)
    for secret in ("Zebedee", "Quartermaine", "Faraway Academy", f"/children/{hidden.id}"):
        assert secret not in response.get_data(as_text=True)
    assert newest_child().id == hidden.id  # nothing added
    [tried] = audit_events("child_number_already_recorded")
    assert (tried.actor_id, tried.target_id, tried.detail) == (
        dsl.user.id,
        hidden.id,
        {"field": field},
    )


def test_the_words_are_the_same_whichever_school_holds_the_number(login_as):
    """Withdrawn at the link worker's own linked school, at another school of the cluster, and
    in another cluster: the page is the same but for the number typed."""
    home = factories.school(name="Oakfield Primary")
    neighbour = factories.school(name="Birch Primary", cluster=home.cluster)
    worker = login_as("link_worker", linked_schools=[home])
    numbers = [nhs_number(nine) for nine in ("999000001", "999000002", "999000003")]
    withdrawn = factories.child(school=home, nhs_number=numbers[0])
    factories.child(school=neighbour, nhs_number=numbers[1])
    hidden_child(nhs_number=numbers[2])
    db.session.flush()
    factories.agreement(withdrawn, worker.user, withdrawn_on=date(2026, 10, 1))
    db.session.commit()

    pages = []
    for number in numbers:
        response = worker.submit("/children/new", child_form(nhs_number=number))
        assert error_summary(response) == {"nhs_number": UNSEEN["nhs_number"]}
        pages.append(
            PER_RESPONSE.sub("", response.get_data(as_text=True)).replace(number, "NUMBER")
        )

    assert pages[0] == pages[1] == pages[2]


def test_a_number_of_a_child_the_person_can_see_links_to_their_record(login_as):
    dsl = login_as("dsl")
    mine = factories.child(school=dsl.user.school, nhs_number=NHS_NUMBER)
    db.session.commit()

    response = dsl.submit("/children/new", child_form(nhs_number=NHS_NUMBER))

    assert error_summary(response) == {
        "nhs_number": "This NHS number is already recorded for a child you can see: check it "
        "and enter it again, or open their record"
    }
    assert f'href="/children/{mine.id}"' in response.get_data(as_text=True)
    assert "Ask the coordinator to check" not in page_text(response)


def test_asking_the_coordinator_records_a_request_and_emails_the_covering_coordinators(login_as):
    school = factories.school(name="Oakfield Primary")
    dsl = login_as("dsl", school=school, name="Dana Shah")
    hidden = hidden_child(nhs_number=NHS_NUMBER)
    covering = factories.user("coordinator", district_wide=False, clusters=[hidden.school.cluster])
    factories.user("coordinator", district_wide=False, clusters=[school.cluster])
    factories.user("coordinator", district_wide=True)
    db.session.commit()
    typed = child_form(nhs_number=NHS_NUMBER, check_note="Joined us in September", ask="Ask")

    response = dsl.submit("/children/new", typed)
    response.close()  # the queued email goes out

    [check] = checks()
    assert response.status_code == 302 and response.headers["Location"] == "/children"
    assert (check.field, check.child_id, check.asked_by_id) == (
        "nhs_number",
        hidden.id,
        dsl.user.id,
    )
    assert (check.school_id, check.note, check.open) == (school.id, "Joined us in September", True)
    reference = f"CHK-{check.id:04d}"
    shown = page_text(dsl.get("/children"))
    assert f"Your request {reference} has been sent to the coordinator" in shown
    assert newest_child().id == hidden.id  # the child is not added
    [asked] = audit_events("record_check_requested")
    assert (asked.actor_id, asked.target_id) == (dsl.user.id, check.id)
    assert asked.detail == {"field": "nhs_number", "child_id": hidden.id}

    [message] = emails()
    assert [a.addr_spec for a in message["To"].addresses] == [covering.email]
    assert message["Subject"] == f"Request to check a record: {reference}"
    body = message.get_body(("plain",)).get_content()
    assert "Dana Shah" in body and "Oakfield Primary" in body
    assert f"https://tas.example.org/children/record-checks/{check.id}" in body
    for secret in ("Zebedee", "Quartermaine", "Faraway", NHS_NUMBER, "485 777", "September"):
        assert secret not in body and secret not in message["Subject"]


def test_with_nobody_covering_the_cluster_the_district_wide_coordinators_are_told(login_as):
    dsl = login_as("dsl")
    hidden_child(upn=UPN)
    district = factories.user("coordinator", district_wide=True)
    factories.user("coordinator", district_wide=True, active=False)
    db.session.commit()

    dsl.submit("/children/new", child_form(upn=UPN, ask="Ask")).close()

    assert [c.field for c in checks()] == ["upn"]
    assert [m["To"].addresses[0].addr_spec for m in emails()] == [district.email]


def test_asking_needs_a_number_someone_else_holds(login_as):
    dsl = login_as("dsl")
    db.session.commit()

    response = dsl.submit("/children/new", child_form(nhs_number=NHS_NUMBER, ask="Ask"))

    assert error_summary(response) == {
        "nhs_number": "This NHS number is not recorded on another record now: save the child"
    }
    assert checks() == [] and queued_emails() == []


@pytest.fixture
def asked(login_as):
    """Dana at Oakfield asked about Zebedee's NHS number; Cora covers Zebedee's cluster."""
    school = factories.school(name="Oakfield Primary")
    dsl = login_as("dsl", school=school, name="Dana Shah")
    hidden = hidden_child(nhs_number=NHS_NUMBER)
    cora = login_as(
        "coordinator", name="Cora Ordinator", district_wide=False, clusters=[hidden.school.cluster]
    )
    dsl.submit("/children/new", child_form(nhs_number=NHS_NUMBER, ask="Ask")).close()
    [check] = checks()
    return {"dsl": dsl, "coordinator": cora, "child": hidden, "check": check, "school": school}


def test_coordinators_see_requests_for_the_schools_they_cover_and_mark_them_dealt_with(
    login_as, asked
):
    cora, check, hidden = asked["coordinator"], asked["check"], asked["child"]
    reference = f"CHK-{check.id:04d}"

    listed = cora.get("/children/record-checks")
    opened = cora.get(f"/children/record-checks/{check.id}")

    assert listed.status_code == opened.status_code == 200
    assert f"{reference} Dana Shah Oakfield Primary" in page_text(listed)
    assert "Open" in page_text(listed)
    for page in (listed, opened):
        for secret in ("Zebedee", "Quartermaine", "Faraway", NHS_NUMBER):
            assert secret not in page.get_data(as_text=True)
    # The record opens only through the child's page, which asks for a reason first.
    assert f'href="/children/{hidden.id}"' in opened.get_data(as_text=True)
    to_record = cora.get(f"/children/{hidden.id}")
    assert to_record.status_code == 302
    assert to_record.headers["Location"] == f"/children/{hidden.id}/reason"

    empty = cora.submit(
        f"/children/record-checks/{check.id}", {"outcome": " ", "version": str(check.version)}
    )
    assert error_summary(empty) == {"outcome": "Say what you found and what was done"}
    older = cora.submit(
        f"/children/record-checks/{check.id}",
        {"outcome": "From an older page", "version": str(check.version + 7)},
    )
    assert older.status_code == 409
    assert error_summary(older) == {
        "outcome": "This request changed while you had it open: check it, then send what you "
        "found again"
    }
    assert "From an older page</textarea>" in older.get_data(as_text=True)
    done = cora.submit(
        f"/children/record-checks/{check.id}",
        {"outcome": "Same child: moved school", "version": str(check.version)},
    )
    done.close()

    assert done.status_code == 302
    [saved] = checks()
    assert (saved.open, saved.dealt_with_by_id, saved.outcome) == (
        False,
        cora.user.id,
        "Same child: moved school",
    )
    [event] = audit_events("record_check_dealt_with")
    assert (event.actor_id, event.target_id) == (cora.user.id, check.id)
    assert f"{reference} Dana Shah Oakfield Primary" in page_text(
        cora.get("/children/record-checks")
    )
    assert "Dealt with" in page_text(cora.get("/children/record-checks"))
    told = [m for m in emails() if m["Subject"] == f"Your request {reference} has been dealt with"]
    assert [m["To"].addresses[0].addr_spec for m in told] == [asked["dsl"].user.email]
    assert "moved school" not in told[0].get_body(("plain",)).get_content()

    # Sent again (or by a second coordinator from a page opened before): nothing is saved,
    # and what they typed is shown beside what was recorded, not dropped.
    again = cora.submit(
        f"/children/record-checks/{check.id}",
        {"outcome": "Twice", "version": str(saved.version)},
        page=f"/children/record-checks/{check.id}",
    )
    assert again.status_code == 409
    shown = page_text(again)
    assert "You have already dealt with this request, so what you sent" in shown
    assert "What you typed (not saved): Twice" in shown
    assert "What was found and done Same child: moved school" in shown
    assert len(audit_events("record_check_dealt_with")) == 1
    assert checks()[0].outcome == "Same child: moved school"


def test_the_requests_list_runs_a_fixed_number_of_queries(login_as, count_queries, asked):
    """The list, and one request's page, run as many statements for four requests as for one
    (the demo has no request: the statement walk of every page cannot reach them)."""
    cora, dsl = asked["coordinator"], asked["dsl"]
    first = f"/children/record-checks/{asked['check'].id}"
    with count_queries() as one:
        assert cora.get("/children/record-checks").status_code == 200
    with count_queries() as one_opened:
        assert cora.get(first).status_code == 200
    for nine in ("999000011", "999000012", "999000013"):
        number = nhs_number(nine)
        factories.child(school=asked["child"].school, nhs_number=number)
        db.session.commit()
        dsl.submit("/children/new", child_form(nhs_number=number, ask="Ask")).close()
    assert len(checks()) == 4

    with count_queries() as four:
        page = cora.get("/children/record-checks")

    assert page_text(page).count("Dana Shah Oakfield Primary") == 4
    assert len(four) == len(one)
    with count_queries() as four_opened:
        assert cora.get(first).status_code == 200
    assert len(four_opened) == len(one_opened)


def test_changing_a_childs_number_to_one_an_unseen_record_has_is_refused_and_audited(login_as):
    """The change form is no way round: the same words, nothing saved, and the try audited."""
    dsl = login_as("dsl")
    mine = factories.child(school=dsl.user.school, first_name="Mine")
    hidden = hidden_child(nhs_number=NHS_NUMBER)
    url = f"/children/{mine.id}/details"
    page = dsl.get(url)

    response = dsl.submit(
        url,
        {
            **child_form(
                first_name="Mine",
                last_name=mine.last_name,
                date_of_birth=mine.date_of_birth,
                nhs_number=NHS_NUMBER,
            ),
            "version": field_value(page, "version"),
        },
    )

    assert response.status_code == 200
    assert error_summary(response)["nhs_number"].startswith(
        "This NHS number is already recorded on another record"
    )
    for secret in ("Zebedee", "Quartermaine", "Faraway Academy"):
        assert secret not in response.get_data(as_text=True)
    [tried] = audit_events("child_number_already_recorded")
    assert (tried.actor_id, tried.target_id) == (dsl.user.id, hidden.id)


def test_asking_the_coordinator_is_limited_each_hour(login_as):
    """Each request emails the coordinators: a sixth within the hour is refused, kept typed."""
    dsl = login_as("dsl")
    nines = [f"99900{n:04d}" for n in range(30)]
    numbers = [nhs_number(nine) for nine in nines if valid_first_nine(nine)][:6]
    factories.user("coordinator", district_wide=True)
    for number in numbers:
        hidden_child(nhs_number=number)
    for number in numbers[:5]:
        asked = dsl.submit("/children/new", child_form(nhs_number=number, ask="Ask"))
        asked.close()  # the queued email goes out
        assert asked.status_code == 302
    refused = dsl.submit(
        "/children/new", child_form(nhs_number=numbers[5], check_note="Urgent", ask="Ask")
    )

    assert error_summary(refused) == {
        "check_note": "You have asked the coordinator to check 5 numbers in the last hour: try "
        "again later, or phone the coordinator"
    }
    assert field_value(refused, "nhs_number") == numbers[5]
    assert len(checks()) == 5
    assert len(emails()) == 5
