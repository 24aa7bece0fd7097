"""Who may see a child's level page and record level changes: every level route (GET and POST)
refuses outsiders with 404 or 403 and changes nothing; readers read but record nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app

from tas.children.models import Child, CoordinatorAccess
from tas.extensions import db
from tas.levels.models import IfdReferral
from tests import factories
from tests.pages import asked_why, day, opened_with_a_reason
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import browser_for, referrals_of, reviews_of, step_changes

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

POSTED = {
    "changed_on": day(date(2026, 11, 26)),
    "reason": "Decided",
    "decided_by": "Someone",
    "to_level": "early_help",
    "referred_on": day(date(2026, 11, 26)),
    "marf_reference": "MARF-X",
    "decision": "assessment",
    "decided_on": day(date(2026, 11, 26)),
    "disagreed_on": day(date(2026, 11, 26)),
    "disagreement_note": "We disagree",
    "version": "1",
}


def level_rules_of_app():
    rules = [r for r in current_app.url_map.iter_rules() if r.endpoint.startswith("levels.")]
    assert len(rules) == 8, rules
    return sorted(rules, key=lambda rule: len(rule.rule))


def urls(child, awaiting: IfdReferral, decided: IfdReferral) -> list[tuple[str, bool]]:
    """Every level route for the child (the level page first), with a referral id where the
    route takes one, and whether it takes a POST."""
    found = []
    for rule in level_rules_of_app():
        referral = decided if rule.rule.endswith("disagreement") else awaiting
        url = rule.rule.replace("<int:child_id>", str(child.id)).replace(
            "<int:referral_id>", str(referral.id)
        )
        found.append((url, "POST" in rule.methods))
    return found


def a_child_with_referrals():
    setting = child_with_plan(level="early_help")
    awaiting = factories.referral(setting.child, setting.dsl, plan_id=setting.plan.id)
    decided = factories.referral(
        setting.child,
        setting.dsl,
        marf_reference="M-2",
        status="decided",
        decision="no_further_action",
        decided_on=date(2026, 11, 24),
    )
    db.session.commit()
    return setting, awaiting, decided


def outsider(kind: str, setting):
    if kind == "other_school_dsl":
        return factories.user("dsl")
    if kind == "school_staff_without_grant":
        return factories.user("school_staff", school=setting.school)
    if kind == "practitioner_not_on_plan":
        return factories.user("practitioner")
    if kind == "link_worker_of_another_school":
        return factories.user("link_worker")
    if kind == "gp":
        gp = factories.user("gp")
        db.session.flush()
        setting.child.gp_practice_id = gp.agency_id
        return gp
    if kind == "coordinator_without_reason":
        return factories.user("coordinator")
    if kind == "admin":
        return factories.user("admin")
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "other_school_dsl",
        "school_staff_without_grant",
        "practitioner_not_on_plan",
        "link_worker_of_another_school",
        "gp",
        "coordinator_without_reason",
        "admin",
    ],
)
def test_outsiders_get_nothing_from_any_level_route(app, kind):
    setting, awaiting, decided = a_child_with_referrals()
    person = outsider(kind, setting)
    db.session.commit()
    browser = browser_for(app, person)
    token = browser.token("/account")
    expected = {403} if kind == "gp" else {404}

    coordinator = kind == "coordinator_without_reason"
    asked = {}

    for url, posts in urls(setting.child, awaiting, decided):
        seen = browser.get(url)
        if coordinator:
            asked[url] = asked_why(seen, setting.child.id)
        if not asked.get(url):
            assert seen.status_code in expected, (url, seen.status_code)
        assert setting.child.first_name not in seen.get_data(as_text=True)
        if posts:
            sent = browser.client.post(url, data={"csrf_token": token, **POSTED})
            assert sent.status_code in expected, (url, sent.status_code)

    assert step_changes(setting.child.id) == []
    assert [r.status for r in referrals_of(setting.child.id)] == ["awaiting_decision", "decided"]
    assert referrals_of(setting.child.id)[1].disagreed_on is None
    assert reviews_of(setting.child.id) == []
    assert db.session.get(Child, setting.child.id).level_of_need == "early_help"
    if coordinator:  # a reason opens the level page; coordinators record no level changes
        opened = opened_with_a_reason(browser, setting.child.id, asked)
        assert opened == {f"/children/{setting.child.id}/level"}


def test_a_referral_of_another_child_is_not_found(app):
    setting, awaiting, _decided = a_child_with_referrals()
    other = child_with_plan()
    elsewhere = factories.referral(other.child, other.dsl)
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    for suffix in ("decision", "disagreement"):
        url = f"/children/{setting.child.id}/level/referrals/{elsewhere.id}/{suffix}"
        assert browser.get(url).status_code == 404
    assert awaiting.id != elsewhere.id


@pytest.mark.parametrize("reader", ["coordinator_with_reason", "named_practitioner"])
def test_readers_see_the_level_but_record_nothing(app, reader):
    setting, awaiting, decided = a_child_with_referrals()
    if reader == "coordinator_with_reason":
        person = factories.user("coordinator")
        db.session.flush()
        db.session.add(
            CoordinatorAccess(
                child_id=setting.child.id,
                user_id=person.id,
                reason="Checking the step down for the quarterly report",
                expires_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC) + timedelta(hours=2),
            )
        )
    else:
        person = factories.user("practitioner")
        factories.involvement(setting.plan, agency=person.agency, practitioner=person)
    db.session.commit()
    browser = browser_for(app, person)
    token = browser.token("/account")

    page = browser.get(f"/children/{setting.child.id}/level")

    assert page.status_code == 200
    assert "Record a step up" not in page.get_data(as_text=True)
    assert "Record the decision" not in page.get_data(as_text=True)
    [(level_url, posts), *recording] = urls(setting.child, awaiting, decided)
    assert level_url.endswith("/level") and not posts
    for url, _posts in recording:
        assert browser.get(url).status_code == 403, url
        sent = browser.client.post(url, data={"csrf_token": token, **POSTED})
        assert sent.status_code == 403, url
    assert step_changes(setting.child.id) == []
    assert len(referrals_of(setting.child.id)) == 2
