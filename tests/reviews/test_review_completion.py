"""Completing a review: its owner or anyone who may change the child's record records the
outcome, notes, who and when. A plan review scores the plan's outcomes and opens the next one;
a handover meeting held opens the first plan review. Outsiders get 404, readers 403; a stale
completion is refused with both versions, and a form sent twice completes once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tas.children.models import Agreement
from tas.extensions import db
from tas.plans.models import Outcome, OutcomeScore, SharedPlan
from tas.reviews.models import Review
from tests import factories
from tests.conftest import Visitor
from tests.pages import (
    audit_events,
    date_shown,
    day,
    error_summary,
    field_value,
    hint_of,
    page_text,
    text_of,
)
from tests.reviews.helpers import child_with_plan

TODAY = date(2026, 11, 27)


def signed_in(app, user) -> Visitor:
    """A browser signed in as an existing user (made with the factories' password)."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    browser.user = user
    return browser


def plan_reviews_of(plan_id: int, status: str | None = None) -> list[Review]:
    db.session.expire_all()
    query = select(Review).where(Review.plan_id == plan_id, Review.kind == "plan_review")
    if status:
        query = query.where(Review.status == status)
    return list(db.session.scalars(query.order_by(Review.id)))


def saved_review(review_id: int) -> Review:
    db.session.expire_all()
    return db.session.get(Review, review_id)


def with_outcomes(plan, *statements) -> list[Outcome]:
    rows = [Outcome(plan_id=plan.id, statement=statement) for statement in statements]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def complete_url(review) -> str:
    return f"/reviews/{review.id}/complete"


def handover_review(setting, **fields) -> Review:
    """The handover (TAF) meeting review of the child's plan, due on Wednesday 25 November and
    owned by the link worker, the plan's next review as after a step down; committed."""
    setting.plan.next_review_on = date(2026, 11, 25)
    review = factories.review(
        setting.child,
        kind="handover_meeting",
        due_on=date(2026, 11, 25),
        owner_id=setting.link_worker.id,
        plan_id=setting.plan.id,
        **fields,
    )
    db.session.commit()
    return review


# ---------------------------------------------------------------- plan reviews


def test_the_lead_completes_a_plan_review_with_scores_and_the_next_date(app):
    setting = child_with_plan()
    school_on_time, sleeps = with_outcomes(setting.plan, "Gets to school on time", "Sleeps well")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    form = lead.get(complete_url(review))
    done = lead.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(TODAY),
            f"score_{school_on_time.id}": "6",
            f"changed_{school_on_time.id}": "Late twice in six weeks, not every week",
            f"score_{sleeps.id}": "4",
            f"changed_{sleeps.id}": "Still up at night",
            "next_on": day(date(2027, 1, 15)),
            "notes": "Attendance up; sleep still hard",
            "child_says": "I like walking to school with my friend",
            "family_says": "Bedtime is still a battle",
            "version": field_value(form, "version"),
        },
    )

    assert form.status_code == 200
    assert "Score now for: Gets to school on time" in page_text(form)
    assert field_value(form, "next_on") is not None
    assert done.status_code == 302
    assert done.headers["Location"] == f"/reviews/{review.id}"
    completed = saved_review(review.id)
    assert (completed.status, completed.outcome, completed.completed_on) == (
        "completed",
        "reviewed",
        TODAY,
    )
    assert completed.completed_by_id == setting.link_worker.id
    assert completed.notes == "Attendance up; sleep still hard"
    scores = db.session.execute(
        select(OutcomeScore.outcome_id, OutcomeScore.score, OutcomeScore.scored_on).order_by(
            OutcomeScore.outcome_id
        )
    ).all()
    assert [tuple(row) for row in scores] == [
        (school_on_time.id, 6, TODAY),
        (sleeps.id, 4, TODAY),
    ]
    changed = db.session.scalars(select(OutcomeScore.what_changed).order_by(OutcomeScore.id))
    assert list(changed) == ["Late twice in six weeks, not every week", "Still up at night"]
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2027, 1, 15)
    [following] = plan_reviews_of(setting.plan.id, "open")
    assert (following.due_on, following.owner_id) == (date(2027, 1, 15), setting.link_worker.id)
    [event] = audit_events("review_completed")
    assert event.detail["outcome"] == "reviewed"
    assert event.detail["scored_outcome_ids"] == [school_on_time.id, sleeps.id]
    assert event.detail["next_review_id"] == following.id
    assert "sleep" not in str(event.detail).lower()  # notes are never audited
    page = page_text(lead.get(f"/reviews/{review.id}"))
    assert (
        "The plan review has been completed. The next plan review is due on 15 January 2027" in page
    )
    assert "Outcome Reviewed" in page
    plan_page = page_text(lead.get(f"/children/{setting.child.id}"))
    assert "Plan review, 27 November 2026" in plan_page
    assert "“I like walking to school with my friend”" in plan_page
    assert "The family: “Bedtime is still a battle”" in plan_page
    assert "Still up at night" in plan_page  # what has changed, in the scores' table


