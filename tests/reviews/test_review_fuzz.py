"""Garbage into the review forms and the list's filters: never a 500 (docs/security.md E25)."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tas.plans.models import Outcome
from tas.reviews.models import Review
from tests import factories
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_review_completion import signed_in

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
GARBAGE = st.text(alphabet=ANY_CHARACTER, max_size=300)
DIGITS = st.text(alphabet="0123456789²٣ -", max_size=8)
FUZZ = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 400, 403, 409, 413}
FORM = "application/x-www-form-urlencoded"


def test_the_review_forms_survive_anything(app, login_as):
    setting = child_with_plan()
    outcome = Outcome(plan_id=setting.plan.id, statement="Gets to school on time")
    db.session.add(outcome)
    plan_review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    handover = factories.review(
        setting.child, kind="handover_meeting", plan_id=setting.plan.id, due_on=plan_review.due_on
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)
    coordinator = login_as("coordinator")
    lead_token = lead.token("/reviews")
    coordinator_token = coordinator.token("/reviews/rules")
    posts = [
        (lead, lead_token, f"/reviews/{plan_review.id}/complete"),
        (lead, lead_token, f"/reviews/{handover.id}/complete"),
        (coordinator, coordinator_token, "/reviews/rules"),
        (coordinator, coordinator_token, "/reviews/rules/reset"),
    ]

    @FUZZ
    @given(
        text=GARBAGE,
        number=DIGITS,
        day=st.lists(DIGITS, min_size=0, max_size=4),
        choice=st.one_of(GARBAGE, st.sampled_from(["", "1", "-1", "99999999999999999999"])),
    )
    @example(text="\x00", number="²", day=["31", "2", "2026"], choice="1")
    @example(text="x", number="10", day=["1", "1", "99999"], choice="reviewed")
    @example(text="x", number="99999", day=["27", "11", "2026"], choice="0.0.0.0")
    def fuzz(text, number, day, choice):
        for browser, token, url in posts:
            fields = {
                "csrf_token": token,
                "version": choice,
                "submission": text,
                "outcome": choice,
                "notes": text,
                f"score_{outcome.id}": number,
                f"changed_{outcome.id}": text,
                "rule": choice,
                **{f"{event}_amount": number for event in ("step_down", "referral")},
                **{f"{event}_unit": choice for event in ("assessment_opened", "plan_review")},
            }
            data = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
            for name in ("completed_on", "next_on"):
                data += [(name, part.encode("utf-8")) for part in day]
            response = browser.client.post(url, data=urlencode(data), content_type=FORM)
            assert response.status_code in ALLOWED, (url, response.status_code)
        for query in ({"show": text}, {"school": choice, "page": number}, {"cluster": text}):
            response = lead.client.get(
                "/reviews?" + urlencode(query, encoding="utf-8", errors="surrogatepass")
            )
            assert response.status_code in {200, 400}, (query, response.status_code)

    fuzz()
    db.session.expire_all()
    # Whatever was sent, nothing half-saved: a review is either open or properly completed.
    for review in db.session.query(Review).all():
        assert review.status in ("open", "completed", "cancelled")
        if review.status == "completed":
            assert review.completed_on is not None and review.outcome is not None
