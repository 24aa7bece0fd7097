"""A child's level of need page (current level, dated history, referrals, reviews) and the step
up within early help; also the helpers the other level tests share."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tas.extensions import db
from tas.levels.models import IfdReferral, StepChange
from tas.meetings.models import Meeting
from tas.plans.models import GpNotification, SharedPlan
from tas.reviews.models import Review
from tests import factories
from tests.conftest import Visitor, csrf_from
from tests.pages import audit_events, date_shown, day, error_summary, field_value, page_text
from tests.reviews.helpers import child_with_plan

# ---------------------------------------------------------------- shared helpers


def browser_for(app, user) -> Visitor:
    """A browser signed in as this person."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    browser.user = user
    return browser


def level_url(child) -> str:
    return f"/children/{child.id}/level"


def send(browser: Visitor, url: str, data: dict, *, page: str | None = None):
    """Open the form's page, then send it with the page's CSRF and one-time tokens (and the
    child's latest step change, which a step form carries from when it was opened)."""
    return browser.client.post(url, data={**tokens_of(browser.get(page or url)), **data})


def tokens_of(shown) -> dict[str, str]:
    """What a form's page carries besides the answers: its CSRF and one-time tokens, and for
    a step form the child's latest step change when it was opened."""
    tokens = {"csrf_token": csrf_from(shown.get_data(as_text=True))}
    for name in ("submission", "last_change"):
        value = field_value(shown, name)
        if value:
            tokens[name] = value
    return tokens


def step_changes(child_id: int) -> list[StepChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(StepChange).where(StepChange.child_id == child_id).order_by(StepChange.id)
        )
    )


def reviews_of(child_id: int) -> list[Review]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id))
    )


def referrals_of(child_id: int) -> list[IfdReferral]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(IfdReferral).where(IfdReferral.child_id == child_id).order_by(IfdReferral.id)
        )
    )


def gp_kinds(plan_id: int) -> list[str]:
    db.session.expire_all()
    return [
        row.kind
        for row in db.session.scalars(
            select(GpNotification)
            .where(GpNotification.plan_id == plan_id)
            .order_by(GpNotification.id)
        )
    ]


def practice_told(setting) -> None:
    """The child is registered with a practice on secure email, already told about the plan."""
    practice = factories.agency(
        service_type="gp_practice", contact_email="safeguarding.b1@nhs.net", name="Elm Surgery"
    )
    setting.child.gp_practice = practice
    db.session.flush()
    db.session.add(
        GpNotification(
            plan_id=setting.plan.id,
            gp_practice_id=practice.id,
            kind="initial",
            sent_at=datetime(2026, 10, 2, 10, tzinfo=UTC),
            method="secure email",
        )
    )
    db.session.commit()


def held_meeting(setting, **fields) -> Meeting:
    """A meeting at the child's school, held on Thursday 26 November 2026."""
    meeting = factories.meeting(
        setting.school,
        setting.dsl,
        status="held",
        starts_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
        ends_at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
        **fields,
    )
    db.session.commit()
    return meeting


STEP_UP = {
    "changed_on": day(date(2026, 11, 26)),
    "reason": "Worries about attendance are growing",
    "decided_by": "Lin Link",
    "lead_changes": "no",
}


# ---------------------------------------------------------------- the level page


def test_the_level_page_shows_the_level_its_history_referrals_and_reviews(app):
    setting = child_with_plan(level="early_help")
    meeting = held_meeting(setting)
    factories.step_change(
        setting.child, setting.dsl, meeting_id=meeting.id, changed_on=date(2026, 11, 23)
    )
    referral = factories.referral(
        setting.child,
        setting.dsl,
        status="decided",
        decision="no_further_action",
        decided_on=date(2026, 11, 24),
        feedback="Advice given to school",
    )
    db.session.flush()
    review = factories.review(setting.child, owner_id=setting.link_worker.id)
    factories.review(
        setting.child,
        kind="ifd_decision",
        referral_id=referral.id,
        owner_id=setting.dsl.id,
        due_on=date(2026, 11, 25),
    )
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    response = browser.get(level_url(setting.child))

    assert response.status_code == 200
    text = page_text(response)
    assert "Level of need now Early Help" in text
    assert (
        "23 November 2026 Step down from Children's Social Care: Children's Social Care to "
        "Early Help Assessment closed Children's Social Care"
    ) in text
    assert f'href="/meetings/{meeting.id}"' in response.get_data(as_text=True)
    assert f"Meeting {meeting.reference}" in text
    assert "Referral IFD-0001" in text
    assert "Status Decided MARF reference M-1" in text
    assert "Decision No further action or advice, 24 November 2026" in text
    assert "Feedback received Advice given to school" in text
    assert "talk to the decision maker first" in text  # the escalation procedure
    assert f'href="/reviews/{review.id}"' in response.get_data(as_text=True)
    # Tagged as on the review lists: the clock is Friday 27 November.
    assert f"IFD decision 25 November 2026 Overdue {setting.dsl.name}" in text
    assert f"Plan review 4 December 2026 Due soon {setting.link_worker.name}" in text
    assert "Record a step up within early help" in text
    assert "Record a referral to the IFD" in text
    assert "Record a step down" in text  # within early help, to Universal
    assert "not how you report a child at risk" in text
    [event] = audit_events("level_viewed")
    assert event.target_id == setting.child.id and event.detail == {"child_id": setting.child.id}
    assert referral.reference not in str(event.detail)