def test_each_outcome_is_scored_beside_its_last_score(app):
    """The family and the lead score each outcome knowing where it stood last time: the last
    score and its date show in the hint (not an earlier one), and a new outcome says it is
    scored for the first time."""
    setting = child_with_plan()
    school_on_time, sleeps = with_outcomes(setting.plan, "Gets to school on time", "Sleeps well")
    db.session.add_all(
        OutcomeScore(
            outcome_id=school_on_time.id,
            score=score,
            scored_on=scored_on,
            recorded_by_id=setting.link_worker.id,
        )
        for score, scored_on in ((7, date(2026, 10, 16)), (3, date(2026, 9, 4)))
    )
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    form = lead.get(complete_url(review))

    assert hint_of(form, f"score_{school_on_time.id}").startswith(
        "Last scored 7 out of 10, on 16 October 2026. 0 means things could not be worse"
    )
    assert hint_of(form, f"score_{sleeps.id}").startswith(
        "This is the outcome's first score. 0 means things could not be worse"
    )


def test_the_next_review_date_left_blank_follows_the_rule(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    form = lead.get(complete_url(review))
    lead.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(date(2026, 11, 20)), "version": "1"},
    )

    # The form suggests 6 weeks from today; left blank, 6 weeks from the review's own date.
    assert date_shown(form, "next_on") == ["8", "1", "2027"]
    [following] = plan_reviews_of(setting.plan.id, "open")
    assert following.due_on == date(2027, 1, 4)  # 1 January 2027 is a bank holiday
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("sent", "problems"),
    [
        (
            {"completed_on": day(date(2026, 11, 28))},
            {"completed_on": "The date the review was completed must be today or in the past"},
        ),
        (
            {"completed_on": ["", "", ""]},
            {"completed_on": "Enter the date the review was completed"},
        ),
        (
            {"completed_on": day(date(2026, 9, 1))},
            {
                "completed_on": "The date the review was completed must be on or after "
                "8 September 2026, when the plan started"
            },
        ),
        ({"score": "11"}, {"score": "Enter a score from 0 to 10, as a whole number"}),
        ({"score": ""}, {"score": "Enter a score from 0 to 10 for each outcome"}),
        ({"changed": ""}, {"changed": "Enter what has changed for each outcome"}),
        (
            {"next_on": day(date(2026, 11, 27))},
            {"next_on": "The next review date must be after the date of this review"},
        ),
        # A review recorded late: the next one is still to come, and within the year.
        (
            {"completed_on": day(date(2026, 11, 2)), "next_on": day(date(2026, 11, 3))},
            {"next_on": "The next review date must be today or in the future"},
        ),
        (
            {"next_on": day(date(2099, 1, 2))},
            {"next_on": "The next review date must be within the next year"},
        ),
        # Every problem at once: the completion's own date checks show beside the form's.
        (
            {
                "score": "11",
                "completed_on": day(date(2030, 1, 1)),
                "next_on": day(date(2026, 11, 27)),
            },
            {
                "score": "Enter a score from 0 to 10, as a whole number",
                "completed_on": "The date the review was completed must be today or in the past",
                "next_on": "The next review date must be after the date of this review",
            },
        ),
    ],
)
def test_what_to_put_right_when_completing_a_plan_review(app, sent, problems):
    setting = child_with_plan()
    [outcome] = with_outcomes(setting.plan, "Gets to school on time")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    sent = dict(sent)  # the parameters are shared by both databases' runs
    data = {
        "outcome": "reviewed",
        "completed_on": day(TODAY),
        f"score_{outcome.id}": sent.pop("score", "5"),
        f"changed_{outcome.id}": sent.pop("changed", "A little better"),
        "version": "1",
        **sent,
    }

    response = lead.submit(complete_url(review), data)

    assert response.status_code == 200
    expected = {
        (f"{name}_{outcome.id}" if name in ("score", "changed") else name): text
        for name, text in problems.items()
    }
    assert error_summary(response) == expected
    assert saved_review(review.id).status == "open"
    assert db.session.scalars(select(OutcomeScore)).all() == []


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (
            date(2027, 1, 16),
            "The next review date must be a working day: 16 January 2027 is a Saturday. "
            "Choose Monday 18 January 2027 or another working day",
        ),
        (
            date(2026, 12, 28),  # Boxing Day's substitute; the 29th is a working day
            "The next review date must be a working day: 28 December 2026 is a bank holiday. "
            "Choose Tuesday 29 December 2026 or another working day",
        ),
    ],
)
def test_a_next_review_date_on_a_closed_day_is_refused_naming_the_next_working_day(
    app, typed, problem
):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    refused = lead.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(TODAY),
            "next_on": day(typed),
            "notes": "Attendance up",
            "version": "1",
        },
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {"next_on": problem}
    assert date_shown(refused, "next_on") == [str(typed.day), str(typed.month), str(typed.year)]
    assert "Attendance up" in refused.get_data(as_text=True)
    assert saved_review(review.id).status == "open"
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2026, 12, 4)


