"""Referrals to the IFD: recording one opens the review of its decision and leaves the level as
it is; the decision changes the level (and, when Social Care holds the case, holds the plan and
pauses its reviews); a stale decision is refused with both versions; a decision can be marked
as a professional disagreement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tas.audit.models import AuditEvent
from tas.children.models import Agreement
from tas.extensions import db
from tas.levels.models import IfdReferral
from tas.plans.models import SharedPlan
from tests import factories
from tests.conftest import csrf_from
from tests.pages import audit_events, day, error_summary, page_text
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import (
    browser_for,
    gp_kinds,
    held_meeting,
    level_url,
    practice_told,
    referrals_of,
    reviews_of,
    send,
    step_changes,
)

REFERRAL = {
    "consultation_on": day(date(2026, 11, 23)),
    "referred_on": day(date(2026, 11, 24)),
    "marf_reference": "MARF-2026-0771",
}


def refer_url(child) -> str:
    return f"/children/{child.id}/level/referrals/new"


def decision_url(child, referral) -> str:
    return f"/children/{child.id}/level/referrals/{referral.id}/decision"


def disagreement_url(child, referral) -> str:
    return f"/children/{child.id}/level/referrals/{referral.id}/disagreement"


def awaiting(setting, **fields) -> IfdReferral:
    """A referral by the school's DSL on Monday 23 November, with its decision review."""
    referral = factories.referral(setting.child, setting.dsl, plan_id=setting.plan.id, **fields)
    db.session.flush()
    factories.review(
        setting.child,
        kind="ifd_decision",
        referral_id=referral.id,
        owner_id=setting.dsl.id,
        due_on=date(2026, 11, 24),
    )
    db.session.commit()
    return referral


def decide(browser, setting, referral, decision: str, **extra):
    return browser.submit(
        decision_url(setting.child, referral),
        {
            "decision": decision,
            "decided_on": day(date(2026, 11, 25)),
            "feedback": "Allocated to the assessment team",
            "version": str(db.session.get(IfdReferral, referral.id).version),
            **extra,
        },
    )


# ---------------------------------------------------------------- recording a referral


def test_a_referral_opens_the_decision_review_and_leaves_the_level_alone(app):
    setting = child_with_plan(level="early_help")
    browser = browser_for(app, setting.dsl)

    opened = browser.get(refer_url(setting.child))
    response = send(browser, refer_url(setting.child), REFERRAL)

    assert opened.status_code == 200
    words = page_text(opened)
    assert "not how you report a child at risk" in words
    assert "phone the Integrated Front Door now" in words and "call 999" in words
    assert response.status_code == 302
    [referral] = referrals_of(setting.child.id)
    assert referral.status == "awaiting_decision"
    assert referral.consultation_on == date(2026, 11, 23)
    assert referral.referred_on == date(2026, 11, 24)
    assert referral.marf_reference == "MARF-2026-0771"
    assert referral.referred_by_id == setting.dsl.id
    assert referral.plan_id == setting.plan.id
    [review] = reviews_of(setting.child.id)
    assert (review.kind, review.status, review.referral_id) == (
        "ifd_decision",
        "open",
        referral.id,
    )
    assert review.due_on == date(2026, 11, 25)  # 1 working day after the referral
    assert review.owner_id == setting.dsl.id
    assert review.plan_id == setting.plan.id  # its reminders carry the plan's reference
    assert step_changes(setting.child.id) == []
    assert referral.child.level_of_need == "early_help"
    page = page_text(browser.get(level_url(setting.child)))
    assert f"Referral {referral.reference} to the IFD has been recorded" in page
    assert "Status Awaiting the IFD's decision" in page
    assert "Level of need now Early Help" in page
    [event] = audit_events("ifd_referral_recorded")
    assert "MARF-2026-0771" not in str(event.detail)


def test_a_referral_needs_no_family_agreement(app):
    setting = child_with_plan(plan=False)
    for agreement in db.session.scalars(
        select(Agreement).where(Agreement.child_id == setting.child.id)
    ):
        agreement.withdrawn_on = date(2026, 11, 20)
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    response = send(browser, refer_url(setting.child), REFERRAL)

    assert response.status_code == 302
    assert len(referrals_of(setting.child.id)) == 1