def test_a_meeting_the_reader_cannot_see_is_named_without_a_link(app, login_as):
    setting = child_with_plan()
    meeting = held_meeting(setting)
    factories.step_change(setting.child, setting.dsl, meeting_id=meeting.id)
    lead = factories.user("practitioner")
    setting.plan.lead_practitioner = lead
    db.session.commit()

    response = browser_for(app, lead).get(level_url(setting.child))

    assert response.status_code == 200
    assert f"Meeting {meeting.reference}" in page_text(response)
    assert f'href="/meetings/{meeting.id}"' not in response.get_data(as_text=True)


def test_the_child_page_shows_the_level_with_a_link_to_its_page(app):
    setting = child_with_plan(level="targeted_early_help")

    response = browser_for(app, setting.dsl).get(f"/children/{setting.child.id}")

    assert "Level of need Targeted Early Help" in page_text(response)
    assert f'href="{level_url(setting.child)}"' in response.get_data(as_text=True)


def test_configured_level_names_are_shown(make_app):
    app = make_app(
        LEVELS_OF_NEED="universal=Universal, early_help=Early Help, "
        "targeted_early_help=Family Support, social_care=Statutory Social Care"
    )
    with app.app_context():
        setting = child_with_plan(level="targeted_early_help")
        browser = browser_for(app, setting.dsl)

        level_page = page_text(browser.get(level_url(setting.child)))
        child_page = page_text(browser.get(f"/children/{setting.child.id}"))

    assert "Level of need now Family Support" in level_page
    assert "Level of need Family Support" in child_page


def test_the_level_page_runs_the_same_queries_however_long_the_history(app, count_queries):
    counts = []
    for size in (1, 8):
        setting = child_with_plan()
        meeting = held_meeting(setting)
        for n in range(size):
            factories.step_change(setting.child, setting.dsl, meeting_id=meeting.id)
            referral = factories.referral(setting.child, setting.dsl, marf_reference=f"M-{n}")
            db.session.flush()
            factories.review(
                setting.child,
                kind="ifd_decision",
                referral_id=referral.id,
                owner_id=setting.dsl.id,
            )
        db.session.commit()
        browser = browser_for(app, setting.dsl)
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(level_url(setting.child))
        assert response.status_code == 200
        assert page_text(response).count("Record the decision") == size
        counts.append(len(statements))

    assert counts[0] == counts[1]


# ---------------------------------------------------------------- step up within early help


def test_a_step_up_changes_the_level_at_once_and_updates_the_gp(app):
    setting = child_with_plan(level="early_help")
    practice_told(setting)
    meeting = held_meeting(setting)
    browser = browser_for(app, setting.link_worker)
    url = f"/children/{setting.child.id}/level/step-up"

    opened = browser.get(url)
    response = send(browser, url, {**STEP_UP, "meeting": str(meeting.id)})

    assert opened.status_code == 200
    assert field_value(opened, "decided_by") == setting.link_worker.name
    assert date_shown(opened, "changed_on") == ["27", "11", "2026"]
    assert meeting.reference in page_text(opened)
    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.from_level, change.to_level) == (
        "step_up_early_help",
        "early_help",
        "targeted_early_help",
    )
    assert change.changed_on == date(2026, 11, 26)
    assert change.reason == STEP_UP["reason"]
    assert change.decided_by == "Lin Link"
    assert change.meeting_id == meeting.id
    assert change.recorded_by_id == setting.link_worker.id
    assert change.child.level_of_need == "targeted_early_help"
    assert db.session.get(SharedPlan, setting.plan.id).level_of_need == "targeted_early_help"
    assert gp_kinds(setting.plan.id) == ["initial", "step_up"]
    page = page_text(browser.get(response.headers["Location"]))
    assert "The step up to Targeted Early Help has been recorded" in page
    assert "Level of need now Targeted Early Help" in page
    assert "Step up within early help: Early Help to Targeted Early Help" in page
    [event] = audit_events("level_changed")
    assert event.detail["kind"] == "step_up_early_help"
    assert STEP_UP["reason"] not in str(event.detail)


def test_a_step_up_without_a_plan_sends_no_gp_update_and_may_start_from_universal(app):
    setting = child_with_plan(plan=False, level="universal")
    browser = browser_for(app, setting.dsl)

    response = send(browser, f"/children/{setting.child.id}/level/step-up", STEP_UP)

    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.from_level, change.to_level) == ("universal", "targeted_early_help")
    assert db.session.scalars(select(GpNotification)).all() == []