def test_no_new_plan_review_while_social_care_holds_the_plan(app):
    setting = child_with_plan(status="held_by_social_care")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    form = lead.get(complete_url(review))
    done = lead.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(TODAY), "version": "1"},
    )

    assert "No next review opens: Children's Social Care holds the case" in page_text(form)
    assert done.status_code == 302
    assert [r.status for r in plan_reviews_of(setting.plan.id)] == ["completed"]
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2026, 12, 4)


# ---------------------------------------------------------------- handover and assessment


def test_a_handover_meeting_held_opens_the_first_plan_review(app):
    setting = child_with_plan()
    change = factories.step_change(setting.child, setting.dsl)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="handover_meeting",
        due_on=date(2026, 12, 7),
        owner_id=setting.link_worker.id,
        step_change_id=change.id,
        plan_id=setting.plan.id,
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)  # not the owner, but may change the child's record

    form = dsl.get(complete_url(review))
    done = dsl.submit(
        complete_url(review),
        {"outcome": "held", "completed_on": day(date(2026, 11, 26)), "version": "1"},
    )

    assert "Not held: rearranged" in page_text(form)
    assert done.status_code == 302
    completed = saved_review(review.id)
    assert (completed.status, completed.outcome, completed.completed_by_id) == (
        "completed",
        "held",
        setting.dsl.id,
    )
    # 6 weeks from Thursday 26 November 2026.
    [first] = plan_reviews_of(setting.plan.id, "open")
    assert (first.due_on, first.owner_id) == (date(2027, 1, 7), setting.link_worker.id)
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2027, 1, 7)


