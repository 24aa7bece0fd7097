"""Level changes and the family's agreement (docs/security.md, Roles; tas/levels/access.py):
after a withdrawal, or with no agreement at all, a step up within early help is neither offered
nor recorded, while a referral to the IFD (a safeguarding route) still is; and whoever is chosen
to lead the plan, on any page that chooses one, works for an agency the agreement covers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tas.children.models import Agreement, Child
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.levels.access import LevelChange, may_record_level
from tas.plans import services as shared_plans
from tas.plans.leads import NOT_OFFERED, lead_problems
from tas.plans.models import SharedPlan
from tests import factories
from tests.meetings.test_day import on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES, minutes_url
from tests.pages import day, error_summary, page_text
from tests.plans.helpers import child_at, plans_of
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import STEP_UP, browser_for, level_url, send, step_changes
from tests.reviews.test_referrals import REFERRAL, refer_url, referrals_of

WITHDRAWN = "The family withdrew their agreement to early help, so the record is read-only"
NO_AGREEMENT = "A step up within early help needs the family's agreement to early help"


def step_up_url(child) -> str:
    return f"/children/{child.id}/level/step-up"


def step_down_url(child) -> str:
    return f"/children/{child.id}/level/step-down"


def agreement_of(child) -> Agreement:
    return db.session.scalar(select(Agreement).where(Agreement.child_id == child.id))


def withdraw(child) -> None:
    agreement = agreement_of(child)
    agreement.withdrawn_on = date(2026, 11, 19)
    agreement.withdrawal_note = "Mother phoned to withdraw"
    agreement.withdrawn_recorded_at = datetime(2026, 11, 19, 10, tzinfo=UTC)
    db.session.commit()


def forced(browser, url: str, data: dict):
    """A POST sent without opening the form (the page refuses to show it)."""
    return browser.client.post(url, data={"csrf_token": browser.token("/account"), **data})


def offered(response, name: str) -> set[str]:
    html = response.get_data(as_text=True)
    found = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert found, name
    return set(re.findall(r'<option value="(\d+)"', found.group(0))) - {""}


def level_now(child_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Child, child_id).level_of_need


def lead_now(plan_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(SharedPlan, plan_id).lead_practitioner_id


# ---------------------------------------------------------------- after a withdrawal


def test_after_a_withdrawal_a_step_up_is_not_offered_and_a_forced_one_changes_nothing(app):
    setting = child_with_plan(level="early_help")
    nurse = factories.user("practitioner", name="Nia Nurse")
    db.session.commit()
    withdraw(setting.child)

    for person in (setting.dsl, setting.link_worker):  # the school's DSL; the plan's lead
        browser = browser_for(app, person)
        page = page_text(browser.get(level_url(setting.child)))
        opened = browser.get(step_up_url(setting.child))
        sent = forced(
            browser,
            step_up_url(setting.child),
            {**STEP_UP, "lead_changes": "yes", "new_lead_practitioner": str(nurse.id)},
        )

        assert "Record a step up within early help" not in page
        assert "Record a referral to the IFD" in page
        assert WITHDRAWN in page
        assert opened.status_code == 403 and WITHDRAWN in page_text(opened)
        assert sent.status_code == 403 and WITHDRAWN in page_text(sent)
        assert "phone the Integrated Front Door now" in page_text(sent)

    assert step_changes(setting.child.id) == []
    assert level_now(setting.child.id) == "early_help"
    assert lead_now(setting.plan.id) == setting.link_worker.id
    assert browser_for(app, nurse).get(f"/children/{setting.child.id}").status_code == 404
    assert not may_record_level(setting.dsl, setting.child.id, LevelChange.STEP_UP)


def test_after_a_withdrawal_a_referral_to_the_ifd_is_still_recorded(app):
    setting = child_with_plan(level="early_help")
    withdraw(setting.child)
    browser = browser_for(app, setting.dsl)

    response = send(browser, refer_url(setting.child), REFERRAL)

    assert response.status_code == 302
    [referral] = referrals_of(setting.child.id)
    assert referral.status == "awaiting_decision"


def test_after_a_withdrawal_a_step_down_within_early_help_is_refused(app):
    setting = child_with_plan(level="targeted_early_help")
    withdraw(setting.child)
    browser = browser_for(app, setting.dsl)
    within = {
        "to_level": "universal",
        "changed_on": day(date(2026, 11, 26)),
        "reason": "No targeted support needed",
        "decided_by": "TAS meeting",
    }

    page = page_text(browser.get(level_url(setting.child)))
    sent = forced(browser, step_down_url(setting.child), within)

    assert "Record a step down" not in page
    assert sent.status_code == 403 and WITHDRAWN in page_text(sent)
    assert step_changes(setting.child.id) == []
    assert level_now(setting.child.id) == "targeted_early_help"


def test_after_a_withdrawal_social_care_still_steps_down(app):
    """Children's Social Care holding a case is not early help by agreement: its step down is
    recorded whatever the agreement (the handover then needs the family's agreement)."""
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    withdraw(setting.child)
    browser = browser_for(app, setting.dsl)
    from_social_care = {
        "to_level": "early_help",
        "changed_on": day(date(2026, 11, 26)),
        "reason": "Child in need plan closed",
        "decided_by": "Children's Social Care",
    }

    page = page_text(browser.get(level_url(setting.child)))
    response = send(browser, step_down_url(setting.child), from_social_care)

    assert "Record a step down" in page
    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.to_level) == ("step_down", "early_help")


