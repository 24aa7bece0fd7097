"""Each school's default invited agencies: the usual services (Future in Mind, 0-19 Service, Early
Help) until the school's organisers choose others; a newly booked meeting invites them."""

from __future__ import annotations

import re

from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.extensions import db
from tas.meetings.invitations import defaults as invitation_defaults
from tas.meetings.models import Invitation, school_default_agencies
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def usual_agencies():
    return {
        "fim": factories.agency(name="Future in Mind", service_type="future_in_mind"),
        "nurses": factories.agency(name="0-19 Service", service_type="zero_to_nineteen"),
        "early_help": factories.agency(name="Early Help", service_type="early_help"),
        "camhs": factories.agency(name="CAMHS", service_type="camhs"),
        "surgery": factories.agency(
            name="Westgate Surgery", service_type="gp_practice", ods_code="B99001"
        ),
    }


def ticked(response) -> set[str]:
    """The values of the ticked checkboxes on the page."""
    body = response.get_data(as_text=True)
    return {
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r'<input[^>]*type="checkbox"[^>]*>', body)
        if "checked" in tag
    }


def saved_defaults(school_id: int) -> set[int]:
    db.session.expire_all()
    table = school_default_agencies
    return set(db.session.scalars(select(table.c.agency_id).where(table.c.school_id == school_id)))