def test_a_handover_rearranged_opens_a_new_handover_review_on_the_new_date(app):
    setting = child_with_plan()
    review = handover_review(setting)
    lead = signed_in(app, setting.link_worker)
    url = complete_url(review)

    missing = lead.submit(
        url, {"outcome": "rearranged", "completed_on": day(TODAY), "version": "1"}
    )
    done = lead.submit(
        url,
        {
            "outcome": "rearranged",
            "completed_on": day(TODAY),
            "next_on": day(date(2026, 12, 3)),
            "version": "1",
        },
    )

    assert error_summary(missing) == {
        "next_on": "Enter the date the handover meeting has been rearranged for"
    }
    assert done.status_code == 302
    db.session.expire_all()
    handovers = db.session.scalars(
        select(Review).where(Review.kind == "handover_meeting").order_by(Review.id)
    ).all()
    assert [(r.status, r.outcome, r.due_on) for r in handovers] == [
        ("completed", "rearranged", date(2026, 11, 25)),
        ("open", None, date(2026, 12, 3)),
    ]
    assert plan_reviews_of(setting.plan.id) == []
    # The plan's next review is the meeting, on its new date (not the old one, overdue).
    plan_page = lead.get(f"/children/{setting.child.id}/plans/{setting.plan.id}")
    assert "Next review 3 December 2026" in text_of(plan_page, "plan-summary")


def test_a_handover_rearranged_for_a_saturday_is_recorded(app):
    # The rearranged date records when the meeting now is; a meeting may be on any day.
    setting = child_with_plan()
    review = handover_review(setting)
    lead = signed_in(app, setting.link_worker)

    done = lead.submit(
        complete_url(review),
        {
            "outcome": "rearranged",
            "completed_on": day(TODAY),
            "next_on": day(date(2026, 12, 5)),
            "version": "1",
        },
    )

    assert done.status_code == 302
    db.session.expire_all()
    reopened = db.session.scalar(
        select(Review).where(Review.kind == "handover_meeting", Review.status == "open")
    )
    assert reopened.due_on == date(2026, 12, 5)


def test_a_handover_held_counts_its_first_plan_review_by_the_rule_not_a_rearranged_date(app):
    setting = child_with_plan()
    review = handover_review(setting)
    dsl = signed_in(app, setting.dsl)

    done = dsl.submit(
        complete_url(review),
        {
            "outcome": "held",
            "completed_on": day(date(2026, 11, 26)),
            "next_on": day(date(2026, 12, 5)),  # typed as a rearranged date by mistake
            "version": "1",
        },
    )

    assert done.status_code == 302
    [first] = plan_reviews_of(setting.plan.id, "open")
    assert first.due_on == date(2027, 1, 7)  # 6 weeks from the meeting, not Saturday 5 December


def test_an_assessment_outcome_is_recorded(app):
    setting = child_with_plan(plan=False, level="social_care")
    referral = factories.referral(setting.child, setting.dsl)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="assessment_outcome",
        due_on=date(2027, 1, 28),
        owner_id=setting.dsl.id,
        referral_id=referral.id,
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    done = dsl.submit(
        complete_url(review),
        {
            "outcome": "continues",
            "completed_on": day(TODAY),
            "notes": "Child in need plan",
            "version": "1",
        },
    )

    assert done.status_code == 302
    completed = saved_review(review.id)
    assert (completed.status, completed.outcome, completed.notes) == (
        "completed",
        "continues",
        "Child in need plan",
    )
    page = page_text(dsl.get(f"/reviews/{review.id}"))
    assert "Outcome Continues with Children's Social Care" in page
    assert f"Referral to the IFD IFD-{referral.id:04d}" in page


def test_a_case_closed_after_assessment_points_to_the_step_down(app):
    """Closing the case changes neither the level nor the plan held by Social Care: the banner
    and the review's page say so and lead to the level of need page to record the step down."""
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    review = assessment_review(setting)
    dsl = signed_in(app, setting.dsl)

    done = dsl.submit(
        complete_url(review),
        {"outcome": "closed", "completed_on": day(TODAY), "version": "1"},
    )
    page = dsl.get(done.headers["Location"])

    text = page_text(page)
    assert (
        "The assessment outcome review has been completed. Children's Social Care still holds "
        "the case here until you record the step down on the child's level of need page" in text
    )
    assert "if the family does not want early help, complete it as declined and close" in (
        text_of(page, "case-closed")
    )
    assert f'href="/children/{setting.child.id}/level"' in page.get_data(as_text=True)


