"""A person's own reminder choices on their account: one email per reminder or a daily digest,
and "I am away" (their reminders then go to those who stand in for them). Saved with the
version the form was opened with, audited."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.pages import audit_events, error_summary, page_text, saved, version_on

FORM = "/account/reminders"


def test_the_account_page_says_how_reminders_come_and_links_to_the_choices(login_as):
    text = page_text(login_as("practitioner").get("/account"))

    assert "How you get reminders One email for each reminder" in text
    assert "Away from work No" in text
    assert "Change how you get reminders" in text


@pytest.mark.parametrize(
    ("role", "cover"),
    [
        (
            "practitioner",
            "your agency's safeguarding leads; failing them, the designated safeguarding "
            "leads (DSLs) of the child's school, then the coordinators covering the child's "
            "school",
        ),
        # Never herself: the other DSLs, then (the child moved) the new school's, then the
        # coordinators (tas.reminders.recipients.choose).
        (
            "dsl",
            "the other designated safeguarding leads (DSLs) of your school; failing them, the "
            "DSLs of the child's school if the child has moved, then the coordinators covering "
            "the child's school",
        ),
        (
            "school_staff",
            "your school's designated safeguarding leads (DSLs); failing them, the DSLs of the "
            "child's school if the child has moved, then the coordinators covering the child's "
            "school",
        ),
        # No agency and no school of their own.
        (
            "coordinator",
            "the designated safeguarding leads (DSLs) of the child's school; failing them, the "
            "coordinators covering it",
        ),
    ],
)
def test_the_form_says_where_reminders_go_while_away(login_as, role, cover):
    text = page_text(login_as(role).get(FORM))

    assert "How do you want to get reminders?" in text
    assert f"While you are away, your reminders go to {cover} instead of you" in text


def test_choosing_a_daily_digest_and_away_is_saved_and_audited(login_as):
    me = login_as("link_worker")

    sent = me.submit(
        FORM, {"reminder_digest": "daily", "away": "yes", "version": version_on(me.get(FORM))}
    )

    assert sent.status_code == 302 and sent.headers["Location"] == "/account"
    user = saved(User, me.user.id)
    assert (user.reminder_digest, user.away) == (True, True)
    text = page_text(me.get("/account"))
    assert "Your reminder choices have been saved." in text
    assert "How you get reminders One email a day (daily digest)" in text
    assert (
        "Away from work Yes: your reminders go to your agency's safeguarding leads; failing "
        "them, the designated safeguarding leads (DSLs) of the child's school" in text
    )
    [event] = audit_events("reminder_choices_changed")
    assert event.target_id == me.user.id and event.actor_id == me.user.id
    assert event.detail == {"reminder_digest": [False, True], "away": [False, True]}

    back = me.submit(FORM, {"reminder_digest": "daily", "away": "no", "version": str(user.version)})
    assert back.status_code == 302
    assert saved(User, me.user.id).away is False
    assert audit_events("reminder_choices_changed")[-1].detail == {"away": [True, False]}


def test_a_form_opened_before_another_save_is_refused_and_the_first_save_kept(login_as):
    me = login_as("dsl")
    first_tab = version_on(me.get(FORM))
    second_tab = version_on(me.get(FORM))
    assert (
        me.submit(
            FORM, {"reminder_digest": "daily", "away": "no", "version": first_tab}
        ).status_code
        == 302
    )

    late = me.submit(FORM, {"reminder_digest": "each", "away": "yes", "version": second_tab})

    assert late.status_code == 409
    text = page_text(late)
    assert "Your choices and the saved ones" in text
    assert "I am away" in text and "Different" in text
    assert error_summary(late) == {
        "saved-version": "Your reminder choices were changed somewhere else while you had "
        "this page open"
    }
    user = saved(User, me.user.id)
    assert (user.reminder_digest, user.away) == (True, False)
    assert version_on(late) == str(user.version)


def test_a_missing_or_unknown_choice_is_asked_again_and_nothing_saved(login_as):
    me = login_as("practitioner")
    version = version_on(me.get(FORM))

    response = me.submit(FORM, {"reminder_digest": "weekly", "version": version})

    assert response.status_code == 200
    assert error_summary(response) == {
        "reminder_digest": "Select how you want to get reminders",
        "away": "Select whether you are away from work",
    }
    assert saved(User, me.user.id).reminder_digest is False
    assert audit_events("reminder_choices_changed") == []


def test_administrators_get_no_reminders_so_have_no_choices(login_as):
    admin = login_as("admin")

    assert admin.get(FORM).status_code == 404
    assert (
        admin.submit(FORM, {"reminder_digest": "daily", "away": "yes"}, page="/").status_code == 404
    )
    assert "How you get reminders" not in page_text(admin.get("/account"))


def test_posted_fields_about_someone_else_are_ignored(login_as):
    me = login_as("practitioner")
    other = factories.user("practitioner")
    db.session.commit()
    version = version_on(me.get(FORM))

    me.submit(
        FORM,
        {"reminder_digest": "each", "away": "yes", "version": version, "user_id": str(other.id)},
    )

    assert saved(User, me.user.id).away is True
    assert saved(User, other.id).away is False


def test_garbage_in_the_choices_is_never_a_500(login_as):
    me = login_as("dsl")
    token = me.token(FORM)
    garbage = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({n: garbage for n in ("reminder_digest", "away", "version")}))
    @example({"reminder_digest": "daily\x00", "away": "yes", "version": "1"})
    def fuzz(values):
        body = urlencode(
            {
                k: v.encode("utf-8", "surrogatepass")
                for k, v in {**values, "csrf_token": token}.items()
            }
        )
        response = me.client.post(FORM, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in {200, 400, 409}, response.status_code

    fuzz()
    assert saved(User, me.user.id).reminder_digest is False
