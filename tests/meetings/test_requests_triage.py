"""The link worker triages a TAS request once: onto a meeting's agenda, advice given (closed), or
redirected to the Integrated Front Door; two link workers at once cannot both triage it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tas.extensions import db
from tas.meetings.models import AgendaItem, TasRequest
from tas.meetings.requests import services
from tas.meetings.rules import NO_AGREEMENT_FOR_AGENDA
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, day, error_summary, page_text, saved, section, version_on
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def items_for_request(request_id: int) -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.request_id == request_id)))


def all_items() -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem)))


def triage(outcome: str, **fields) -> dict:
    return {
        "outcome": outcome,
        "meeting": "",
        "advice": "",
        "told_on": ["", "", ""],
        **fields,
    }


@pytest.fixture
def waiting(app):
    """A request awaiting triage at a school with a meeting to come, and its link worker."""
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Amara", last_name="Okafor")
    request = factories.tas_request(child, setting.dsl, reason="Low mood, missed mornings")
    db.session.commit()
    return setting, child, request


def signed_in(app, user):
    from tests.conftest import Visitor

    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def test_the_link_worker_accepts_a_request_onto_a_meeting(app, waiting):
    setting, child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)

    page = worker.get(url)
    assert "2 December 2026 at 9:00am: TAS meeting (MTG-" in page_text(page)
    response = worker.submit(
        url, triage("accepted", meeting=str(setting.meeting.id), version=version_on(page))
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{setting.meeting.id}"
    [item] = items_for_request(request.id)
    assert (item.meeting_id, item.child_id, item.reason) == (
        setting.meeting.id,
        child.id,
        "Low mood, missed mornings",
    )
    row = saved(TasRequest, request.id)
    assert (row.status, row.triaged_by_id) == ("accepted", setting.link_worker.id)
    assert row.triaged_at is not None
    [triaged] = audit_events("tas_request_triaged")
    assert triaged.detail == {
        "outcome": "accepted",
        "child_id": child.id,
        "meeting_id": setting.meeting.id,
    }
    assert audit_events("agenda_child_added")[0].target_id == item.id
    shown = page_text(worker.get(url))
    assert "Accepted by" in shown and "Go to the meeting" in shown
    assert f'href="/meetings/{setting.meeting.id}"' in worker.get(url).text


def test_a_request_accepted_again_after_its_meeting_was_cancelled_points_at_the_new_one(
    app, waiting
):
    """Cancelling the meeting sends the accepted request back to triage; accepted onto another
    meeting, everything about the request leads to that one, never to the cancelled one."""
    setting, child, request = waiting
    later = factories.meeting(
        setting.school,
        setting.dsl,
        chair=setting.link_worker,
        starts_at=datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 9, 10, 0, tzinfo=UTC),
    )
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    first = worker.submit(
        url,
        triage("accepted", meeting=str(setting.meeting.id), version=version_on(worker.get(url))),
    )
    assert first.headers["Location"] == f"/meetings/{setting.meeting.id}"
    cancelled = worker.submit(
        f"/meetings/{setting.meeting.id}/cancel",
        {"reason": "The hall is not available", "version": "1"},
    )
    assert cancelled.status_code == 302
    assert saved(TasRequest, request.id).status == "awaiting_triage"

    again = worker.submit(
        url, triage("accepted", meeting=str(later.id), version=version_on(worker.get(url)))
    )

    assert again.status_code == 302
    assert again.headers["Location"] == f"/meetings/{later.id}"
    banner = page_text(worker.get(again.headers["Location"]))
    assert "accepted onto the agenda of the meeting on 9 December 2026 at 9:00am" in banner
    shown = worker.get(url)
    assert (
        f"On the agenda of the meeting on 9 December 2026 at 9:00am ({later.reference})"
        in page_text(shown)
    )
    assert setting.meeting.reference not in page_text(shown)
    assert f'href="/meetings/{later.id}"' in shown.text
    assert f'href="/meetings/{setting.meeting.id}"' not in shown.text
    assert {(item.meeting_id, item.child_id) for item in items_for_request(request.id)} == {
        (setting.meeting.id, child.id),
        (later.id, child.id),
    }


def test_accepting_is_refused_once_the_familys_agreement_is_gone(app, waiting):
    setting, child, request = waiting
    factories.plan(child, lead_practitioner=setting.link_worker)  # keeps the child in view
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)
    services.current_agreement(child.id).withdrawn_on = date(2026, 11, 26)
    db.session.commit()

    response = worker.submit(
        url, triage("accepted", meeting=str(setting.meeting.id), version=version_on(page))
    )

    assert response.status_code == 200
    assert error_summary(response) == {"outcome": NO_AGREEMENT_FOR_AGENDA}
    assert "Low mood, missed mornings" in page_text(response)
    assert all_items() == []
    assert saved(TasRequest, request.id).status == "awaiting_triage"
    assert audit_events("tas_request_triaged") == []


def test_a_link_worker_without_the_child_in_view_no_longer_sees_the_request(app, waiting):
    setting, child, request = waiting
    services.current_agreement(child.id).withdrawn_on = date(2026, 11, 26)
    db.session.commit()
    worker = signed_in(app, setting.link_worker)

    response = worker.submit(
        f"/requests/{request.id}",
        triage("accepted", meeting=str(setting.meeting.id), version="1"),
        page="/requests",
    )

    assert response.status_code == 404
    assert "Amara" not in response.text
    assert all_items() == []


def test_only_meetings_to_come_at_the_childs_school_are_offered(app, waiting):
    setting, _child, request = waiting
    past = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )
    cancelled = factories.meeting(setting.school, setting.dsl, status="cancelled")
    elsewhere = school_with_meeting().meeting
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)

    offered = page.text
    assert f'value="{setting.meeting.id}"' in offered
    for meeting in (past, cancelled, elsewhere):
        assert f'<option value="{meeting.id}"' not in offered
        response = worker.submit(
            url, triage("accepted", meeting=str(meeting.id), version=version_on(page))
        )
        assert response.status_code == 200
        assert error_summary(response) == {"meeting": "Select the meeting from the list"}
    assert all_items() == []


def test_meetings_the_child_is_already_on_are_shown_not_offered(app, waiting):
    setting, child, request = waiting
    later = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 9, 10, 0, tzinfo=UTC),
    )
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)

    page = worker.get(url)

    assert page.status_code == 200
    shown = page_text(page)
    assert "Amara Okafor is already on the agenda of this meeting, so it is not offered" in shown
    assert (
        f"2 December 2026 at 9:00am: TAS meeting ({setting.meeting.reference}) Already on the "
        "agenda"
    ) in shown
    assert f'<option value="{setting.meeting.id}"' not in page.text
    assert f'<option value="{later.id}"' in page.text

    posted = worker.submit(
        url, triage("accepted", meeting=str(setting.meeting.id), version=version_on(page))
    )

    assert posted.status_code == 200
    assert error_summary(posted) == {
        "meeting": "The child is already on the agenda of this meeting: choose another meeting, "
        "or give advice"
    }
    assert "already on this meeting's agenda" not in page_text(posted)
    accepted = worker.submit(
        url, triage("accepted", meeting=str(later.id), version=version_on(page))
    )
    assert accepted.headers["Location"] == f"/meetings/{later.id}"
    assert [item.meeting_id for item in items_for_request(request.id)] == [later.id]


def test_a_child_added_to_the_meeting_meanwhile_is_refused_beside_the_meeting(app, waiting):
    """Someone puts the child on the chosen meeting while the triage page is open."""
    setting, child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()

    posted = worker.submit(
        url, triage("accepted", meeting=str(setting.meeting.id), version=version_on(page))
    )

    assert posted.status_code == 200
    assert set(error_summary(posted)) == {"meeting"}
    assert items_for_request(request.id) == []


def test_the_link_worker_gives_advice_and_the_school_sees_it(app, waiting):
    setting, child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)

    response = worker.submit(
        url,
        triage(
            "advice_given",
            advice="Try the nurture group and a referral to the school nurse",
            meeting=str(setting.meeting.id),  # not the outcome chosen: ignored
            version=version_on(page),
        ),
    )

    assert response.status_code == 302
    row = saved(TasRequest, request.id)
    assert (row.status, row.advice) == (
        "advice_given",
        "Try the nurture group and a referral to the school nurse",
    )
    assert all_items() == []
    [triaged] = audit_events("tas_request_triaged")
    assert triaged.detail == {"outcome": "advice_given", "child_id": child.id, "fields": ["advice"]}
    after = page_text(worker.get(response.headers["Location"]))
    assert "Your advice has been recorded and the request is closed" in after
    dsl = signed_in(app, setting.dsl)
    seen = page_text(dsl.get(url))
    assert "Advice given" in seen and "Try the nurture group" in seen
    assert "Save the triage" not in seen


def test_the_link_worker_redirects_to_the_ifd_and_records_when_the_school_was_told(app, waiting):
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)
    assert "If a child is at immediate risk, call 999." in page_text(page)

    response = worker.submit(
        url,
        triage("redirected_to_ifd", told_on=day(date(2026, 11, 27)), version=version_on(page)),
    )

    assert response.status_code == 302
    row = saved(TasRequest, request.id)
    assert (row.status, row.school_told_of_ifd_on) == ("redirected_to_ifd", date(2026, 11, 27))
    assert all_items() == []
    shown = page_text(worker.get(url))
    assert "The school was told on 27 November 2026" in shown
    assert "If a child is at immediate risk, call 999." in shown


@pytest.mark.parametrize(
    ("answers", "problems"),
    [
        (triage("accepted"), {"meeting": "Select the meeting to discuss the child at"}),
        (triage("advice_given", advice="  "), {"advice": "Enter the advice for the school"}),
        (triage("redirected_to_ifd"), {"told_on": "Enter the date the school was told"}),
        (
            triage("redirected_to_ifd", told_on=day(date(2026, 11, 28))),
            {"told_on": "The date the school was told must be today or in the past"},
        ),
        (
            triage("redirected_to_ifd", told_on=day(date(2026, 11, 26))),
            {
                "told_on": "The date the school was told must be on or after the day the request "
                "was made, 27 November 2026"
            },
        ),
        (
            triage("redirected_to_ifd", told_on=["31", "2", "2026"]),
            {"told_on": "Date the school was told to contact the IFD must be a real date"},
        ),
        (triage(""), {"outcome": "Select what happens to the request"}),
    ],
)
def test_each_outcome_asks_for_its_own_answer(app, waiting, answers, problems):
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)

    response = worker.submit(url, {**answers, "version": version_on(page)})

    assert response.status_code == 200
    assert error_summary(response) == problems
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_two_link_workers_triage_at_once_the_other_is_told_and_sees_what_they_typed(app, waiting):
    """The second save cannot succeed, now or later: it says who triaged the request and shows
    what they decided, with what this link worker typed to copy, and no form to save again."""
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    colleague = factories.user("link_worker", linked_schools=[setting.school], name="Sam Cole")
    db.session.commit()
    first, second = signed_in(app, colleague), signed_in(app, setting.link_worker)
    first_page, second_page = first.get(url), second.get(url)

    won = first.submit(
        url, triage("advice_given", advice="Nurture group", version=version_on(first_page))
    )
    lost = second.submit(
        url,
        triage(
            "accepted",
            meeting=str(setting.meeting.id),
            advice="My own notes",
            version=version_on(second_page),
        ),
    )

    assert won.status_code == 302
    assert lost.status_code == 409
    text = page_text(lost)
    assert "Your triage has not been saved" in text
    assert "Sam Cole triaged this request while you were triaging it" in text
    assert "Status: Advice given" in text
    assert "Advice for the school Nurture group" in text
    entered = section(lost, "what-you-entered")
    assert "What happens next Accept onto a meeting" in entered
    assert f"Meeting 2 December 2026 at 9:00am: TAS meeting ({setting.meeting.reference})" in (
        entered
    )
    assert "Advice for the school My own notes" in entered
    assert 'id="triage-form"' not in lost.text and "Save the triage" not in text
    assert "save the form again" not in text
    assert all_items() == []
    assert saved(TasRequest, request.id).advice == "Nurture group"

    again = second.submit(
        url, triage("accepted", meeting=str(setting.meeting.id), version=version_on(second_page))
    )

    assert again.status_code == 409
    assert "Sam Cole triaged this request while you were triaging it" in page_text(again)
    assert saved(TasRequest, request.id).status == "advice_given"
    assert all_items() == []


def test_a_request_withdrawn_while_it_is_triaged_says_so_and_keeps_what_was_typed(app, waiting):
    """The tester's walk: the link worker opens the triage, the DSL withdraws the request, the
    link worker saves their advice. Nothing can be saved, so no form is offered again."""
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    worker, dsl = signed_in(app, setting.link_worker), signed_in(app, setting.dsl)
    opened = worker.get(url)
    withdrawn = dsl.submit(f"{url}/withdraw", {"version": version_on(dsl.get(f"{url}/withdraw"))})
    assert withdrawn.status_code == 302
    advice = "Nurture group at lunchtimes\nand a morning check-in with her teacher"

    response = worker.submit(
        url,
        triage(
            "advice_given",
            advice=advice,
            told_on=day(date(2026, 11, 27)),  # as the form opens
            version=version_on(opened),
        ),
    )

    assert response.status_code == 409
    text = page_text(response)
    assert (
        f"{setting.dsl.name} at the school, who asked for the child to be discussed, withdrew "
        "the request while you were triaging it, so it can no longer be triaged"
    ) in text
    assert "Status: Withdrawn" in text
    assert "The request was withdrawn before triage" in text
    entered = section(response, "what-you-entered")
    assert "What happens next Give advice and close the request" in entered
    assert "Nurture group at lunchtimes and a morning check-in with her teacher" in entered
    assert "lunchtimes<br>and a morning" in response.text
    assert "Date the school was told" not in entered  # today's date, put there by the form
    assert 'id="triage-form"' not in response.text and "Save the triage" not in text
    assert "save the form again" not in text
    row = saved(TasRequest, request.id)
    assert (row.status, row.advice, row.triaged_by_id) == ("withdrawn", None, None)
    assert audit_events("tas_request_triaged") == []


def test_a_request_closed_by_the_familys_withdrawal_while_it_is_triaged_says_so(app, waiting):
    from tas.children.agreements.services import withdraw_agreement

    setting, child, request = waiting
    factories.plan(child, lead_practitioner=setting.link_worker)  # keeps the child in view
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    opened = worker.get(url)
    withdraw_agreement(child, setting.dsl, {"withdrawn_on": date(2026, 11, 26)})

    response = worker.submit(
        url,
        triage("redirected_to_ifd", told_on=day(date(2026, 11, 26)), version=version_on(opened)),
    )

    assert response.status_code == 409
    text = page_text(response)
    assert "The family withdrew their agreement to early help while you were triaging" in text
    assert "Status: Closed: the family withdrew agreement" in text
    assert "closed before triage because the family withdrew their agreement" in text
    assert "Awaiting triage by" not in text
    assert "Date the school was told to contact the IFD 26 November 2026" in section(
        response, "what-you-entered"
    )
    assert saved(TasRequest, request.id).status == "agreement_withdrawn"


@pytest.mark.commits  # another connection triages first
@pytest.mark.parametrize("outcome", ["accepted", "advice_given"])
def test_a_triage_that_loses_a_race_at_the_last_moment_is_refused_not_a_500(app, waiting, outcome):
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)
    raced = []
    table = TasRequest.__table__

    def someone_else_triages_first(session, _context, _instances):
        changing = list(session.dirty) + list(session.new)
        if raced or not any(isinstance(row, TasRequest | AgendaItem) for row in changing):
            return
        raced.append(True)
        with db.engine.begin() as other:
            other.execute(
                update(table)
                .where(table.c.id == request.id)
                .values(status="withdrawn", version=table.c.version + 1)
            )

    event.listen(Session, "before_flush", someone_else_triages_first)
    try:
        response = worker.submit(
            url,
            triage(
                outcome,
                meeting=str(setting.meeting.id),
                advice="Nurture group",
                version=version_on(page),
            ),
        )
    finally:
        event.remove(Session, "before_flush", someone_else_triages_first)

    assert raced and response.status_code == 409
    assert "withdrew the request while you were triaging it" in page_text(response)
    assert "Advice for the school Nurture group" in section(response, "what-you-entered")
    assert 'id="triage-form"' not in response.text
    assert saved(TasRequest, request.id).status == "withdrawn"
    assert all_items() == []
    assert audit_events("tas_request_triaged") == []


def test_a_withdrawn_request_is_not_triaged(app, waiting):
    setting, _child, request = waiting
    db.session.get(TasRequest, request.id).status = "withdrawn"
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)

    page = worker.get(url)
    response = worker.submit(url, triage("advice_given", advice="Late", version="2"))

    assert "Save the triage" not in page_text(page)
    assert "Your triage has not been saved" not in page_text(page)
    assert response.status_code == 409
    assert error_summary(response) == {}
    assert "withdrew the request while you were triaging it" in page_text(response)
    assert "Advice for the school Late" in section(response, "what-you-entered")
    assert "Save the triage" not in page_text(response)
    assert saved(TasRequest, request.id).advice is None


def test_a_link_worker_of_another_school_cannot_see_or_triage(app, waiting, login_as):
    _setting, _child, request = waiting
    outsider = login_as("link_worker")
    url = f"/requests/{request.id}"

    looked = outsider.get(url)
    posted = outsider.submit(
        url, triage("advice_given", advice="No", version="1"), page="/requests"
    )

    for response in (looked, posted):
        assert response.status_code == 404
        assert "Amara" not in response.text
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_the_schools_dsl_sees_the_request_but_cannot_triage(app, waiting):
    setting, _child, request = waiting
    url = f"/requests/{request.id}"
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(url)
    posted = dsl.submit(url, triage("advice_given", advice="Mine", version="1"))

    assert page.status_code == 200 and "Save the triage" not in page_text(page)
    assert posted.status_code == 403
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_after_triage_the_link_worker_is_led_to_the_next_request(app, waiting):
    setting, _child, request = waiting
    other_child = child_at(setting.school)
    following = factories.tas_request(other_child, setting.dsl)
    db.session.commit()
    url = f"/requests/{request.id}"
    worker = signed_in(app, setting.link_worker)
    page = worker.get(url)

    response = worker.submit(
        url, triage("advice_given", advice="Nurture group", version=version_on(page))
    )

    after = worker.get(response.headers["Location"])
    assert "Triage the next request" in page_text(after)
    assert f'href="/requests/{following.id}"' in after.text