# ---------------------------------------------------------------- no agreement at all


def test_with_no_agreement_a_step_up_is_refused_but_a_referral_is_recorded(app):
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    child = child_at(school, agreed=False, level_of_need="early_help")
    db.session.commit()
    browser = browser_for(app, dsl)

    page = page_text(browser.get(level_url(child)))
    sent = forced(browser, step_up_url(child), STEP_UP)
    referred = send(browser, refer_url(child), REFERRAL)

    assert "Record a step up within early help" not in page
    assert NO_AGREEMENT in page
    assert sent.status_code == 403 and NO_AGREEMENT in page_text(sent)
    assert step_changes(child.id) == []
    assert level_now(child.id) == "early_help"
    assert referred.status_code == 302
    assert len(referrals_of(child.id)) == 1


# ---------------------------------------------------------------- who may lead


@pytest.fixture
def covered_setting(app):
    """A child whose agreement covers only the 0-19 Service and the link worker's Early Help,
    with a plan led by the link worker; a 0-19 nurse and a Future in Mind practitioner."""
    setting = child_with_plan(level="early_help")
    zero_19 = factories.agency(name="0-19 Service", service_type="zero_to_nineteen")
    nurse = factories.user("practitioner", name="Nia Nurse", agency=zero_19)
    fim = factories.user("practitioner", name="Farah Fim")
    db.session.flush()
    agreement_of(setting.child).agencies = [zero_19, setting.link_worker.agency]
    db.session.commit()
    return setting, nurse, fim


def test_a_step_up_offers_only_leads_the_agreement_covers(app, covered_setting):
    setting, nurse, fim = covered_setting
    browser = browser_for(app, setting.dsl)
    url = step_up_url(setting.child)

    choices = offered(browser.get(url), "new_lead_practitioner")
    refused = send(
        browser, url, {**STEP_UP, "lead_changes": "yes", "new_lead_practitioner": str(fim.id)}
    )

    assert str(nurse.id) in choices and str(fim.id) not in choices
    assert error_summary(refused) == {"new_lead_practitioner": NOT_OFFERED}
    assert step_changes(setting.child.id) == []
    assert lead_now(setting.plan.id) == setting.link_worker.id
    assert browser_for(app, fim).get(f"/children/{setting.child.id}").status_code == 404

    stepped = send(
        browser, url, {**STEP_UP, "lead_changes": "yes", "new_lead_practitioner": str(nurse.id)}
    )
    assert stepped.status_code == 302
    assert lead_now(setting.plan.id) == nurse.id