def test_the_meeting_comes_from_the_address_when_the_person_may_see_it(app):
    setting = child_with_plan()
    meeting = held_meeting(setting)
    elsewhere = factories.meeting(factories.school(), factories.user("dsl"))
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    chosen = browser.get(refer_url(setting.child) + f"?meeting={meeting.id}")
    other = browser.get(refer_url(setting.child) + f"?meeting={elsewhere.id}")

    assert f'<option value="{meeting.id}" selected>' in chosen.get_data(as_text=True)
    assert f'value="{elsewhere.id}"' not in other.get_data(as_text=True)
    assert '<option value="" selected>Not decided at a meeting' in other.get_data(as_text=True)

    send(browser, refer_url(setting.child), {**REFERRAL, "meeting": str(meeting.id)})
    assert referrals_of(setting.child.id)[0].meeting_id == meeting.id


def test_a_referral_with_mistakes_keeps_what_was_typed(app):
    setting = child_with_plan()
    awaiting(setting, marf_reference="MARF-2026-0771", status="decided")
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        refer_url(setting.child),
        {**REFERRAL, "consultation_on": day(date(2026, 11, 25))},
    )
    same = send(browser, refer_url(setting.child), REFERRAL)

    assert response.status_code == 200
    assert error_summary(response) == {
        "consultation_on": (
            "The date of the consultation must be on or before the date of the referral form"
        ),
        "marf_reference": "Referral IFD-0001 has this MARF reference already",
    }
    assert 'value="MARF-2026-0771"' in response.get_data(as_text=True)
    assert error_summary(same) == {
        "marf_reference": "Referral IFD-0001 has this MARF reference already"
    }
    assert len(referrals_of(setting.child.id)) == 1


def test_the_database_keeps_one_referral_per_form_even_when_two_people_send_it_at_once(app):
    """The check above reads first; two people sending the same MARF at the same moment would
    both pass it, so the database refuses the second (the service shows it as the same error)."""
    setting = child_with_plan()
    factories.referral(setting.child, setting.dsl, marf_reference="MARF-1")
    db.session.commit()
    factories.referral(setting.child, setting.link_worker, marf_reference="MARF-1")

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    other = child_with_plan()
    factories.referral(other.child, other.dsl, marf_reference="MARF-1")
    db.session.commit()  # another child's form may carry the same number


def test_no_referral_is_recorded_while_social_care_holds_the_case(app):
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    browser = browser_for(app, setting.dsl)

    opened = browser.get(refer_url(setting.child))
    sent = browser.client.post(
        refer_url(setting.child),
        data={"csrf_token": csrf_from(opened.get_data(as_text=True)), **REFERRAL},
    )

    assert "tell the allocated social worker" in page_text(opened)
    assert "not how you report a child at risk" in page_text(opened)
    assert sent.status_code == 409
    assert referrals_of(setting.child.id) == []


def test_no_second_referral_is_recorded_while_one_awaits_its_decision(app):
    """Before, a second referral (another MARF) was accepted: each decision then moved the
    level, in whichever order they were recorded."""
    setting = child_with_plan(level="early_help")
    waiting = awaiting(setting, marf_reference="MARF-2026-0002")
    browser = browser_for(app, setting.dsl)

    opened = browser.get(refer_url(setting.child))
    # A form opened before the first referral was recorded, sent now.
    sent = browser.client.post(
        refer_url(setting.child),
        data={
            "csrf_token": csrf_from(opened.get_data(as_text=True)),
            **REFERRAL,
            "marf_reference": "MARF-2026-0003",
        },
    )

    assert opened.status_code == 200
    words = page_text(opened)
    assert (
        f"Referral {waiting.reference} to the IFD is still awaiting the IFD's decision: record "
        "that decision before you record another referral."
    ) in words
    assert "phone the Integrated Front Door now" in words
    assert "Record the referral" not in words
    decision_link = f'href="{decision_url(setting.child, waiting)}"'
    assert decision_link in opened.get_data(as_text=True)
    assert sent.status_code == 200
    assert error_summary(sent) == {
        "current-level": f"Referral {waiting.reference} to the IFD is still awaiting the IFD's "
        "decision: record that decision before you record another referral"
    }
    assert 'value="MARF-2026-0003"' in sent.get_data(as_text=True)  # what was typed stays
    assert decision_link in sent.get_data(as_text=True)
    assert [referral.marf_reference for referral in referrals_of(setting.child.id)] == [
        "MARF-2026-0002"
    ]