def test_an_ifd_decision_is_recorded_on_the_level_page_not_here(app):
    setting = child_with_plan()
    referral = factories.referral(setting.child, setting.dsl)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="ifd_decision",
        due_on=date(2026, 11, 24),
        owner_id=setting.dsl.id,
        referral_id=referral.id,
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/reviews/{review.id}")
    sent = dsl.submit(
        complete_url(review),
        {"outcome": "held", "completed_on": day(TODAY), "version": "1"},
        page=f"/reviews/{review.id}",
    )

    assert "Record the IFD's decision on the level of need page" in page_text(page)
    assert "Complete this review" not in page_text(page)
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith(f"/children/{setting.child.id}")
    assert saved_review(review.id).status == "open"


# ---------------------------------------------------------------- who may complete


def test_someone_who_cannot_see_the_child_gets_not_found(app, login_as):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    other_dsl = login_as("dsl")

    page = other_dsl.get(complete_url(review))
    sent = other_dsl.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(TODAY), "version": "1"},
        page="/reviews",
    )

    assert (page.status_code, sent.status_code) == (404, 404)
    assert other_dsl.get(f"/reviews/{review.id}").status_code == 404
    assert saved_review(review.id).status == "open"


def test_someone_who_may_only_read_the_child_cannot_complete(app, login_as):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    practitioner = login_as("practitioner")
    factories.involvement(
        setting.plan, agency=practitioner.user.agency, practitioner=practitioner.user
    )
    db.session.commit()

    page = practitioner.get(f"/reviews/{review.id}")
    form = practitioner.get(complete_url(review))
    sent = practitioner.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(TODAY), "version": "1"},
        page=f"/reviews/{review.id}",
    )

    assert page.status_code == 200
    assert "Complete this review" not in page_text(page)
    assert (form.status_code, sent.status_code) == (403, 403)
    assert saved_review(review.id).status == "open"


def test_the_owner_completes_even_without_access_to_change_the_child(app, login_as):
    """A practitioner who owns the review (say, after work was reassigned to them)."""
    setting = child_with_plan()
    practitioner = login_as("practitioner")
    factories.involvement(
        setting.plan, agency=practitioner.user.agency, practitioner=practitioner.user
    )
    review = factories.review(setting.child, plan_id=setting.plan.id, owner_id=practitioner.user.id)
    db.session.commit()

    done = practitioner.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(TODAY), "version": "1"},
    )

    assert done.status_code == 302
    assert saved_review(review.id).completed_by_id == practitioner.user.id


# ---------------------------------------------------------------- stale and sent twice


def test_a_review_completed_in_another_tab_says_who_and_what_and_keeps_what_was_typed(app):
    """Two people complete the same review: the second is told plainly who completed it and
    when, sees everything the first recorded (scores and the next review date too) beside what
    they typed, and is not invited to send a form that could never be saved."""
    setting = child_with_plan()
    [outcome] = with_outcomes(setting.plan, "Gets to school on time")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    dsl = signed_in(app, setting.dsl)
    lead_form, dsl_form = lead.get(complete_url(review)), dsl.get(complete_url(review))

    first = lead.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(date(2026, 11, 26)),
            f"score_{outcome.id}": "7",
            f"changed_{outcome.id}": "On time most days",
            "next_on": day(date(2027, 1, 19)),
            "notes": "Lead's notes",
            "version": field_value(lead_form, "version"),
        },
    )
    second = dsl.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(TODAY),
            f"score_{outcome.id}": "5",
            f"changed_{outcome.id}": "Late on Mondays",
            "next_on": day(date(2027, 1, 8)),
            "notes": "DSL's notes",
            "version": field_value(dsl_form, "version"),
        },
    )

    assert first.status_code == 302
    assert second.status_code == 409
    text = page_text(second)
    assert f"{setting.link_worker.name} completed this review on 26 November 2026" in text
    assert "Your answers have not been saved" in text
    assert "Notes (optional) DSL's notes Lead's notes" in text
    assert "Date it was completed 27 November 2026 26 November 2026" in text
    assert "Score now for: Gets to school on time 5 7" in text
    assert "What has changed for: Gets to school on time Late on Mondays On time most days" in text
    assert "Next review date 8 January 2027 19 January 2027" in text
    assert "save the form again" not in text
    assert "Complete the review" not in text  # no button for a save that must fail
    assert f'href="/reviews/{review.id}"' in second.get_data(as_text=True)
    completed = saved_review(review.id)
    assert (completed.notes, completed.completed_by_id) == ("Lead's notes", setting.link_worker.id)
    assert len(plan_reviews_of(setting.plan.id, "open")) == 1


