"""A practitioner's area (issue 14): their agency's invitations that name nobody reach them for
the schools of the clusters they cover, not the whole region; a practitioner with no area is
reached everywhere, an invitation naming them always reaches them, and their agency's
safeguarding lead sees every one of the agency's invitations."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Invitation
from tas.organisations.models import User
from tests import factories
from tests.conftest import Visitor

STARTS = datetime(2027, 1, 13, 9, 0, tzinfo=UTC)  # still to come: invitations can be answered


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def two_clusters():
    """Future in Mind invited, naming nobody, to a meeting at a school in each of two
    clusters."""
    fim = factories.agency(name="Future in Mind")
    meetings = {}
    for name in ("North", "South"):
        cluster = factories.cluster(name=name)
        school = factories.school(name=f"{name} Primary", cluster=cluster)
        dsl = factories.user("dsl", school=school)
        meeting = factories.meeting(
            school, dsl, starts_at=STARTS, ends_at=STARTS.replace(hour=10, minute=30)
        )
        db.session.flush()
        factories.invitation(meeting, dsl, agency=fim)
        meetings[name] = (cluster, meeting)
    return fim, meetings


def sees(browser: Visitor, meeting) -> bool:
    status = browser.get(f"/meetings/{meeting.id}").status_code
    assert status in (200, 404)
    return status == 200


def test_an_invitation_naming_nobody_reaches_the_practitioners_whose_area_has_the_school(app):
    fim, meetings = two_clusters()
    (north, north_meeting), (_south, south_meeting) = meetings["North"], meetings["South"]
    northern = factories.user("practitioner", agency=fim, clusters=[north])
    anywhere = factories.user("practitioner", agency=fim)
    db.session.commit()

    north_only = signed_in(app, northern)
    assert sees(north_only, north_meeting) and not sees(north_only, south_meeting)
    listed = north_only.get("/meetings").get_data(as_text=True)
    assert "North Primary" in listed and "South Primary" not in listed
    everywhere = signed_in(app, anywhere)
    assert sees(everywhere, north_meeting) and sees(everywhere, south_meeting)

    answered = north_only.submit(
        f"/meetings/{north_meeting.id}/answer", {"answer": "attending", "version": "1"}
    )
    assert answered.status_code == 302
    refused = north_only.submit(
        f"/meetings/{south_meeting.id}/answer", {"answer": "attending", "version": "1"}
    )
    assert refused.status_code == 404
    db.session.expire_all()
    by_meeting = {i.meeting_id: i.answer for i in db.session.scalars(select(Invitation))}
    assert by_meeting == {north_meeting.id: "attending", south_meeting.id: "awaiting"}


def test_a_named_invitation_and_the_safeguarding_lead_are_not_limited_by_area(app):
    fim, meetings = two_clusters()
    (north, _north_meeting), (_south, south_meeting) = meetings["North"], meetings["South"]
    named = factories.user("practitioner", agency=fim, clusters=[north])
    lead = factories.user("practitioner", agency=fim, clusters=[north], is_safeguarding_lead=True)
    db.session.flush()
    factories.invitation(south_meeting, south_meeting.organiser, agency=fim, representative=named)
    db.session.commit()

    assert sees(signed_in(app, named), south_meeting)
    assert sees(signed_in(app, lead), south_meeting)


def test_an_administrator_gives_a_practitioner_an_area(app, login_as):
    fim = factories.agency(name="Future in Mind")
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    db.session.commit()
    admin = login_as("admin")

    form = {
        "name": "Nia North",
        "email": "nia@fim.example.org",
        "role": "practitioner",
        "agency": str(fim.id),
        "clusters": [str(north.id)],
    }
    response = admin.submit("/admin/users/new", form)

    assert response.status_code == 302
    db.session.expire_all()
    nia = db.session.scalar(select(User).where(User.email == "nia@fim.example.org"))
    assert [cluster.name for cluster in nia.clusters] == ["North"]
    edit = admin.get(f"/admin/users/{nia.id}").get_data(as_text=True)
    ticked = re.findall(r'<input[^>]*name="clusters"[^>]*value="(\d+)"[^>]*checked', edit)
    assert ticked == [str(north.id)] and south.id != north.id
