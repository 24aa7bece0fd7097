"""Issue 16: what keeps the second step honest beyond the obvious: a session past only the
password never sets up a factor in place of the owner's; guesses, however slow, stop the second
step until a new password; a change of factors ends the other sessions; no second factor or
password is kept with a form sent after a timeout; passkey challenges are one per purpose and
run out; the demo's waiver never counts in production; a device is remembered 30 days at most."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.auth.factors import passkeys, remembered
from tas.auth.factors import services as second_factors
from tas.auth.factors.models import SecondFactorWaiver
from tas.core.pending_forms import PendingForm
from tas.extensions import db
from tests.auth.factors.steps import code, person, set_up_app, signed_in, text_of
from tests.auth.helpers import SITE, emails_to, open_sessions, password_link, production_app
from tests.conftest import Visitor

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
SECOND_STEP = "/sign-in/second-factor"


def test_a_password_only_session_cannot_set_up_a_factor_once_the_owner_has(fresh_install):
    user = person(fresh_install, "dsl")
    with time_machine.travel(T0, tick=False):
        thief = signed_in(fresh_install, user)  # knows the password, before the owner enrols
        owner = signed_in(fresh_install, user)
        set_up_app(owner, T0)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        # Setting it up signed every other session out; were one left, it would be sent to
        # give the owner's factor, never to set up its own.
        tried = thief.get("/account/second-factors/app")
        assert tried.headers["Location"].startswith("/sign-in")
        posted = thief.submit("/account/second-factors/app", {"code": "123456"})
        assert posted.headers["Location"].startswith("/sign-in")
        assert thief.get("/children").headers["Location"].startswith("/sign-in")
        again = signed_in(fresh_install, user)
        assert again.get("/account/second-factors/app").headers["Location"].startswith(SECOND_STEP)
    assert len(second_factors.factors_of(user).app.sealed_secret) > 0


def test_slow_guesses_stop_the_second_step_until_a_new_password(fresh_install):
    user = person(fresh_install, "practitioner")
    with time_machine.travel(T0, tick=False):
        secret, _ = set_up_app(signed_in(fresh_install, user), T0)
    wrong = "000000"
    moment = T0
    for _ in range(4):  # four pauses' worth, each waited out
        moment += timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            thief = signed_in(fresh_install, user)
            for _ in range(5):
                if code(secret, moment) != wrong:
                    thief.submit(SECOND_STEP, {"code": wrong})
    moment += timedelta(minutes=20)
    with time_machine.travel(moment, tick=False):
        owner = signed_in(fresh_install, user)
        stopped = owner.submit(SECOND_STEP, {"code": code(secret, moment)})
        assert stopped.status_code == 429
        assert "signing in to this account is stopped" in text_of(stopped)
        subjects = [m["Subject"] for m in emails_to(user.email)]
        assert sum("not your second factor" in s for s in subjects) == 3  # each pause told
        assert sum("stopped" in s for s in subjects) == 1
        visitor = Visitor(fresh_install.test_client())
        visitor.submit("/password-reset", {"email": user.email}, page="/password-reset")
        link, _ = password_link(user.email)
        new = "saffron pelican ledger voyage"
        visitor.submit(
            link.removeprefix(SITE),
            {"new_password": new, "confirm_password": new},
            page=link.removeprefix(SITE),
        )
        owner.sign_in(user.email, new)
        assert owner.submit(SECOND_STEP, {"code": code(secret, moment)}).headers["Location"] == "/"


def test_changing_second_factors_signs_out_everywhere_else(fresh_install):
    user = person(fresh_install, "link_worker")
    with time_machine.travel(T0, tick=False):
        here = signed_in(fresh_install, user)
        secret, _ = set_up_app(here, T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        there = signed_in(fresh_install, user)
        there.submit(SECOND_STEP, {"code": code(secret, T0 + timedelta(minutes=1))})
        assert there.get("/").status_code == 200
        assert len(open_sessions(user.id)) == 2
        here.submit("/account/second-factors/recovery-codes")
        assert there.get("/").headers["Location"].startswith("/sign-in")
        assert len(open_sessions(user.id)) == 1


def test_no_second_factor_or_password_is_kept_with_a_form_sent_after_a_timeout(fresh_install):
    admin = person(fresh_install, "admin")
    with time_machine.travel(T0, tick=False) as clock:
        office = signed_in(fresh_install, admin)
        set_up_app(office, T0)
        token = office.session_token()
        clock.shift(timedelta(minutes=45))
        office.client.post(
            "/admin/users/new",
            data={
                "csrf_token": token,
                "name": "Robin Achterberg",
                "fresh_password": "my password typed to confirm",
                "fresh_code": "123456",
                "code": "654321",
                "recovery": "abcd-efgh-jkmn",
                "passkey": "{}",
                "passkey_response": "{}",
            },
        )
    kept = db.session.scalars(select(PendingForm)).one()
    assert kept.fields == [["name", "Robin Achterberg"]]


def test_passkey_challenges_are_kept_apart_by_purpose_and_run_out(fresh_install):
    with fresh_install.test_request_context(base_url="http://localhost/"):
        with time_machine.travel(T0, tick=False):
            passkeys._remember(b"register-this", "register")
            passkeys._remember(b"sign-in-with-this", "authenticate")
            assert passkeys._challenge("register") == b"register-this"
            assert passkeys._challenge("register") is None  # once
        with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
            assert passkeys._challenge("authenticate") is None  # too old


def test_the_demos_waiver_never_counts_in_production(fresh_install):
    db.session.add(SecondFactorWaiver(reason="restored from a demo copy"))
    db.session.commit()
    assert second_factors.waiver() == "restored from a demo copy"
    fresh_install.config["SECOND_FACTOR_WAIVER_ALLOWED"] = False  # as production sets it
    try:
        assert second_factors.waiver() is None
    finally:
        fresh_install.config["SECOND_FACTOR_WAIVER_ALLOWED"] = True


@pytest.mark.parametrize(("setting", "days"), [(90, 30), (30, 30), (7, 7), (0, 0)])
def test_a_device_is_remembered_thirty_days_at_most(fresh_install, setting, days):
    fresh_install.config["SECOND_FACTOR_REMEMBER_DAYS"] = setting
    assert remembered.days() == days


@pytest.mark.parametrize(
    "answer",
    [
        "not json",
        "[]",
        '{"rawId": 5}',
        '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}',
        '{"id": "AAAA", "rawId": "!!!", "response": {"clientDataJSON": "e30",'
        ' "attestationObject": "oA"}}',
        "{" * 5000,
    ],
)
def test_a_made_up_passkey_answer_is_refused_plainly(fresh_install, answer):
    user = person(fresh_install, "dsl")
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        options = browser.submit("/account/second-factors/passkeys/options")
        assert options.status_code == 200 and options.json["rp"]["id"] == "localhost"
        added = browser.submit(
            "/account/second-factors/passkeys/new", {"name": "Laptop", "passkey_response": answer}
        )
        assert added.status_code == 200
        assert "Your passkey was not added" in text_of(added)
        set_up_app(browser, T0)
        browser.submit("/sign-out")
        again = signed_in(fresh_install, user)
        used = again.submit(SECOND_STEP, {"passkey": answer})
        assert used.status_code == 200
        assert "Your passkey could not be checked" in text_of(used)


def test_production_turns_the_waiver_off(make_app):
    assert production_app(make_app).config["SECOND_FACTOR_WAIVER_ALLOWED"] is False