def test_a_stale_completion_of_a_review_still_open_can_be_saved_again(app):
    """Someone changed the review but did not complete it (a new owner, say): both versions
    show, and saving again completes it."""
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    form = lead.get(complete_url(review))
    saved_review(review.id).owner_id = setting.dsl.id
    db.session.commit()
    typed = {
        "outcome": "reviewed",
        "completed_on": day(TODAY),
        "notes": "Lead's notes",
        "version": field_value(form, "version"),
    }

    stale = lead.submit(complete_url(review), typed)
    again = lead.submit(complete_url(review), {**typed, "version": field_value(stale, "version")})

    assert stale.status_code == 409
    assert "Someone else changed this review while you were completing it" in page_text(stale)
    assert again.status_code == 302
    assert saved_review(review.id).notes == "Lead's notes"


def test_the_same_answers_completed_in_two_tabs_are_saved_not_refused(app):
    """As with any change form (tas.core.editing.holds_what_was_sent): when the review as
    completed already holds every answer sent, nothing would be lost, so it says saved."""
    setting = child_with_plan()
    [outcome] = with_outcomes(setting.plan, "Gets to school on time")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    tabs = [lead.get(complete_url(review)), lead.get(complete_url(review))]
    typed = {
        "outcome": "reviewed",
        "completed_on": day(TODAY),
        f"score_{outcome.id}": "7",
        f"changed_{outcome.id}": "On time most days",
        "next_on": day(date(2027, 1, 19)),
        "notes": "Notes",
    }

    sent = [
        lead.submit(
            complete_url(review),
            {
                **typed,
                "version": field_value(tab, "version"),
                "submission": field_value(tab, "submission"),
            },
        )
        for tab in tabs
    ]

    assert [response.status_code for response in sent] == [302, 302]
    assert "has been completed" in page_text(lead.get(sent[1].headers["Location"]))
    assert len(audit_events("review_completed")) == 1


