"""Garbage into the plan forms: never a 500 (docs/security.md E25)."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tests import factories
from tests.plans.helpers import child_at, open_plan

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
GARBAGE = st.text(alphabet=ANY_CHARACTER, max_size=300)
DIGITS = st.text(alphabet="0123456789²٣ -", max_size=8)
FUZZ = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 400, 409, 413}
FORM = "application/x-www-form-urlencoded"


def test_the_plan_forms_survive_anything(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    involvement = factories.involvement(plan)
    db.session.flush()
    action = factories.action(plan)
    db.session.commit()
    base = f"/children/{child.id}"
    token = dsl.token(base)
    urls = [
        f"{base}/plans/{plan.id}/change",
        f"{base}/plans/{plan.id}/outcomes/new",
        f"{base}/involvements/{involvement.id}/change",
        f"{base}/actions/{action.id}/change",
        f"{base}/plans/{plan.id}/actions/new",
    ]

    @FUZZ
    @given(
        text=GARBAGE,
        number=DIGITS,
        day=st.lists(DIGITS, min_size=0, max_size=4),
        choice=st.one_of(GARBAGE, st.sampled_from(["", "1", "-1", "99999999999999999999"])),
    )
    @example(text="\x00", number="²", day=["31", "2", "2026"], choice="1")
    @example(text="x", number="10", day=["1", "1", "99999"], choice="")
    def fuzz(text, number, day, choice):
        for url in urls:
            fields = {
                "csrf_token": token,
                "version": choice,
                "description": text,
                "statement": text,
                "summary": text,
                "service": text,
                "completion_note": text,
                "closure_reason": text,
                "score": number,
                "status": choice,
                "owner_kind": choice,
                "owner_agency": choice,
                "owner_user": choice,
                "owner_family_member": choice,
                "involvement": choice,
                "lead_practitioner": choice,
                "practitioner": choice,
                "child_engagement": choice,
                "markers": choice,
            }
            data = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
            for name in ("due_on", "next_review_on", "scored_on", "started_on", "ended_on"):
                data += [(name, part.encode("utf-8")) for part in day]
            response = dsl.client.post(url, data=urlencode(data), content_type=FORM)
            assert response.status_code in ALLOWED, (url, response.status_code)

    fuzz()
