"""Agency involvements: added by plan editors, kept up to date by the named practitioner and
their agency's safeguarding lead, and out of reach of everyone else in that agency."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.extensions import db
from tas.plans.involvements import services as involvement_services
from tas.plans.models import AgencyInvolvement, EngagementUpdate
from tests import factories
from tests.pages import audit_events, day, error_summary, field_value, page_text, saved
from tests.plans.helpers import child_at, involvements_of, named_practitioner, open_plan


def engagement_history(involvement_id: int) -> list[tuple[str, str, str | None]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(EngagementUpdate)
        .where(EngagementUpdate.involvement_id == involvement_id)
        .order_by(EngagementUpdate.id)
    )
    return [(r.child_engagement, r.parent_engagement, r.note) for r in rows]


def new_involvement(agency, practitioner=None, **fields) -> dict:
    return {
        "agency": str(agency.id),
        "practitioner": str(practitioner.id) if practitioner else "",
        "service": "Wellbeing group",
        "status": "active",
        "started_on": day(date(2026, 10, 1)),
        "child_engagement": "good",
        "parent_engagement": "partial",
        "engagement_note": "Came to both sessions",
        "last_contact_on": day(date(2026, 10, 9)),
        "summary": "Weekly group on Tuesdays",
        **fields,
    }


def update(involvement: AgencyInvolvement, **fields) -> dict:
    return {
        "service": involvement.service,
        "status": involvement.status,
        "started_on": day(involvement.started_on) if involvement.started_on else "",
        "child_engagement": involvement.child_engagement or "",
        "parent_engagement": involvement.parent_engagement or "",
        "summary": involvement.summary or "",
        "version": str(involvement.version),
        **fields,
    }


def test_the_dsl_adds_an_involvement_and_its_named_practitioner_can_then_see_the_child(login_as):
    dsl = login_as("dsl")
    worker = login_as("practitioner")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/involvements/new"
    assert worker.get(f"/children/{child.id}").status_code == 404

    response = dsl.submit(url, new_involvement(worker.user.agency, worker.user))

    assert response.status_code == 302
    [added] = involvements_of(plan.id)
    assert (added.agency_id, added.practitioner_id, added.status) == (
        worker.user.agency_id,
        worker.user.id,
        "active",
    )
    assert (added.last_contact_on, added.summary) == (date(2026, 10, 9), "Weekly group on Tuesdays")
    assert engagement_history(added.id) == [("good", "partial", "Came to both sessions")]
    assert audit_events("involvement_added")[0].target_id == added.id
    page = worker.get(f"/children/{child.id}")
    assert page.status_code == 200
    assert "Wellbeing group" in page_text(page)


def test_the_named_practitioner_must_work_for_the_agency(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    agency = factories.agency()
    elsewhere = factories.user("practitioner")
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/involvements/new",
        new_involvement(agency, elsewhere),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "practitioner": "Select a practitioner who works for this agency"
    }
    assert field_value(response, "service") == "Wellbeing group"
    assert involvements_of(plan.id) == []


def test_every_problem_with_an_involvement_shows_at_once(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    agency = factories.agency()
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/involvements/new",
        new_involvement(
            agency,
            status="ended",
            last_contact_on=["31", "2", "2026"],
            parent_engagement="",
        ),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "last_contact_on": "Date of last contact must be a real date",
        "ended_on": "Enter the date the involvement ended",
        "parent_engagement": "Select the parent's or carer's engagement",
    }
    assert involvements_of(plan.id) == []


def test_the_checks_run_beside_the_forms_own_errors_say_nothing_untrue(login_as):
    """With no agency chosen, nothing is said about the practitioner working for it; with a
    status that is not one, nothing about the end date."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    agency = factories.agency()
    worker = factories.user("practitioner", agency=agency)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/involvements/new"

    no_agency = dsl.submit(url, {**new_involvement(agency, worker), "agency": ""})
    odd_status = dsl.submit(
        url, new_involvement(agency, status="bogus", ended_on=day(date(2026, 10, 5)))
    )

    assert list(error_summary(no_agency)) == ["agency"]
    assert list(error_summary(odd_status)) == ["status"]