def test_a_completion_sent_twice_completes_once(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    form = lead.get(complete_url(review))
    data = {
        "outcome": "reviewed",
        "completed_on": day(TODAY),
        "version": field_value(form, "version"),
        "submission": field_value(form, "submission"),
    }

    first = lead.submit(complete_url(review), data)
    again = lead.submit(complete_url(review), data, page=f"/reviews/{review.id}")

    assert first.status_code == 302 and again.status_code == 302
    follow = page_text(lead.get(again.headers["Location"]))
    assert "already saved when the form was first sent" in follow
    assert len(plan_reviews_of(setting.plan.id, "open")) == 1
    assert len(audit_events("review_completed")) == 1


def test_a_completed_review_cannot_be_opened_for_completion_again(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        status="completed",
        outcome="reviewed",
        completed_on=date(2026, 11, 20),
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    form = lead.get(complete_url(review))

    assert form.status_code == 302
    assert "This review is completed" in page_text(lead.get(form.headers["Location"]))


def test_a_handover_rearranged_beyond_the_year_or_held_before_the_step_down_is_refused(app):
    setting = child_with_plan()
    change = factories.step_change(setting.child, setting.dsl, changed_on=date(2026, 11, 23))
    db.session.flush()
    review = handover_review(setting, step_change_id=change.id)
    lead = signed_in(app, setting.link_worker)

    response = lead.submit(
        complete_url(review),
        {
            "outcome": "rearranged",
            "completed_on": day(date(1900, 1, 1)),
            "next_on": day(date(2099, 1, 2)),
            "version": "1",
        },
    )

    assert error_summary(response) == {
        "completed_on": "The date the review was completed must be on or after "
        "23 November 2026, when the step down was decided",
        "next_on": "The rearranged meeting must be within the next year",
    }
    assert saved_review(review.id).status == "open"


def assessment_review(setting, **referral_fields) -> Review:
    referral = factories.referral(
        setting.child,
        setting.dsl,
        status="decided",
        decision="assessment",
        decided_on=date(2026, 11, 25),
        **referral_fields,
    )
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="assessment_outcome",
        due_on=date(2027, 1, 28),
        owner_id=setting.dsl.id,
        referral_id=referral.id,
    )
    db.session.commit()
    return review


def test_a_step_down_is_recorded_on_the_level_page_not_as_an_assessment_outcome(app):
    """Completing the review as 'stepped down' would change neither the level nor the plan:
    the page sends the step down to the level page, which completes the review itself."""
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    review = assessment_review(setting)
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(complete_url(review))
    sent = dsl.submit(
        complete_url(review),
        {"outcome": "stepped_down", "completed_on": day(date(2026, 11, 24)), "version": "1"},
    )

    html = page.get_data(as_text=True)
    assert 'value="stepped_down"' not in html
    assert f'href="/children/{setting.child.id}/level"' in html
    assert "record the step down on the level of need page" in page_text(page)
    assert error_summary(sent) == {
        "outcome": "Select the outcome of the review",
        "completed_on": "The date the review was completed must be on or after "
        "25 November 2026, when the IFD decided on an assessment",
    }
    assert saved_review(review.id).status == "open"


def test_a_plan_review_cannot_be_completed_after_the_family_withdrew_agreement(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    agreement = db.session.scalars(
        select(Agreement).where(Agreement.child_id == setting.child.id)
    ).one()
    agreement.withdrawn_on = date(2026, 11, 20)
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    page = lead.get(complete_url(review))
    sent = lead.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(TODAY), "version": "1"},
    )

    assert "The family has withdrawn agreement" in page_text(page)
    assert "Complete the review" not in page_text(page)
    assert f'href="/children/{setting.child.id}/plans/{setting.plan.id}"' in (
        page.get_data(as_text=True)
    )
    assert error_summary(sent)["outcome"].startswith("The family has withdrawn agreement")
    assert saved_review(review.id).status == "open"
    assert plan_reviews_of(setting.plan.id, "open") == [saved_review(review.id)]


def test_a_handover_the_family_declined_leads_to_closing_the_plan(app):
    setting = child_with_plan()
    review = handover_review(setting)
    lead = signed_in(app, setting.link_worker)

    done = lead.submit(
        complete_url(review),
        {"outcome": "declined", "completed_on": day(TODAY), "version": "1"},
    )
    page = lead.get(done.headers["Location"])

    text = page_text(page)
    assert "The family declined early help: close the shared plan if it has ended" in text
    assert "no plan review follows this one" in text
    assert f'href="/children/{setting.child.id}/plans/{setting.plan.id}"' in (
        page.get_data(as_text=True)
    )
    assert plan_reviews_of(setting.plan.id, "open") == []
    # No review is due, and the plan no longer says one is.
    plan_page = lead.get(f"/children/{setting.child.id}/plans/{setting.plan.id}")
    assert "Next review Not set" in text_of(plan_page, "plan-summary")
    assert "overdue" not in page_text(plan_page)