def test_a_referral_may_be_recorded_once_the_last_one_is_decided(app):
    setting = child_with_plan(level="early_help")
    awaiting(setting, marf_reference="MARF-2026-0002", status="decided")
    browser = browser_for(app, setting.dsl)

    response = send(browser, refer_url(setting.child), REFERRAL)

    assert response.status_code == 302
    assert len(referrals_of(setting.child.id)) == 2


# ---------------------------------------------------------------- the IFD's decision


def test_no_further_action_completes_the_review_and_keeps_the_level(app):
    setting = child_with_plan(level="early_help")
    referral = awaiting(setting)
    browser = browser_for(app, setting.link_worker)

    response = decide(browser, setting, referral, "no_further_action")

    assert response.status_code == 302
    [saved] = referrals_of(setting.child.id)
    assert (saved.status, saved.decision, saved.decided_on) == (
        "decided",
        "no_further_action",
        date(2026, 11, 25),
    )
    assert saved.feedback == "Allocated to the assessment team"
    [review] = reviews_of(setting.child.id)
    assert (review.status, review.outcome, review.completed_on, review.completed_by_id) == (
        "completed",
        "no_further_action",
        date(2026, 11, 25),
        setting.link_worker.id,
    )
    assert step_changes(setting.child.id) == []
    assert saved.child.level_of_need == "early_help"
    assert db.session.get(SharedPlan, setting.plan.id).status == "open"
    again = browser.get(decision_url(setting.child, referral))
    assert "recorded already" in page_text(again)


def test_an_early_help_decision_brings_a_universal_child_to_early_help(app):
    setting = child_with_plan(plan=False, level="universal")
    referral = factories.referral(setting.child, setting.dsl)
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    decide(browser, setting, referral, "early_help")

    [change] = step_changes(setting.child.id)
    assert (change.kind, change.from_level, change.to_level, change.referral_id) == (
        "ifd_decision",
        "universal",
        "early_help",
        referral.id,
    )
    assert change.decided_by == "The Integrated Front Door (IFD)"


def test_an_assessment_means_social_care_holds_the_case(app):
    setting = child_with_plan(level="early_help")
    practice_told(setting)
    plan_review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    browser = browser_for(app, setting.dsl)
    send(browser, refer_url(setting.child), REFERRAL)
    [referral] = referrals_of(setting.child.id)
    assert referral.child.level_of_need == "early_help"  # not before the decision

    response = decide(browser, setting, referral, "assessment")

    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.from_level, change.to_level) == (
        "step_up_social_care",
        "early_help",
        "social_care",
    )
    assert change.changed_on == date(2026, 11, 25)
    assert change.referral_id == referral.id
    plan = db.session.get(SharedPlan, setting.plan.id)
    assert (plan.status, plan.level_of_need) == ("held_by_social_care", "social_care")
    reviews = {review.kind: review for review in reviews_of(setting.child.id)}
    assert reviews["plan_review"].id == plan_review.id
    assert reviews["plan_review"].status == "paused"
    assert reviews["ifd_decision"].status == "completed"
    outcome = reviews["assessment_outcome"]
    assert outcome.status == "open"
    assert outcome.due_on == date(2027, 1, 29)  # 45 working days from 24 November
    assert outcome.owner_id == setting.dsl.id
    assert gp_kinds(setting.plan.id) == ["initial", "step_up"]
    page = page_text(browser.get(level_url(setting.child)))
    assert "Children's Social Care holds this case" in page
    assert "Level of need now Children's Social Care" in page
    assert "Record a step down" in page
    # The plan is read-only while Social Care holds it.
    change_page = browser.get(f"/children/{setting.child.id}/plans/{plan.id}/change")
    assert change_page.status_code == 403


def test_a_stale_decision_is_refused_with_both_versions(app):
    setting = child_with_plan()
    referral = awaiting(setting)
    first = browser_for(app, setting.dsl)
    second = browser_for(app, setting.link_worker)
    second_page = second.get(decision_url(setting.child, referral))
    token = csrf_from(second_page.get_data(as_text=True))

    decide(first, setting, referral, "no_further_action")
    stale = second.client.post(
        decision_url(setting.child, referral),
        data={
            "csrf_token": token,
            "decision": "strategy_s47",
            "decided_on": day(date(2026, 11, 26)),
            "feedback": "Strategy meeting set for Monday",
            "version": "1",
        },
    )

    assert stale.status_code == 409
    text = page_text(stale)
    assert "Someone else changed this referral while you were editing it" in text
    assert "Your changes and the saved version" in text
    assert (
        "The IFD's decision Strategy discussion / section 47 enquiry "
        "No further action or advice Different"
    ) in text
    assert (
        "Feedback received (optional) Strategy meeting set for Monday "
        "Allocated to the assessment team Different"
    ) in text
    [saved] = referrals_of(setting.child.id)
    assert saved.decision == "no_further_action"
    assert step_changes(setting.child.id) == []