def test_until_the_school_chooses_the_usual_services_are_ticked(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/meetings/schools/{setting.school.id}/invited-agencies")

    assert page.status_code == 200
    text = page_text(page)
    assert "No agencies have been chosen for this school yet" in text
    assert "CAMHS" in text and "Westgate Surgery" not in text  # GP practices: per meeting
    usual = [agencies[k].id for k in ("fim", "nurses", "early_help")]
    usual.append(setting.link_worker.agency_id)  # the chair's own Early Help agency
    assert ticked(page) == {str(agency_id) for agency_id in usual}


def test_the_dsl_chooses_the_school_defaults_audited(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/schools/{setting.school.id}/invited-agencies"
    chosen = [str(agencies["fim"].id), str(agencies["camhs"].id)]

    response = dsl.submit(url, {"agencies": chosen, "version": "none"})

    assert response.status_code == 302
    assert saved_defaults(setting.school.id) == {agencies["fim"].id, agencies["camhs"].id}
    [event] = audit_events("school_default_agencies_changed")
    assert (event.target_type, event.target_id) == ("School", setting.school.id)
    assert event.detail == {"added": sorted(int(c) for c in chosen), "removed": []}
    page = dsl.get(url)
    assert "have been saved" in page_text(page)
    assert "No agencies have been chosen" not in page_text(page)
    assert ticked(page) == set(chosen)
    assert [a.name for a in invitations_default(setting.school.id)] == [
        "CAMHS",
        "Future in Mind",
    ]


def test_the_defaults_sent_back_unchanged_say_nothing_was_saved(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/schools/{setting.school.id}/invited-agencies"
    chosen = sorted([agencies["fim"].id, agencies["camhs"].id])
    dsl.submit(url, {"agencies": [str(a) for a in chosen], "version": "none"})
    dsl.get(url)  # the first banner is read

    again = dsl.submit(
        url,
        {"agencies": [str(a) for a in chosen], "version": ",".join(str(a) for a in chosen)},
    )
    told = page_text(dsl.get(again.headers["Location"]))

    assert "You did not change anything, so nothing has been saved" in told
    assert "have been saved" not in told
    assert len(audit_events("school_default_agencies_changed")) == 1


def invitations_default(school_id):
    from tas.meetings.invitations.defaults import default_agencies

    return default_agencies(school_id)


def test_at_least_one_agency_is_needed(app):
    setting = school_with_meeting()
    usual_agencies()
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(
        f"/meetings/schools/{setting.school.id}/invited-agencies", {"version": "none"}
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "agencies": "Select at least one agency to invite by default"
    }
    assert saved_defaults(setting.school.id) == set()


def test_a_save_over_someone_elses_is_refused_and_both_are_shown(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    db.session.execute(
        school_default_agencies.insert(),
        [{"school_id": setting.school.id, "agency_id": agencies["camhs"].id}],
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/schools/{setting.school.id}/invited-agencies"

    response = dsl.submit(
        url, {"agencies": [str(agencies["fim"].id)], "version": "none"}
    )  # opened before CAMHS was chosen

    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed these default agencies" in text
    assert "Your changes Saved version" in text
    assert "Future in Mind CAMHS Different" in text
    assert ticked(response) == {str(agencies["fim"].id)}  # what they ticked is kept
    assert saved_defaults(setting.school.id) == {agencies["camhs"].id}
    again = dsl.submit(
        url, {"agencies": [str(agencies["fim"].id)], "version": str(agencies["camhs"].id)}
    )
    assert again.status_code == 302
    assert saved_defaults(setting.school.id) == {agencies["fim"].id}
    [event] = audit_events("school_default_agencies_changed")
    assert event.detail == {"added": [agencies["fim"].id], "removed": [agencies["camhs"].id]}


def test_only_the_schools_organisers_may_choose(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    chair = factories.user("practitioner")
    setting.meeting.chair = chair  # chairs one meeting: does not organise the school
    db.session.commit()
    url = f"/meetings/schools/{setting.school.id}/invited-agencies"
    outsiders = [
        factories.user("dsl"),
        factories.user("link_worker"),
        factories.user("coordinator"),
        factories.user("school_staff", school=setting.school),
        chair,
    ]
    db.session.commit()

    for user in outsiders:
        browser = signed_in(app, user)
        assert browser.get(url).status_code == 404, user.role
        posted = browser.submit(url, {"agencies": [str(agencies["fim"].id)]}, page="/")
        assert posted.status_code == 404, user.role
    assert signed_in(app, setting.link_worker).get(url).status_code == 200
    assert (
        signed_in(app, setting.dsl).get("/meetings/schools/999999/invited-agencies").status_code
        == 404
    )
    assert saved_defaults(setting.school.id) == set()


def test_a_new_meeting_invites_the_defaults_before_the_booking_commits(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    early_help_worker = factories.user(
        "link_worker", agency=agencies["early_help"], linked_schools=[setting.school], name="Lee"
    )
    db.session.commit()
    meeting_id = setting.meeting.id

    added = invitation_defaults.invite_defaults(setting.meeting, setting.dsl)

    assert {(i.agency_id, i.representative_id) for i in added} == {
        (agencies["fim"].id, None),
        (agencies["nurses"].id, None),
        (agencies["early_help"].id, early_help_worker.id),  # the school's link worker
        (setting.link_worker.agency_id, setting.link_worker.id),  # another Early Help agency
    }
    db.session.flush()  # within the booking's transaction, not committed
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation_added"))
    assert sorted((e.target_id, e.detail["default"]) for e in audited) == sorted(
        (i.id, True) for i in added
    )
    assert invitation_defaults.invite_defaults(setting.meeting, setting.dsl) == []  # once each
    db.session.rollback()  # the booking did not commit: nothing was
    kept = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id))
    assert kept.all() == []
    assert audit_events("invitation_added") == []


def test_a_school_that_chose_invites_only_its_choice(app):
    setting = school_with_meeting()
    agencies = usual_agencies()
    db.session.execute(
        school_default_agencies.insert(),
        [{"school_id": setting.school.id, "agency_id": agencies["camhs"].id}],
    )
    db.session.commit()

    added = invitation_defaults.invite_defaults(setting.meeting, setting.dsl)
    db.session.commit()

    assert [i.agency_id for i in added] == [agencies["camhs"].id]
    dsl = signed_in(app, setting.dsl)
    assert "CAMHS Agency contact" in page_text(dsl.get(f"/meetings/{setting.meeting.id}"))


def test_the_link_worker_who_chairs_is_attending_their_own_meeting_without_being_asked(app):
    setting = school_with_meeting()
    early_help = setting.link_worker.agency
    early_help.service_type = "early_help"
    db.session.commit()

    invitation_defaults.invite_defaults(setting.meeting, setting.dsl)
    db.session.commit()

    mine = db.session.scalars(
        select(Invitation).where(Invitation.representative_id == setting.link_worker.id)
    ).one()
    assert (mine.agency_id, mine.answer, mine.answered_by_id) == (
        early_help.id,
        "attending",
        setting.link_worker.id,
    )