def test_an_outcome_scored_already_that_day_is_not_scored_twice_by_the_review(app):
    """One score a day for an outcome: scored this morning on its own page, it is not given a
    second score by the review completed the same day (the other outcome is)."""
    setting = child_with_plan()
    school_on_time, sleeps = with_outcomes(setting.plan, "Gets to school on time", "Sleeps well")
    db.session.add(
        OutcomeScore(
            outcome_id=school_on_time.id,
            score=5,
            scored_on=TODAY,
            recorded_by_id=setting.link_worker.id,
        )
    )
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    form = lead.get(complete_url(review))

    refused = lead.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(TODAY),
            f"score_{school_on_time.id}": "6",
            f"changed_{school_on_time.id}": "On time every day",
            f"score_{sleeps.id}": "4",
            f"changed_{sleeps.id}": "Still up at night",
            "next_on": day(date(2027, 1, 15)),
            "version": field_value(form, "version"),
        },
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {
        f"score_{school_on_time.id}": "This outcome already has a score for 27 November 2026: "
        "leave this score blank, or complete the review on the day it was held"
    }
    assert saved_review(review.id).status == "open"
    assert db.session.scalar(select(func.count(OutcomeScore.id))) == 1


# ---------------------------------------------------------------- reviews in order


def test_a_plan_review_cannot_be_dated_before_the_last_plan_review(app):
    """Reviews follow one another: after the plan was reviewed on 26 November (score 7), the
    next review dated 20 November is refused naming the last review's date, so the next one
    is not counted from a date gone by and the scores over time stay in order."""
    setting = child_with_plan()
    [outcome] = with_outcomes(setting.plan, "Gets to school on time")
    first = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    lead.submit(
        complete_url(first),
        {
            "outcome": "reviewed",
            "completed_on": day(date(2026, 11, 26)),
            f"score_{outcome.id}": "7",
            f"changed_{outcome.id}": "On time most days",
            "version": "1",
        },
    )
    [second] = plan_reviews_of(setting.plan.id, "open")

    refused = lead.submit(
        complete_url(second),
        {
            "outcome": "reviewed",
            "completed_on": day(date(2026, 11, 20)),
            f"score_{outcome.id}": "2",
            f"changed_{outcome.id}": "Late every day",
            "version": "1",
        },
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "completed_on": "The date the review was completed must be on or after "
        "26 November 2026, when the last plan review was completed"
    }
    assert field_value(refused, f"score_{outcome.id}") == "2"  # kept as typed
    assert "Late every day" in page_text(refused)
    assert saved_review(second.id).status == "open"
    assert [score.score for score in db.session.scalars(select(OutcomeScore))] == [7]
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2027, 1, 7)


def test_a_plan_review_on_the_day_of_the_last_one_is_accepted(app):
    setting = child_with_plan()
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        status="completed",
        outcome="reviewed",
        completed_on=date(2026, 11, 20),
    )
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    done = lead.submit(
        complete_url(review),
        {"outcome": "reviewed", "completed_on": day(date(2026, 11, 20)), "version": "1"},
    )

    assert done.status_code == 302
    assert saved_review(review.id).completed_on == date(2026, 11, 20)


def test_a_review_dated_before_an_outcomes_last_score_is_refused_on_that_score(app):
    """An outcome scored on its own page on 25 November cannot be given an earlier score 'now'
    by a review dated 24 November: the form shows 25 November as its last score."""
    setting = child_with_plan()
    [outcome] = with_outcomes(setting.plan, "Gets to school on time")
    db.session.add(
        OutcomeScore(
            outcome_id=outcome.id,
            score=7,
            scored_on=date(2026, 11, 25),
            recorded_by_id=setting.link_worker.id,
        )
    )
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    refused = lead.submit(
        complete_url(review),
        {
            "outcome": "reviewed",
            "completed_on": day(date(2026, 11, 24)),
            f"score_{outcome.id}": "2",
            f"changed_{outcome.id}": "Late every day",
            "version": "1",
        },
    )

    assert error_summary(refused) == {
        f"score_{outcome.id}": "This outcome was last scored on 25 November 2026: the review "
        "must be on or after that date"
    }
    assert saved_review(review.id).status == "open"
