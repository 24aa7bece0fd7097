"""A family's TAF / handover meeting is about one family (docs/glossary.md), maybe at its home:
triage offers a request only TAS and keeping-in-touch meetings, and no second child (nor an
anonymous consultation) goes on a TAF meeting's agenda however it is posted. A meeting posted
that is no id at all is refused beside the field, never a server error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tas.core.use_cases import Refused
from tas.extensions import db
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests import triage as triaging
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import error_summary, page_text, saved, version_on
from tests.plans.helpers import child_at


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def items_of(meeting_id: int) -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)))


def triage(outcome: str, **fields) -> dict:
    return {"outcome": outcome, "advice": "", "told_on": ["", "", ""], **fields}


def on(day: int, **fields) -> dict:
    return {
        "starts_at": datetime(2026, 12, day, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, day, 10, 0, tzinfo=UTC),
        **fields,
    }


@pytest.fixture
def families(app):
    """Oakfield's TAS meeting, a keeping-in-touch session, and Amara's handover (TAF) meeting at
    her family's home with her on its agenda; a request for Noah awaits triage."""
    setting = school_with_meeting()
    amara = child_at(setting.school, first_name="Amara", last_name="Okafor")
    noah = child_at(setting.school, first_name="Noah", last_name="Jones")
    handover = factories.meeting(
        setting.school,
        setting.dsl,
        kind="taf",
        location="The family's home, 4 Mill Lane",
        venue_private=True,
        **on(3),
    )
    catch_up = factories.meeting(setting.school, setting.dsl, kind="keeping_in_touch", **on(4))
    factories.agenda_item(handover, amara, setting.dsl, reason="Handover from Social Care")
    request = factories.tas_request(noah, setting.dsl, reason="Low mood, missed mornings")
    db.session.commit()
    return setting, handover, catch_up, request


def test_triage_offers_tas_and_keeping_in_touch_meetings_never_a_familys_taf(app, families):
    setting, handover, catch_up, request = families
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)

    page = worker.get(url)

    assert f'<option value="{setting.meeting.id}"' in page.text
    assert f'<option value="{catch_up.id}"' in page.text
    assert f'<option value="{handover.id}"' not in page.text
    assert "TAF / handover meeting" not in page_text(page)
    assert "Scheduled TAS and keeping-in-touch meetings still to come" in page_text(page)
    refused = worker.submit(
        url, triage("accepted", meeting=str(handover.id), version=version_on(page))
    )
    assert refused.status_code == 200
    assert error_summary(refused) == {"meeting": "Select the meeting from the list"}
    assert "Low mood, missed mornings" in page_text(refused)
    assert len(items_of(handover.id)) == 1  # Amara's only
    assert saved(TasRequest, request.id).status == "awaiting_triage"

    accepted = worker.submit(
        url, triage("accepted", meeting=str(catch_up.id), version=version_on(page))
    )
    assert accepted.headers["Location"] == f"/meetings/{catch_up.id}"


def test_triage_refuses_a_taf_meeting_even_past_the_form(app, families):
    setting, handover, _catch_up, request = families
    row = db.session.get(TasRequest, request.id)
    values = {"outcome": "accepted", "meeting_id": handover.id}

    with pytest.raises(Refused) as refused:
        triaging.triage(row, setting.link_worker, row.version, values)

    assert refused.value.problems == {"meeting": "Select the meeting from the list"}
    assert len(items_of(handover.id)) == 1


@pytest.mark.parametrize("posted", ["abc", "\u00b2", "99999999999999999999", "-1", None])
def test_a_triage_meeting_that_is_no_id_is_refused_beside_the_field(app, families, posted):
    setting, _handover, _catch_up, request = families
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)
    form = triage("accepted", version=version_on(page))
    if posted is not None:
        form["meeting"] = posted

    response = worker.submit(url, form)

    assert response.status_code == 200
    message = "Select the meeting from the list" if posted else "Select the meeting to discuss"
    assert error_summary(response)["meeting"].startswith(message)
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_a_second_child_never_goes_on_a_taf_meeting(app, families):
    """Whatever path adds the child (the agenda page, triage, a use case): refused."""
    setting, handover, _catch_up, request = families
    noah = db.session.get(TasRequest, request.id).child
    meeting = db.session.get(Meeting, handover.id)

    with pytest.raises(Refused) as refused:
        agenda.add_child(meeting, noah, "Low mood", setting.dsl)
    assert refused.value.problems == {"meeting": agenda.ONE_FAMILY}
    with pytest.raises(Refused) as consulted:
        agenda.add_consultation(meeting, "A situation", setting.dsl)
    assert consulted.value.problems == {"meeting": agenda.NOT_ON_A_TAF}
    db.session.rollback()
    assert len(items_of(handover.id)) == 1
