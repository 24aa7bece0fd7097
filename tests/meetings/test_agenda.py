"""The agenda, managed by the meeting's organisers: children of the school with a current
agreement, each with the reason for discussion; an order and optional time slots; items removed
before the meeting. A child without agreement cannot be added, and leaves a future agenda."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import Agreement, AgreementAgency
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, TasRequest
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, field_value, page_text, section
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def items_of(meeting_id: int) -> list[AgendaItem]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def adding(child_id, **fields) -> dict:
    return {
        "child": str(child_id),
        "reason": "Low mood and missed days",
        "slot_starts": "",
        **fields,
    }


def test_the_dsl_adds_a_child_with_the_familys_agreement(app):
    setting = school_with_meeting()
    maya = child_at(setting.school, first_name="Maya", last_name="Patel")
    noah = child_at(setting.school, agreed=False, first_name="Noah", last_name="Jones")
    elsewhere = child_at(factories.school(), first_name="Zed", last_name="Elsewhere")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/agenda/add"

    form = dsl.get(url)
    response = dsl.submit(url, adding(maya.id, slot_starts="9:15"))

    text = page_text(form)
    assert "Maya Patel, born 1 May 2016" in text
    assert f'<option value="{noah.id}"' not in form.get_data(as_text=True)
    assert "Children who cannot be added yet" in text
    assert rules.NO_AGREEMENT_FOR_AGENDA in text
    assert "Noah Jones: the family's agreement" in text
    assert "Zed" not in text
    assert elsewhere.id
    assert audit_events("agenda_children_listed")[0].detail == {"found": 2}
    assert response.status_code == 302
    [item] = items_of(setting.meeting.id)
    assert (item.child_id, item.reason, item.slot_starts) == (
        maya.id,
        "Low mood and missed days",
        time(9, 15),
    )
    # To the top of the agenda, where the banner says it was added (not down at the item).
    assert response.headers["Location"].endswith(f"/meetings/{setting.meeting.id}/agenda")
    [event] = audit_events("agenda_child_added")
    assert event.detail == {"meeting_id": setting.meeting.id, "child_id": maya.id}
    page = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "9:15am Maya Patel Low mood and missed days" in section(page, "agenda")
    again = page_text(dsl.get(url))
    assert "Already on the agenda Maya Patel" in again


def test_adding_a_child_with_a_request_waiting_accepts_it_onto_the_meeting(app):
    """Leo's request waits for triage; the link worker (who triages the school's requests)
    adds him to the agenda directly: it is accepted onto this meeting with him, and no longer
    waits after he has been discussed. Removed again, it goes back to triage. The school's DSL,
    who may not triage, adding a child leaves their request to the link worker."""
    setting = school_with_meeting()
    leo = child_at(setting.school, first_name="Leo", last_name="Price")
    mia = child_at(setting.school, first_name="Mia", last_name="Hughes")
    waiting = factories.tas_request(leo, setting.dsl)
    mias = factories.tas_request(mia, setting.dsl)
    db.session.commit()
    link_worker = signed_in(app, setting.link_worker)
    dsl = signed_in(app, setting.dsl)

    response = link_worker.submit(f"/meetings/{setting.meeting.id}/agenda/add", adding(leo.id))
    by_dsl = dsl.submit(f"/meetings/{setting.meeting.id}/agenda/add", adding(mia.id))

    assert response.status_code == by_dsl.status_code == 302
    item = next(row for row in items_of(setting.meeting.id) if row.child_id == leo.id)
    request = db.session.get(TasRequest, waiting.id)
    assert (item.request_id, request.status, request.triaged_by_id) == (
        waiting.id,
        "accepted",
        setting.link_worker.id,
    )
    [triaged] = audit_events("tas_request_triaged")
    assert triaged.detail["by_adding_to_the_agenda"] is True
    assert "Their request waiting for triage is accepted onto this meeting" in page_text(
        link_worker.get(response.headers["Location"])
    )
    assert db.session.get(TasRequest, mias.id).status == "awaiting_triage"
    removed = link_worker.submit(
        f"/meetings/{setting.meeting.id}/agenda/{item.id}/remove", {"version": str(item.version)}
    )
    assert removed.status_code == 302
    assert db.session.get(TasRequest, waiting.id).status == "awaiting_triage"


def test_a_child_without_agreement_is_refused_with_what_to_do_instead(app):
    setting = school_with_meeting()
    noah = child_at(setting.school, agreed=False)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(f"/meetings/{setting.meeting.id}/agenda/add", adding(noah.id))

    assert response.status_code == 200
    assert error_summary(response) == {"child": rules.NO_AGREEMENT_FOR_AGENDA}
    assert "Low mood and missed days" in response.get_data(as_text=True)  # the reason is kept
    assert items_of(setting.meeting.id) == []


def test_a_child_without_agreement_and_a_slot_outside_the_meeting_show_with_the_reason(app):
    setting = school_with_meeting()  # 09:00 to 10:30
    noah = child_at(setting.school, agreed=False)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(
        f"/meetings/{setting.meeting.id}/agenda/add",
        {**adding(noah.id), "reason": "", "slot_starts": "12:00"},
    )

    assert error_summary(response) == {
        "child": rules.NO_AGREEMENT_FOR_AGENDA,
        "reason": "Enter the reason for discussion",
        "slot_starts": "Enter a time during the meeting: from 09:00 and before 10:30",
    }
    assert items_of(setting.meeting.id) == []


def test_a_taf_meeting_takes_one_family_a_second_child_is_refused(app):
    """A TAF / handover meeting is about one family (maybe at its home, seen by the agencies
    involved with that child): another child goes on a TAS meeting instead."""
    setting = school_with_meeting(kind="taf", venue_private=True, location="4 Mill Lane")
    amara = child_at(setting.school, first_name="Amara", last_name="Okafor")
    noah = child_at(setting.school, first_name="Noah", last_name="Jones")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/agenda/add"

    first = dsl.submit(url, adding(amara.id))
    second = dsl.submit(url, adding(noah.id, reason="Noah's low mood"))

    assert first.status_code == 302
    assert second.status_code == 200
    assert error_summary(second) == {"child": agenda.ONE_FAMILY}
    assert "Noah&#39;s low mood" in second.get_data(as_text=True)  # the reason is kept
    assert [item.child_id for item in items_of(setting.meeting.id)] == [amara.id]


def test_only_the_schools_children_the_organiser_sees_can_be_posted(app):
    setting = school_with_meeting()
    other = child_at(factories.school())
    mine = child_at(setting.school)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/agenda/add"

    answers = [
        dsl.submit(url, adding(value))
        for value in (other.id, "", "abc", "99999999999999999999", -1)
    ]
    no_reason = dsl.submit(url, adding(mine.id, reason=" "))
    nothing = dsl.submit(url, adding("", reason=""))
    bad_slot = dsl.submit(url, adding(mine.id, slot_starts="quarter past"))

    for response in answers:
        assert response.status_code == 200
        assert error_summary(response) == {"child": "Select a child from the list"}
    assert error_summary(no_reason) == {"reason": "Enter the reason for discussion"}
    assert list(error_summary(nothing).items()) == [
        ("child", "Select a child from the list"),
        ("reason", "Enter the reason for discussion"),
    ]
    assert error_summary(bad_slot) == {
        "slot_starts": "Enter the time slot on the 24-hour clock, like 09:30"
    }
    assert field_value(bad_slot, "slot_starts") == "quarter past"
    assert items_of(setting.meeting.id) == []


def three_items(setting):
    children = [child_at(setting.school, first_name=name) for name in ("Ann", "Ben", "Cal")]
    for position, child in enumerate(children, start=1):
        factories.agenda_item(setting.meeting, child, setting.dsl, position=position)
    db.session.commit()
    return children


def names_in_order(meeting_id: int) -> list[str]:
    return [item.child.first_name for item in items_of(meeting_id)]


def test_items_move_up_and_down(app):
    setting = school_with_meeting()
    three_items(setting)
    chair = signed_in(app, setting.link_worker)
    [ann, _ben, cal] = items_of(setting.meeting.id)
    manage = f"/meetings/{setting.meeting.id}/agenda"

    up = chair.submit(f"{manage}/{cal.id}/move", {"direction": "up", "version": "1"}, page=manage)
    down = chair.submit(
        f"{manage}/{ann.id}/move", {"direction": "down", "version": "1"}, page=manage
    )

    assert up.status_code == down.status_code == 302
    assert names_in_order(setting.meeting.id) == ["Cal", "Ann", "Ben"]
    assert [e.detail["direction"] for e in audit_events("agenda_item_moved")] == ["up", "down"]
    assert "Cal Ann Ben" in " ".join(
        word
        for word in section(chair.get(f"/meetings/{setting.meeting.id}"), "agenda").split()
        if word in ("Ann", "Ben", "Cal")
    )
    version = str(items_of(setting.meeting.id)[0].version)
    first_up = chair.submit(
        f"{manage}/{cal.id}/move", {"direction": "up", "version": version}, page=manage
    )
    assert first_up.status_code == 302
    assert names_in_order(setting.meeting.id) == ["Cal", "Ann", "Ben"]


def test_a_move_from_an_out_of_date_page_is_refused(app):
    setting = school_with_meeting()
    three_items(setting)
    dsl = signed_in(app, setting.dsl)
    [_ann, ben, _cal] = items_of(setting.meeting.id)
    manage = f"/meetings/{setting.meeting.id}/agenda"

    response = dsl.submit(
        f"{manage}/{ben.id}/move", {"direction": "up", "version": "0"}, page=manage
    )
    nonsense = dsl.submit(
        f"{manage}/{ben.id}/move", {"direction": "sideways", "version": "1"}, page=manage
    )

    assert response.status_code == 409
    assert "Someone else changed the agenda while you were looking at it" in page_text(response)
    assert nonsense.status_code == 400
    assert names_in_order(setting.meeting.id) == ["Ann", "Ben", "Cal"]


def test_time_slots_fall_during_the_meeting(app):
    setting = school_with_meeting()  # 09:00 to 10:30
    three_items(setting)
    dsl = signed_in(app, setting.dsl)
    item = items_of(setting.meeting.id)[0]
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/slot"

    form = dsl.get(url)
    early = dsl.submit(url, {"slot_starts": "08:45", "version": "1"})
    at_end = dsl.submit(url, {"slot_starts": "10:30", "version": "1"})
    nonsense = dsl.submit(url, {"slot_starts": "25:00", "version": "1"})
    saved = dsl.submit(url, {"slot_starts": "09.40", "version": "1"})
    cleared = dsl.submit(url, {"slot_starts": "", "version": "2"})

    assert "The meeting runs from 9:00am to 10:30am (09:00 to 10:30 on the 24-hour clock)" in (
        page_text(form)
    )
    assert audit_events("agenda_item_opened")[0].detail["child_id"] == item.child_id
    for refused in (early, at_end):
        assert error_summary(refused) == {
            "slot_starts": "Enter a time during the meeting: from 09:00 and before 10:30"
        }
    assert error_summary(nonsense) == {
        "slot_starts": "Enter the time slot on the 24-hour clock, like 09:30"
    }
    assert saved.status_code == cleared.status_code == 302
    assert items_of(setting.meeting.id)[0].slot_starts is None
    assert [e.detail for e in audit_events("agenda_slot_changed")] == [
        {"meeting_id": setting.meeting.id, "fields": ["slot_starts"]}
    ] * 2


def test_a_slot_shows_on_the_meeting_page_and_stale_saves_are_refused(app):
    setting = school_with_meeting()
    three_items(setting)
    dsl = signed_in(app, setting.dsl)
    item = items_of(setting.meeting.id)[1]
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/slot"
    dsl.submit(url, {"slot_starts": "09:30", "version": "1"})

    stale = dsl.submit(url, {"slot_starts": "10:00", "version": "1"})

    assert "9:30am Ben" in section(dsl.get(f"/meetings/{setting.meeting.id}"), "agenda")
    assert stale.status_code == 409
    assert "Someone else changed this agenda item while you were editing it" in page_text(stale)
    assert field_value(stale, "slot_starts") == "10:00"
    assert items_of(setting.meeting.id)[1].slot_starts == time(9, 30)


def test_an_item_is_removed_before_the_meeting_audited(app):
    setting = school_with_meeting()
    [ann, _ben, _cal] = three_items(setting)
    request = factories.tas_request(ann, setting.dsl, status="accepted")
    db.session.flush()
    items_of(setting.meeting.id)[0].request_id = request.id
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    item = items_of(setting.meeting.id)[0]
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/remove"

    confirm = dsl.get(url)
    response = dsl.submit(url, {"version": str(item.version)})

    assert "Remove an item from the agenda" in page_text(confirm)
    assert "the request goes back to the link worker to triage again" in page_text(confirm)
    assert response.status_code == 302
    assert names_in_order(setting.meeting.id) == ["Ben", "Cal"]
    [event] = audit_events("agenda_item_removed")
    assert event.detail == {
        "meeting_id": setting.meeting.id,
        "child_id": ann.id,
        "request_id": request.id,
        "request_returned_to_triage": True,
    }
    assert db.session.get(TasRequest, request.id).status == "awaiting_triage"
    assert "Ann" not in section(dsl.get(f"/meetings/{setting.meeting.id}"), "agenda")


def test_once_the_meeting_starts_items_stay(app):
    setting = school_with_meeting()
    three_items(setting)
    item = items_of(setting.meeting.id)[0]
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/remove"

    with time_machine.travel(datetime(2026, 12, 2, 9, 5, tzinfo=UTC), tick=False):
        dsl = signed_in(app, setting.dsl)
        page = dsl.get(url)
        response = dsl.submit(url, {"version": "1"})
        manage = dsl.get(f"/meetings/{setting.meeting.id}/agenda")

    assert "The meeting has started, so items can no longer be removed" in page_text(page)
    assert response.status_code == 200
    assert error_summary(response) == {
        "saved-version": (
            "The meeting has started, so items can no longer be removed from its agenda"
        )
    }
    assert "Remove" not in page_text(manage)
    assert len(items_of(setting.meeting.id)) == 3


def test_a_child_whose_family_withdrew_agreement_leaves_the_future_agenda(app):
    setting = school_with_meeting()
    [ann, _ben, _cal] = three_items(setting)
    agreement = db.session.scalar(select(Agreement).where(Agreement.child_id == ann.id))
    agreement.withdrawn_on = date(2026, 11, 26)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/meetings/{setting.meeting.id}")
    manage = dsl.get(f"/meetings/{setting.meeting.id}/agenda")
    add = dsl.get(f"/meetings/{setting.meeting.id}/agenda/add")

    ann_name = f"{ann.first_name} {ann.last_name}"
    assert ann_name not in section(page, "agenda")
    assert "Ben" in section(page, "agenda")
    assert ann_name not in page_text(manage)
    assert f"{ann.first_name} {ann.last_name}: the family's agreement" in page_text(add)
    assert audit_events("meeting_agenda_viewed")[0].detail["child_ids"] == [
        item.child_id for item in items_of(setting.meeting.id)[1:]
    ]


def test_only_organisers_manage_the_agenda(app):
    setting = school_with_meeting()
    [ann, _ben, _cal] = three_items(setting)
    fim = factories.agency()
    invited = factories.user("practitioner", agency=fim)
    factories.invitation(setting.meeting, setting.dsl, agency=fim)
    outsiders = {
        factories.user("dsl"): 404,
        factories.user("practitioner"): 404,
        factories.user("coordinator"): 403,
        invited: 403,
    }
    db.session.commit()
    item = items_of(setting.meeting.id)[0]
    base = f"/meetings/{setting.meeting.id}/agenda"
    pages = [base, f"{base}/add", f"{base}/{item.id}/slot", f"{base}/{item.id}/remove"]

    for user, status in outsiders.items():
        browser = signed_in(app, user)
        for url in pages:
            assert browser.get(url).status_code == status, (user.role, url)
        for url in [*pages[1:], f"{base}/{item.id}/move"]:
            posted = browser.submit(
                url, {**adding(ann.id), "version": "1", "direction": "up"}, page="/"
            )
            assert posted.status_code == status, (user.role, url)
    dsl = signed_in(app, setting.dsl)
    assert dsl.get(f"{base}/{item.id + 100}/slot").status_code == 404
    other_meeting = factories.meeting(setting.school, setting.dsl)
    db.session.commit()
    assert dsl.get(f"/meetings/{other_meeting.id}/agenda/{item.id}/slot").status_code == 404
    assert names_in_order(setting.meeting.id) == ["Ann", "Ben", "Cal"]
    assert items_of(setting.meeting.id)[0].slot_starts is None


def _agenda_of(count: int):
    setting = school_with_meeting()
    for n in range(count):
        child = child_at(setting.school)
        factories.agenda_item(
            setting.meeting, child, setting.dsl, position=n, slot_starts=time(9, n)
        )
    factories.agenda_item(setting.meeting, None, setting.dsl, reason="A situation", position=99)
    db.session.commit()
    return setting


def test_the_agenda_page_runs_the_same_queries_for_few_or_many(app, count_queries):
    few, many = _agenda_of(2), _agenda_of(15)
    counts = []
    for setting in (few, many):
        browser = signed_in(app, setting.dsl)
        with count_queries() as statements:
            response = browser.get(f"/meetings/{setting.meeting.id}/agenda")
        assert response.status_code == 200
        counts.append(len(statements))
    assert "Anonymous consultation" in page_text(response)
    assert "9:14am" in page_text(response)
    assert counts[0] == counts[1]


def test_the_organiser_sees_which_invited_services_do_not_see_a_child(app):
    """The family agreed to share with Future in Mind only: the 0-19 Service, also invited,
    does not see Maya's item, and the organiser is told so beside it. A GP practice sees the
    arrangements only, whatever the agreement, and is not listed."""
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    nurses = factories.agency(name="0-19 Service")
    practice = factories.agency(
        name="Westgate Surgery", service_type="gp_practice", ods_code="B82005"
    )
    maya = child_at(setting.school, agreed=False, first_name="Maya")
    everyone = child_at(setting.school, first_name="Noor")
    agreement = factories.agreement(maya, setting.dsl)
    db.session.flush()
    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=fim.id))
    for agency in (fim, nurses, practice):
        factories.invitation(setting.meeting, setting.dsl, agency=agency)
    for child in (maya, everyone):
        factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()

    shown = section(signed_in(app, setting.dsl).get(f"/meetings/{setting.meeting.id}"), "agenda")

    assert "Not seen by 0-19 Service: the family's agreement does not cover them" in shown
    assert shown.count("Not seen by") == 1  # Noor's family named no services: all see her
    assert "Westgate Surgery" not in shown
