"""Term dates: everyone who sees meetings reads them; only a coordinator enters and changes
them, and a term must fit its academic year without overlapping another."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Term
from tas.meetings.terms import services as terms
from tests import factories
from tests.pages import audit_events, day, error_summary, field_value, page_text


def spring(**fields) -> dict:
    return {
        "academic_year": "2026",
        "name": "spring",
        "starts_on": day(date(2027, 1, 5)),
        "ends_on": day(date(2027, 3, 26)),
        "half_term_starts_on": day(date(2027, 2, 15)),
        "half_term_ends_on": day(date(2027, 2, 19)),
        **fields,
    }


def all_terms() -> list[Term]:
    db.session.expire_all()
    return list(db.session.scalars(select(Term).order_by(Term.starts_on)))


@pytest.mark.parametrize("role", ["dsl", "link_worker", "practitioner", "gp", "coordinator"])
def test_everyone_who_sees_meetings_reads_the_term_dates_by_year(login_as, role):
    factories.term(half_term_starts_on=date(2026, 10, 26), half_term_ends_on=date(2026, 10, 30))
    factories.term(
        academic_year=2025, name="summer", starts_on=date(2026, 4, 13), ends_on=date(2026, 7, 22)
    )
    browser = login_as(role)

    page = browser.get("/meetings/terms")

    assert page.status_code == 200
    text = page_text(page)
    assert "2026 to 2027 Term First day Last day Half-term holiday" in text
    assert (
        "Autumn term 3 September 2026 18 December 2026 26 October 2026 to 30 October 2026" in text
    )
    assert "2025 to 2026 Term First day Last day Half-term holiday" in text
    assert "Summer term 13 April 2026 22 July 2026 No half-term holiday" in text
    assert text.index("2026 to 2027") < text.index("2025 to 2026")
    assert ("Add a term" in text) is (role == "coordinator")


@pytest.mark.parametrize("role", ["school_staff", "admin"])
def test_people_who_do_not_see_meetings_do_not_see_term_dates(login_as, role):
    assert login_as(role).get("/meetings/terms").status_code == 403


def test_a_coordinator_adds_a_term(login_as):
    coordinator = login_as("coordinator")

    response = coordinator.submit("/meetings/terms/new", spring())

    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings/terms"
    [term] = all_terms()
    assert (term.academic_year, term.name, term.starts_on, term.ends_on) == (
        2026,
        "spring",
        date(2027, 1, 5),
        date(2027, 3, 26),
    )
    assert (term.half_term_starts_on, term.half_term_ends_on) == (
        date(2027, 2, 15),
        date(2027, 2, 19),
    )
    assert audit_events("term_added")[0].target_id == term.id
    listed = page_text(coordinator.get("/meetings/terms"))
    assert "The spring term 2026 to 2027 has been added" in listed
    assert "Spring term 5 January 2027 26 March 2027 15 February 2027 to 19 February 2027" in listed


def test_a_term_without_a_half_term(login_as):
    coordinator = login_as("coordinator")
    response = coordinator.submit(
        "/meetings/terms/new",
        spring(half_term_starts_on=["", "", ""], half_term_ends_on=["", "", ""]),
    )
    assert response.status_code == 302
    assert all_terms()[0].half_term_starts_on is None


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"academic_year": ""}, {"academic_year": "Select the academic year"}),
        ({"name": ""}, {"name": "Select which term it is"}),
        ({"starts_on": ["", "", ""]}, {"starts_on": "Enter the first day of term"}),
        (
            {"ends_on": day(date(2027, 1, 5))},
            {"ends_on": "The last day of term must be after the first day"},
        ),
        (
            {"academic_year": "2027"},
            {
                "starts_on": "The term must be within the 2027 to 2028 academic year: "
                "1 September 2027 to 31 August 2028",
                "ends_on": "The term must be within the 2027 to 2028 academic year: "
                "1 September 2027 to 31 August 2028",
            },
        ),
        (
            {"ends_on": day(date(2027, 9, 3))},
            {
                "ends_on": "The term must be within the 2026 to 2027 academic year: "
                "1 September 2026 to 31 August 2027"
            },
        ),
        (
            {"half_term_ends_on": ["", "", ""]},
            {
                "half_term_ends_on": "Enter the last day of the half-term holiday, or leave both "
                "half-term dates blank"
            },
        ),
        (
            {"half_term_starts_on": ["", "", ""]},
            {
                "half_term_starts_on": "Enter the first day of the half-term holiday, or leave "
                "both half-term dates blank"
            },
        ),
        (
            {"half_term_ends_on": day(date(2027, 2, 12))},
            {"half_term_ends_on": "The half-term holiday must end on or after its first day"},
        ),
        (
            {
                "half_term_starts_on": day(date(2027, 3, 22)),
                "half_term_ends_on": day(date(2027, 4, 2)),
            },
            {
                "half_term_starts_on": "The half-term holiday must be inside the term, after its "
                "first day and before its last"
            },
        ),
        (
            {"starts_on": day(date(2026, 12, 14))},
            {
                "starts_on": "These dates overlap the autumn term 2026 to 2027, 3 September 2026 "
                "to 18 December 2026"
            },
        ),
        (
            {"name": "autumn", "starts_on": day(date(2027, 1, 5))},
            {"name": "The autumn term 2026 to 2027 has already been entered: change it instead"},
        ),
        (
            {"starts_on": ["30", "2", "2027"]},
            {"starts_on": "First day of term must be a real date"},
        ),
        (  # every problem at once: the form's own, and what the save would find
            {
                "name": "autumn",
                "starts_on": ["30", "2", "2027"],
                "half_term_ends_on": day(date(2027, 2, 12)),
            },
            {
                "name": "The autumn term 2026 to 2027 has already been entered: change it instead",
                "starts_on": "First day of term must be a real date",
                "half_term_ends_on": "The half-term holiday must end on or after its first day",
            },
        ),
    ],
)
def test_term_dates_that_cannot_be_right_are_refused_keeping_what_was_typed(
    login_as, changes, problems
):
    factories.term()  # autumn 2026: 3 September to 18 December
    coordinator = login_as("coordinator")

    response = coordinator.submit("/meetings/terms/new", spring(**changes))

    assert response.status_code == 200
    assert error_summary(response) == problems
    typed = spring(**changes)
    assert field_value(response, "starts_on") == typed["starts_on"][0]
    assert len(all_terms()) == 1


@pytest.mark.parametrize("role", ["dsl", "link_worker", "practitioner", "admin"])
def test_only_a_coordinator_enters_or_changes_term_dates(login_as, role):
    term = factories.term()
    browser = login_as(role)
    for url in ("/meetings/terms/new", f"/meetings/terms/{term.id}/change"):
        assert browser.get(url).status_code == 403
        assert browser.submit(url, spring(version="1"), page="/").status_code == 403
    assert len(all_terms()) == 1 and all_terms()[0].version == 1


def test_a_coordinator_changes_a_term_and_a_stale_change_is_refused(login_as):
    term = factories.term()
    coordinator = login_as("coordinator")
    url = f"/meetings/terms/{term.id}/change"
    opened = coordinator.get(url)
    assert field_value(opened, "starts_on") == "3"
    typed = spring(
        name="autumn",
        starts_on=day(date(2026, 9, 2)),
        ends_on=day(date(2026, 12, 18)),
        half_term_starts_on=day(date(2026, 10, 26)),
        half_term_ends_on=day(date(2026, 10, 30)),
        version="1",
    )
    row = db.session.get(Term, term.id)
    row.ends_on = date(2026, 12, 17)  # someone else saves first
    db.session.commit()

    stale = coordinator.submit(url, typed)

    assert stale.status_code == 409
    assert error_summary(stale) == {
        "saved-version": "Someone else changed this term while you were editing it"
    }
    assert "Last day of term 18 December 2026 17 December 2026 Different" in page_text(stale)
    assert field_value(stale, "starts_on") == "2"
    assert all_terms()[0].ends_on == date(2026, 12, 17)

    saved = coordinator.submit(url, {**typed, "version": "2"})

    assert saved.status_code == 302
    [term] = all_terms()
    assert (term.starts_on, term.ends_on, term.half_term_starts_on) == (
        date(2026, 9, 2),
        date(2026, 12, 18),
        date(2026, 10, 26),
    )
    assert audit_events("term_changed")[-1].detail["fields"] == [
        "ends_on",
        "half_term_ends_on",
        "half_term_starts_on",
        "starts_on",
    ]
    assert coordinator.get("/meetings/terms/9999/change").status_code == 404


def test_terms_between_two_dates_and_whether_a_day_is_in_term(app):
    autumn = factories.term(
        half_term_starts_on=date(2026, 10, 26), half_term_ends_on=date(2026, 10, 30)
    )
    spring_term = factories.term(
        name="spring", starts_on=date(2027, 1, 5), ends_on=date(2027, 3, 26)
    )
    db.session.commit()

    assert terms.terms_between(date(2026, 12, 1), date(2027, 1, 10)) == [autumn, spring_term]
    assert terms.terms_between(date(2026, 12, 19), date(2027, 1, 4)) == []
    assert terms.terms_between(date(2027, 3, 26), date(2027, 4, 30)) == [spring_term]
    found = terms.terms_between(date(2026, 9, 1), date(2027, 8, 31))
    assert terms.in_term(date(2026, 10, 23), found)
    assert not terms.in_term(date(2026, 10, 27), found)  # half-term
    assert not terms.in_term(date(2026, 12, 24), found)  # the Christmas holiday
    assert terms.in_term(date(2027, 1, 5), found)