def test_a_decision_before_the_referral_keeps_what_was_typed(app):
    setting = child_with_plan()
    referral = awaiting(setting)
    browser = browser_for(app, setting.dsl)

    response = decide(browser, setting, referral, "assessment", decided_on=day(date(2026, 11, 2)))

    assert response.status_code == 200
    assert error_summary(response) == {
        "decided_on": "The date of the decision must be on or after the date of the referral, "
        "23 November 2026"
    }
    assert "Allocated to the assessment team" in page_text(response)
    assert referrals_of(setting.child.id)[0].status == "awaiting_decision"


def test_a_decision_on_an_older_referral_never_takes_the_case_from_social_care(app):
    """Two referrals awaited their decisions (recorded before one at a time was the rule). The
    newer one's assessment put the case with Social Care; the older one's "early help",
    recorded after it and dated before it, used to set the level to Early Help, with the plan
    still held, its reviews paused and no step down offered: the plan could never be released."""
    setting = child_with_plan(level="early_help")
    practice_told(setting)
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id)
    older = awaiting(setting, marf_reference="MARF-2026-0002")
    newer = awaiting(setting, marf_reference="MARF-2026-0003", referred_on=date(2026, 11, 24))
    browser = browser_for(app, setting.dsl)
    decide(browser, setting, newer, "assessment")

    response = decide(browser, setting, older, "early_help", decided_on=day(date(2026, 11, 24)))

    assert response.status_code == 302
    assert referrals_of(setting.child.id)[0].decision == "early_help"  # the decision is kept
    [change] = step_changes(setting.child.id)  # only the step up: nothing undid it
    assert (change.from_level, change.to_level) == ("early_help", "social_care")
    assert change.child.level_of_need == "social_care"
    plan = db.session.get(SharedPlan, setting.plan.id)
    assert (plan.status, plan.level_of_need) == ("held_by_social_care", "social_care")
    reviews = {review.kind: review.status for review in reviews_of(setting.child.id)}
    assert reviews["plan_review"] == "paused"
    assert reviews["assessment_outcome"] == "open"
    assert "handover_meeting" not in reviews
    assert gp_kinds(setting.plan.id) == ["initial", "step_up"]
    page = page_text(browser.get(level_url(setting.child)))
    assert "Level of need now Children's Social Care" in page
    assert "Record a step down" in page


def test_a_decision_that_changes_the_level_comes_after_the_last_change(app):
    """Before, an assessment dated 25 November was accepted after a step up on 26 November:
    the history read "Targeted Early Help to Children's Social Care" on a day the child was at
    Early Help."""
    setting = child_with_plan(level="targeted_early_help")
    factories.step_change(
        setting.child,
        setting.link_worker,
        kind="step_up_early_help",
        from_level="early_help",
        to_level="targeted_early_help",
        changed_on=date(2026, 11, 26),
    )
    referral = awaiting(setting)
    browser = browser_for(app, setting.dsl)

    early = decide(browser, setting, referral, "assessment")
    later = decide(browser, setting, referral, "assessment", decided_on=day(date(2026, 11, 26)))

    assert early.status_code == 200
    assert error_summary(early) == {
        "decided_on": "The date of the decision must be on or after 26 November 2026, when the "
        "level of need last changed"
    }
    assert "Allocated to the assessment team" in page_text(early)  # what was typed stays
    assert later.status_code == 302
    changes = step_changes(setting.child.id)
    assert [(c.to_level, c.changed_on) for c in changes] == [
        ("targeted_early_help", date(2026, 11, 26)),
        ("social_care", date(2026, 11, 26)),
    ]