def test_only_agencies_the_family_agreed_to_can_be_involved(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    agreed, other = factories.agency(name="Agreed"), factories.agency(name="Not agreed")
    child = factories.child(school=school)
    db.session.flush()
    factories.agreement(child, dsl.user, agencies=[agreed])
    plan = open_plan(child)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/involvements/new"

    form = dsl.get(url)
    refused = dsl.submit(url, new_involvement(other))
    accepted = dsl.submit(url, new_involvement(agreed))

    assert "Not agreed" not in page_text(form)
    assert refused.status_code == 200
    assert "agency" in error_summary(refused)
    assert accepted.status_code == 302
    assert [i.agency_id for i in involvements_of(plan.id)] == [agreed.id]


def test_no_involvement_can_be_added_without_a_current_agreement(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, agreed=False)
    plan = open_plan(child)
    agency = factories.agency()
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/involvements/new"

    page = dsl.get(url)
    sent = dsl.submit(url, new_involvement(agency))

    assert "Integrated Front Door" in page_text(page)
    assert sent.status_code == 200
    assert involvements_of(plan.id) == []
    assert involvement_services.NOT_COVERED not in page_text(sent)


def test_a_note_alone_is_saved_and_said_so_and_nothing_at_all_says_nothing_was(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, involvement = named_practitioner(
        plan, login_as, child_engagement="good", parent_engagement="good"
    )
    db.session.commit()
    url = f"/children/{child.id}/involvements/{involvement.id}/change"

    noted = worker.submit(url, update(involvement, engagement_note="Phoned Mum: all well"))
    assert "The involvement has been saved" in page_text(worker.get(noted.location))
    assert engagement_history(involvement.id)[-1] == ("good", "good", "Phoned Mum: all well")

    unchanged = worker.submit(url, update(saved(AgencyInvolvement, involvement.id)))
    said = page_text(worker.get(unchanged.location))
    assert "You did not change anything, so nothing has been saved" in said


def test_the_named_practitioner_updates_their_involvement_but_not_who_is_named(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as, started_on=date(2026, 9, 10))
    colleague = factories.user("practitioner", agency=worker.user.agency)
    db.session.commit()
    url = f"/children/{child.id}/involvements/{involvement.id}/change"

    form = worker.get(url)
    first = worker.submit(
        url,
        update(
            involvement,
            child_engagement="limited",
            parent_engagement="none",
            engagement_note="Did not answer the door",
            last_contact_on=day(date(2026, 10, 12)),
            practitioner=str(colleague.id),  # not a question on their form: ignored
        ),
    )
    again = saved(AgencyInvolvement, involvement.id)
    second = worker.submit(
        url, update(again, child_engagement="partial", summary="Meeting at school instead")
    )

    assert form.status_code == 200
    assert "Named practitioner" not in page_text(form)
    assert (first.status_code, second.status_code) == (302, 302)
    kept = saved(AgencyInvolvement, involvement.id)
    assert kept.practitioner_id == worker.user.id
    assert (kept.child_engagement, kept.parent_engagement) == ("partial", "none")
    assert kept.summary == "Meeting at school instead"
    assert engagement_history(involvement.id) == [
        ("limited", "none", "Did not answer the door"),
        ("partial", "none", None),
    ]
    changed = audit_events("involvement_changed")
    assert "child_engagement" in changed[0].detail["fields"]
    assert "limited" not in str(changed[0].detail)  # what was typed stays out of the audit log
    history = page_text(worker.get(f"/children/{child.id}/involvements/{involvement.id}"))
    assert "12 October 2026 by" in history
    assert "Limited None Did not answer the door" in history


def test_a_colleague_who_is_not_named_cannot_even_see_the_child(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as)
    colleague = login_as("practitioner", agency=worker.user.agency)
    base = f"/children/{child.id}"

    responses = [
        colleague.get(base),
        colleague.get(f"{base}/involvements/{involvement.id}"),
        colleague.get(f"{base}/involvements/{involvement.id}/change"),
        colleague.submit(
            f"{base}/involvements/{involvement.id}/change",
            update(involvement, summary="Mine now"),
            page="/",
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all(child.first_name not in page_text(r) for r in responses)
    assert saved(AgencyInvolvement, involvement.id).summary is None


def test_the_agencys_safeguarding_lead_updates_and_reassigns_the_involvement(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as)
    lead = login_as("practitioner", agency=worker.user.agency, is_safeguarding_lead=True)
    colleague = factories.user("practitioner", agency=worker.user.agency, name="Cal Colleague")
    db.session.commit()
    url = f"/children/{child.id}/involvements/{involvement.id}/change"

    form = lead.get(url)
    response = lead.submit(url, update(involvement, practitioner=str(colleague.id)))

    assert "Named practitioner" in page_text(form)
    assert response.status_code == 302
    assert saved(AgencyInvolvement, involvement.id).practitioner_id == colleague.id
    assert worker.get(f"/children/{child.id}").status_code == 404  # no longer named


def test_a_practitioner_on_the_plan_cannot_update_another_agencys_involvement(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, _mine = named_practitioner(plan, login_as)
    theirs = factories.involvement(plan, summary="Their notes")
    db.session.commit()
    url = f"/children/{child.id}/involvements/{theirs.id}/change"

    page = worker.get(f"/children/{child.id}")
    response = worker.submit(url, update(theirs, summary="Changed"), page="/")

    assert page.status_code == 200
    assert page.get_data(as_text=True).count("/change") == 1  # only their own
    assert response.status_code == 403
    assert saved(AgencyInvolvement, theirs.id).summary == "Their notes"


def test_what_to_put_right_on_an_involvement(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as)
    url = f"/children/{child.id}/involvements/{involvement.id}/change"

    response = worker.submit(
        url,
        update(
            involvement,
            status="ended",
            child_engagement="good",
            parent_engagement="",
            last_contact_on=day(date(2026, 12, 1)),
        ),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "ended_on": "Enter the date the involvement ended",
        "parent_engagement": "Select the parent's or carer's engagement",
        "last_contact_on": "The date of last contact must be today or in the past",
    }
    assert saved(AgencyInvolvement, involvement.id).status == "active"


def test_a_practitioner_who_ends_their_own_involvement_lands_on_a_page_they_can_open(login_as):
    """Named on no active involvement any more, they no longer see the child: they go to their
    home page, told why, not to a page not found under a banner saying it was saved."""
    child = child_at(factories.school())
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as)
    url = f"/children/{child.id}/involvements/{involvement.id}/change"

    ended = worker.submit(url, update(involvement, status="ended", ended_on=day(date(2026, 10, 9))))

    assert ended.status_code == 302
    assert ended.headers["Location"] == "/"
    landed = worker.get(ended.headers["Location"])
    assert landed.status_code == 200
    assert "The involvement has been saved" in page_text(landed)
    assert "You can no longer open this child's record" in page_text(landed)
    assert saved(AgencyInvolvement, involvement.id).status == "ended"
    assert worker.get(f"/children/{child.id}").status_code == 404  # need to know ends