def test_a_step_up_is_refused_when_the_child_is_not_below_targeted_early_help(app):
    for level, words in (
        ("targeted_early_help", "The level of need is Targeted Early Help already"),
        ("social_care", "Children's Social Care holds this case"),
    ):
        setting = child_with_plan(level=level)
        browser = browser_for(app, setting.dsl)
        url = f"/children/{setting.child.id}/level/step-up"

        opened = browser.get(url)
        sent = browser.client.post(
            url, data={"csrf_token": csrf_from(opened.get_data(as_text=True)), **STEP_UP}
        )

        assert opened.status_code == 200
        assert words in page_text(opened)
        assert "Record the step up" not in page_text(opened)
        assert sent.status_code == 409
        assert step_changes(setting.child.id) == []
        assert db.session.get(type(setting.child), setting.child.id).level_of_need == level


def test_a_step_up_with_mistakes_keeps_what_was_typed(app):
    setting = child_with_plan()
    browser = browser_for(app, setting.dsl)
    url = f"/children/{setting.child.id}/level/step-up"

    future = send(browser, url, {**STEP_UP, "changed_on": day(date(2026, 11, 30))})
    blank = send(browser, url, {"changed_on": ["", "", ""], "decided_by": "", "reason": ""})
    stranger = send(browser, url, {**STEP_UP, "meeting": "99999"})

    assert future.status_code == 200
    assert error_summary(future) == {
        "changed_on": "The date of the decision must be today or in the past"
    }
    assert STEP_UP["reason"] in page_text(future)
    assert date_shown(future, "changed_on") == ["30", "11", "2026"]
    # Everything at once, the question the save asks (with the plan open) too.
    assert set(error_summary(blank)) == {"changed_on", "reason", "decided_by", "lead_changes"}
    assert error_summary(stranger) == {"meeting": "Select a meeting from the list"}
    assert step_changes(setting.child.id) == []


def test_a_step_up_sent_twice_is_recorded_once(app):
    setting = child_with_plan()
    browser = browser_for(app, setting.dsl)
    url = f"/children/{setting.child.id}/level/step-up"
    data = {**tokens_of(browser.get(url)), **STEP_UP}

    first = browser.client.post(url, data=data)
    again = browser.client.post(url, data=data)

    assert first.status_code == 302 and again.status_code == 302
    assert len(step_changes(setting.child.id)) == 1
    assert "already saved" in page_text(browser.get(again.headers["Location"]))


def test_a_step_up_from_a_form_opened_before_another_change_is_refused_with_both(app):
    """Before, a step up sent from a form opened at Early Help was recorded after a colleague
    had stepped the child down to Universal meanwhile: a step up decided on a level the child
    had left, saved silently."""
    setting = child_with_plan(plan=False, level="early_help")
    first = browser_for(app, setting.dsl)
    second = browser_for(app, setting.link_worker)
    url = f"/children/{setting.child.id}/level/step-up"
    tokens = tokens_of(second.get(url))
    down = send(
        first,
        f"/children/{setting.child.id}/level/step-down",
        {
            "to_level": "universal",
            "changed_on": day(date(2026, 11, 26)),
            "reason": "Attendance back to normal",
            "decided_by": "TAS meeting",
        },
    )

    stale = second.client.post(url, data={**tokens, **STEP_UP})

    assert down.status_code == 302
    assert stale.status_code == 409
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.to_level) == ("step_down_early_help", "universal")
    assert error_summary(stale) == {
        "current-level": "Someone else recorded a change of level after you opened this form, "
        "so nothing was saved: check their change, then send the form again if yours still "
        "applies"
    }
    text = page_text(stale)
    assert (
        "Recorded since you opened this form: Step down within early help: Early Help to "
        f"Universal, by {setting.dsl.name}."
    ) in text
    assert "Level of need after the change Targeted Early Help Universal Different" in text
    assert STEP_UP["reason"] in text  # what was typed stays
    assert field_value(stale, "last_change") == str(change.id)


def test_a_one_time_token_the_service_never_made_is_not_looked_up(app):
    """A token edited in the page (a NUL byte, which PostgreSQL refuses; too long) gets the form
    back with its error or is saved once; before, the NUL byte was looked up and failed (500)."""
    setting = child_with_plan()
    browser = browser_for(app, setting.dsl)
    url = f"/children/{setting.child.id}/level/step-up"
    csrf = csrf_from(browser.get(url).get_data(as_text=True))
    data = {"csrf_token": csrf, "last_change": "0", **STEP_UP}  # no change yet

    nul = browser.client.post(url, data={"submission": "a\x00b", **data})
    assert nul.status_code == 200
    assert "cannot be used" in error_summary(nul)["submission"]
    assert STEP_UP["reason"] in page_text(nul)
    assert step_changes(setting.child.id) == []

    long = browser.client.post(url, data={"submission": "x" * 65, **data})
    assert long.status_code == 302
    assert len(step_changes(setting.child.id)) == 1
