"""A child's chronology: significant events added by those who work with the child, merged
with everything else the service knows, filtered by source and category, with a restricted
event's details kept for its own agency and those who hold the record (11 December 2026)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from tas.chronology.models import ChronologyEvent
from tas.extensions import db
from tas.plans.models import GpNotification
from tests import factories
from tests.chronology.helpers import add_event
from tests.pages import audit_events, error_summary, page_text
from tests.voice.helpers import child_and_team, record, signed_in


def timeline_of(response) -> str:
    """The words of the timeline's table (not the filters, which name every category)."""
    return page_text(response).split("newest first", 1)[1].split("Support links", 1)[0]


def test_an_event_is_added_and_what_was_typed_is_kept_when_refused(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    refused = add_event(farah, team.child, category="", source_agency="99999")
    assert error_summary(refused) == {
        "category": "Select the category of the event",
        "source_agency": "Select the agency the information came from",
    }
    assert "Police called to the home overnight." in refused.get_data(as_text=True)
    future = add_event(farah, team.child, happened_on=["12", "12", "2026"])
    assert error_summary(future) == {
        "happened_on": "The date of the event must be today or in the past"
    }
    assert db.session.scalars(select(ChronologyEvent)).all() == []
    police = factories.agency(name="West Yorkshire Police", service_type="police")
    db.session.commit()

    added = add_event(farah, team.child, source_agency=str(police.id))

    assert added.status_code == 302
    event = db.session.scalars(select(ChronologyEvent)).one()
    assert (event.happened_on, event.category, event.originating_agency_id) == (
        date(2026, 12, 3),
        "police_call_out",
        team.agency.id,
    )
    shown = page_text(farah.get(added.headers["Location"]))
    assert "Police call-out" in shown and "From West Yorkshire Police" in shown
    (audited,) = audit_events("chronology_event_added")
    assert "overnight" not in str(audited.detail)


def test_an_event_may_be_dated_from_a_year_before_birth_not_earlier(app):
    team = child_and_team()  # born 1 May 2016
    farah = signed_in(app, team.practitioner)

    for day in (["1", "1", "1900"], ["30", "4", "2015"]):
        refused = add_event(farah, team.child, happened_on=day, summary="")
        assert error_summary(refused) == {
            "happened_on": "The date of the event must be on or after 1 May 2015, a year before "
            "the child's date of birth",
            "summary": "Enter a short summary of the event",
        }
    assert db.session.scalars(select(ChronologyEvent)).all() == []

    # In pregnancy: a domestic abuse notification months before the child was born.
    added = add_event(farah, team.child, happened_on=["1", "5", "2015"], category="domestic_abuse")
    assert added.status_code == 302
    assert db.session.scalars(select(ChronologyEvent.happened_on)).all() == [date(2015, 5, 1)]


def test_the_timeline_merges_every_source_newest_first_and_filters(app):
    team = child_and_team()
    dana = signed_in(app, team.dsl)
    add_event(dana, team.child, happened_on=["1", "12", "2026"])
    add_event(dana, team.child, happened_on=["5", "12", "2026"], category="exclusion")
    record(signed_in(app, team.practitioner), team.child, raises_concern="no")
    meeting = factories.meeting(team.school, team.link_worker, status="held")
    db.session.flush()
    factories.agenda_item(meeting, team.child, team.dsl, decision="shared_plan")
    factories.step_change(team.child, team.dsl, changed_on=date(2026, 11, 20))
    factories.referral(team.child, team.dsl)
    practice = factories.agency(service_type="gp_practice", ods_code="B12345")
    db.session.flush()
    db.session.add(
        GpNotification(
            plan_id=team.plan.id,
            gp_practice_id=practice.id,
            sent_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
            method="secure email",
        )
    )
    db.session.commit()
    page = f"/children/{team.child.id}/chronology"

    shown = timeline_of(dana.get(page))

    for expected in (
        "Exclusion",
        "Police call-out",
        "What the child said",
        "Discussed at a TAS meeting",
        "Open or continue the shared plan",
        "Referral to the Integrated Front Door",
        "GP practice told",
    ):
        assert expected in shown, expected
    # Newest first: what the child said today, the exclusion, the meeting, the call-out.
    order = [re.search(rf"(?<!\d){day} December 2026", shown).start() for day in (11, 5, 2, 1)]
    assert order == sorted(order)
    only_voice = timeline_of(dana.get(f"{page}?source=voice"))
    assert "What the child said" in only_voice and "Police call-out" not in only_voice
    exclusions = dana.get(f"{page}?category=exclusion")
    assert "1 entry, newest first" in page_text(exclusions)
    assert "Exclusion" in timeline_of(exclusions)
    assert "Police call-out" not in timeline_of(exclusions)
    # Nonsense in the filters is ignored rather than refused.
    assert dana.get(f"{page}?source=x&category=%3Cscript%3E").status_code == 200


def test_a_restricted_event_shows_its_details_to_its_agency_and_the_record_holders(app):
    team = child_and_team()
    add_event(
        signed_in(app, team.practitioner),
        team.child,
        category="a_and_e",
        summary="Seen at A&E after a fall.",
        markers=["restricted"],
    )
    nurse = factories.user("practitioner", agency=factories.agency(service_type="zero_to_nineteen"))
    db.session.flush()
    factories.involvement(team.plan, agency=nurse.agency, practitioner=nurse)
    db.session.commit()
    page = f"/children/{team.child.id}/chronology"

    for holder in (team.practitioner, team.lead, team.dsl, team.link_worker):
        assert "Seen at A&E after a fall." in page_text(signed_in(app, holder).get(page))
    withheld = page_text(signed_in(app, nurse).get(page))
    assert "Seen at A&E" not in withheld
    assert f"Restricted: ask {team.agency.name} before it is shared" in withheld
    # What the child said, marked restricted, is kept the same way, here and on its own page.
    record(
        signed_in(app, team.practitioner),
        team.child,
        raises_concern="no",
        words="Please don't tell my dad.",
        markers=["restricted"],
    )
    assert "tell my dad" not in page_text(signed_in(app, nurse).get(page))
    assert "tell my dad" not in page_text(
        signed_in(app, nurse).get(f"/children/{team.child.id}/voice")
    )
    assert "tell my dad" in page_text(signed_in(app, team.dsl).get(page))