def test_a_decision_that_keeps_the_level_may_be_dated_before_the_last_change(app):
    """No further action changes no level, so it is dated when the IFD decided, however late
    it is recorded."""
    setting = child_with_plan(level="targeted_early_help")
    factories.step_change(
        setting.child,
        setting.link_worker,
        kind="step_up_early_help",
        from_level="early_help",
        to_level="targeted_early_help",
        changed_on=date(2026, 11, 26),
    )
    referral = awaiting(setting)
    browser = browser_for(app, setting.dsl)

    response = decide(browser, setting, referral, "no_further_action")

    assert response.status_code == 302
    assert referrals_of(setting.child.id)[0].decided_on == date(2026, 11, 25)
    assert len(step_changes(setting.child.id)) == 1


# ---------------------------------------------------------------- professional disagreement


def test_the_referrer_marks_a_decision_as_a_professional_disagreement(make_app):
    app = make_app(ESCALATION_PROCEDURE_URL="https://partnership.example.org/escalation")
    with app.app_context():
        setting = child_with_plan()
        referral = awaiting(
            setting, status="decided", decision="no_further_action", decided_on=date(2026, 11, 24)
        )
        browser = browser_for(app, setting.dsl)
        url = disagreement_url(setting.child, referral)

        opened = browser.get(url)
        response = browser.submit(
            url,
            {
                "disagreed_on": day(date(2026, 11, 26)),
                "disagreement_note": "Spoke to the IFD manager: the worries are cumulative",
                "version": "1",
            },
        )

        assert opened.status_code == 200
        assert "talk to the decision maker first" in page_text(opened)
        assert 'href="https://partnership.example.org/escalation"' in opened.get_data(as_text=True)
        assert response.status_code == 302
        [saved] = referrals_of(setting.child.id)
        assert saved.disagreed_on == date(2026, 11, 26)
        assert saved.disagreement_note.startswith("Spoke to the IFD manager")
        page = browser.get(level_url(setting.child))
        assert "Professional disagreement 26 November 2026: Spoke to the IFD manager" in (
            page_text(page)
        )
        assert 'href="https://partnership.example.org/escalation"' in page.get_data(as_text=True)
        [event] = audit_events("ifd_disagreement_recorded")
        assert "Spoke" not in str(event.detail)


def test_a_recorded_disagreement_stands_and_is_never_written_over(app):
    setting = child_with_plan()
    referral = awaiting(
        setting,
        status="decided",
        decision="no_further_action",
        decided_on=date(2026, 11, 24),
        disagreed_on=date(2026, 11, 25),
        disagreement_note="Spoke to the IFD manager",
    )
    browser = browser_for(app, setting.dsl)
    url = disagreement_url(setting.child, referral)

    opened = browser.get(url)
    sent = browser.submit(
        url,
        {
            "disagreed_on": day(date(2026, 11, 26)),
            "disagreement_note": "Another note",
            "version": str(referral.version),
        },
    )

    assert opened.status_code == 200
    assert (
        "A professional disagreement with this decision was recorded already, dated "
        "25 November 2026" in page_text(opened)
    )
    assert 'name="disagreement_note"' not in opened.get_data(as_text=True)
    assert sent.status_code == 409
    [kept] = referrals_of(setting.child.id)
    assert (kept.disagreed_on, kept.disagreement_note) == (
        date(2026, 11, 25),
        "Spoke to the IFD manager",
    )
    assert audit_events("ifd_disagreement_recorded") == []
    # The page shows the child's name: each time it is opened or sent, that read is audited.
    opened_events = audit_events("ifd_disagreement_opened")
    assert len(opened_events) == 2
    assert {event.target_id for event in opened_events} == {setting.child.id}


def test_a_reader_who_neither_referred_nor_records_levels_may_not_disagree(app):
    setting = child_with_plan()
    referral = awaiting(
        setting, status="decided", decision="no_further_action", decided_on=date(2026, 11, 24)
    )
    practitioner = factories.user("practitioner")
    factories.involvement(setting.plan, agency=practitioner.agency, practitioner=practitioner)
    db.session.commit()

    # The practitioner may read the child's record, but is neither the referrer nor a recorder.
    refused = browser_for(app, practitioner).get(disagreement_url(setting.child, referral))

    assert refused.status_code == 403
    assert (
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "ifd_disagreement_opened")
        ).all()
        == []
    )


def test_nothing_to_disagree_with_before_the_decision(app):
    setting = child_with_plan()
    referral = awaiting(setting)

    response = browser_for(app, setting.dsl).get(disagreement_url(setting.child, referral))

    assert "The IFD has not decided yet" in page_text(response)
    assert "Record the disagreement" not in page_text(response)