def test_changing_the_plan_offers_only_leads_the_agreement_covers(app, covered_setting):
    setting, nurse, fim = covered_setting
    browser = browser_for(app, setting.dsl)
    url = f"/children/{setting.child.id}/plans/{setting.plan.id}/change"
    values = {"next_review_on": day(date(2026, 12, 4)), "version": "1"}

    choices = offered(browser.get(url), "lead_practitioner")
    refused = browser.submit(url, {**values, "lead_practitioner": str(fim.id)})

    assert str(nurse.id) in choices and str(fim.id) not in choices
    assert str(setting.link_worker.id) in choices
    assert error_summary(refused) == {"lead_practitioner": NOT_OFFERED}
    assert lead_now(setting.plan.id) == setting.link_worker.id
    # The use case refuses too, naming the agency, whatever the page offered.
    with pytest.raises(Refused) as caught:
        shared_plans.change_plan(
            setting.plan, 1, {"lead_practitioner_id": fim.id, "next_review_on": date(2026, 12, 4)}
        )
    assert (
        "which the family's agreement does not cover" in caught.value.problems["lead_practitioner"]
    )
    assert lead_now(setting.plan.id) == setting.link_worker.id


def test_a_lead_not_covered_may_stay_while_the_plan_changes(app, covered_setting):
    """A plan led before the agreement changed keeps its lead when only the review date
    changes: keeping the present lead is not a new choice."""
    setting, _nurse, fim = covered_setting
    setting.plan.lead_practitioner_id = fim.id
    db.session.commit()
    browser = browser_for(app, setting.dsl)
    url = f"/children/{setting.child.id}/plans/{setting.plan.id}/change"

    response = browser.submit(
        url,
        {
            "lead_practitioner": str(fim.id),
            "next_review_on": day(date(2026, 12, 11)),
            "version": str(setting.plan.version),
        },
    )

    assert response.status_code == 302
    assert lead_now(setting.plan.id) == fim.id


def test_starting_a_plan_offers_only_leads_the_agreement_covers(app, covered_setting):
    setting, nurse, fim = covered_setting
    child = child_at(setting.school, level_of_need="early_help")
    db.session.flush()
    agreement_of(child).agencies = list(agreement_of(setting.child).agencies)
    db.session.commit()
    browser = browser_for(app, setting.dsl)
    url = f"/children/{child.id}/plans/new"
    values = {"started_on": day(date(2026, 11, 27)), "next_review_on": day(date(2027, 1, 8))}

    choices = offered(browser.get(url), "lead_practitioner")
    refused = send(browser, url, {**values, "lead_practitioner": str(fim.id)})

    assert str(nurse.id) in choices and str(fim.id) not in choices
    assert error_summary(refused) == {"lead_practitioner": NOT_OFFERED}
    assert plans_of(child.id) == []
    agency = fim.agency.name
    [(field, problem)] = lead_problems(fim.id, agreement_of(child)).items()
    assert field == "lead_practitioner"
    assert problem.startswith(f"Farah Fim works for {agency}, which the family's agreement")
    assert problem.endswith(f"or record a new agreement that includes {agency}")
    assert lead_problems(nurse.id, agreement_of(child)) == {}
    assert "lead_practitioner" in lead_problems(nurse.id, None)


def test_starting_a_plan_from_the_minutes_offers_only_leads_the_agreement_covers(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    zero_19 = factories.agency(name="0-19 Service", service_type="zero_to_nineteen")
    nurse = factories.user("practitioner", name="Nia Nurse", agency=zero_19)
    fim = factories.user("practitioner", name="Farah Fim")
    db.session.flush()
    agreement_of(child).agencies = [zero_19]
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})
    start = f"/meetings/{setting.meeting.id}/agenda/{item.id}/plan/new"

    choices = offered(chair.get(start), "lead_practitioner")
    refused = chair.submit(
        start,
        {
            "lead_practitioner": str(fim.id),
            "started_on": day(date(2026, 11, 27)),
            "next_review_on": day(date(2027, 1, 8)),
        },
    )

    assert str(nurse.id) in choices and str(fim.id) not in choices
    assert error_summary(refused) == {"lead_practitioner": NOT_OFFERED}
    assert plans_of(child.id) == []
