"""Issue 16's journeys in Chromium: a passkey registered with Chromium's virtual authenticator
(the DevTools WebAuthn domain, through Playwright's CDP session), used to sign in, then removed;
an authenticator app set up and used with codes computed here, with the keyboard alone; a
recovery code used once, then refused; "Confirm it is you" before a powerful action. Every page
passes axe-core. Each journey has an account of its own on the demo's live server, so the demo's
accounts keep signing in with a password alone for the other journeys."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.keyboard import press_tab_to, type_into
from tests.browser.meeting_steps import banner, look, shows_errors

_accounts = itertools.count(1)


def new_account(server, role: str = "practitioner") -> str:
    """A new account on the live server (the demo waives the requirement for everyone, so the
    person chooses to set up a second factor, as they may)."""
    email = f"second-factor-{next(_accounts)}-{role}@demo.tas.test"
    with server.app.app_context():
        factories.user(role, email=email, password=PASSWORD)
        db.session.commit()
        db.session.remove()
    return email


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def open_second_factors(page: Page) -> None:
    page.get_by_role("link", name="Your account").click()
    page.get_by_role(
        "link", name="Manage your passkeys, authenticator app and recovery codes"
    ).click()
    expect(page.locator("h1")).to_have_text("Your second factors")


@contextmanager
def virtual_authenticator(page: Page) -> Iterator[tuple]:
    """Chromium's virtual authenticator: a platform passkey that verifies the person at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    try:
        yield cdp, added["authenticatorId"]
    finally:
        cdp.send("WebAuthn.disable")


def test_a_passkey_is_added_used_to_sign_in_and_removed(open_page, server):
    email = new_account(server, "dsl")
    # A passkey's relying party is a host name, never an IP address: open the service at
    # localhost (docs/stack.md).
    watched = open_page(base_url=server.url.replace("127.0.0.1", "localhost"))
    page = watched.page
    with virtual_authenticator(page) as (cdp, authenticator):
        sign_in(page, email)
        open_second_factors(page)
        look(page, "second-factors-none")
        page.get_by_role("link", name="Add a passkey").click()
        expect(page.locator("h1")).to_have_text("Set up a passkey")
        page.get_by_role("button", name="Add the passkey").click()
        shows_errors(page, "passkey-no-name", "Enter a name for this passkey")
        page.get_by_label("Name this passkey").fill("Work laptop")
        look(page, "passkey-add")
        page.get_by_role("button", name="Add the passkey").click()
        expect(page.locator("h1")).to_have_text("Save your recovery codes")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        look(page, "passkey-recovery-codes")
        page.get_by_role("link", name="I have saved my recovery codes").click()
        stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        assert len(stored["credentials"]) == 1

        sign_out(page)
        sign_in(page, email)
        expect(page.locator("h1")).to_have_text("Confirm it is you")
        look(page, "passkey-sign-in")
        press_tab_to(page, page.get_by_role("button", name="Use your passkey"))
        page.keyboard.press("Enter")  # the keyboard alone
        page.wait_for_url("**/")
        expect(page.get_by_role("link", name="Your account")).to_be_visible()

        open_second_factors(page)
        expect(page.locator("main")).to_contain_text("Work laptop")
        look(page, "second-factors-passkey")
        page.get_by_role("button", name="Remove the passkey Work laptop").click()
        banner(page, "The passkey ‘Work laptop’ has been removed")
        expect(page.locator("main")).to_contain_text("You have no passkeys")
    assert watched.unexpected_errors() == []


def test_an_authenticator_app_and_a_recovery_code_with_the_keyboard_alone(open_page, server):
    email = new_account(server, "link_worker")
    watched = open_page()
    page = watched.page
    sign_in(page, email)
    page.goto("/account/second-factors/app")
    expect(page.locator("h1")).to_have_text("Set up an authenticator app")
    expect(page.locator(".tas-qr-code svg")).to_be_visible()
    look(page, "authenticator-app-set-up")
    secret = page.locator("#app-key").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    type_into(page, "Code from your authenticator app", "12345")
    page.keyboard.press("Enter")
    shows_errors(page, "authenticator-app-short-code", "The code must be 6 digits, like 123456")
    type_into(page, "Code from your authenticator app", app.now())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Save your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    sign_out(page)
    sign_in(page, email)
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    look(page, "authenticator-app-sign-in")
    type_into(page, "Code from your authenticator app", "000000" if app.now() != "000000" else "1")
    page.keyboard.press("Enter")
    shows_errors(page, "authenticator-app-wrong-code", "That code is not right")
    # The code used to set it up counts once: the next one (one step of drift) signs in.
    next_code = app.at(datetime.now(UTC) + timedelta(seconds=30))
    type_into(page, "Code from your authenticator app", next_code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Your account")).to_be_visible()

    sign_out(page)
    sign_in(page, email)
    page.get_by_role("link", name="Use one of your recovery codes").click()
    look(page, "recovery-code")
    type_into(page, "Recovery code", codes[0])
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your second factors")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "You signed in with a recovery code"
    )
    expect(page.locator("main")).to_contain_text("You have 9 recovery codes left")

    sign_out(page)
    sign_in(page, email)
    page.get_by_role("link", name="Use one of your recovery codes").click()
    type_into(page, "Recovery code", codes[0])
    page.keyboard.press("Enter")
    shows_errors(page, "recovery-code-used", "That recovery code is not right, or was used already")
    assert watched.unexpected_errors() == []


def test_confirm_it_is_you_before_new_recovery_codes(open_page, server):
    email = new_account(server, "coordinator")
    page = open_page().page
    sign_in(page, email)
    page.goto("/account/second-factors/app")
    app = pyotp.TOTP(page.locator("#app-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill(app.now())
    page.get_by_role("button", name="Set up the authenticator app").click()
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.goto("/account/second-factors")
    minutes = server.app.config["FRESH_SIGN_IN_MINUTES"]
    server.app.config["FRESH_SIGN_IN_MINUTES"] = 0  # as if the sign-in were long ago
    try:
        page.get_by_role("button", name="Get new recovery codes").click()
        expect(page.locator("h1")).to_have_text("Confirm it is you")
        expect(page.locator("main")).to_contain_text("You are about to change your second factors")
        look(page, "confirm-it-is-you")
        page.get_by_label("Code from your authenticator app").fill(
            app.at(datetime.now(UTC) + timedelta(seconds=30))
        )
        page.get_by_role("button", name="Confirm and continue").click()
        expect(page.locator("h1")).to_have_text("Save your recovery codes")
    finally:
        server.app.config["FRESH_SIGN_IN_MINUTES"] = minutes


def test_the_set_up_and_reset_pages_pass_axe(open_page, server):
    email = new_account(server, "school_staff")
    page = open_page().page
    sign_in(page, email)
    page.goto("/sign-in/set-up-second-factor")
    expect(page.get_by_role("link", name="Set up an authenticator app")).to_be_visible()
    look(page, "second-factor-set-up-choice")
    # An app set up, so that the administrator has something to reset (a person with none is
    # told there is nothing to reset).
    page.get_by_role("link", name="Set up an authenticator app").click()
    secret = page.locator("#app-key").inner_text().replace(" ", "")
    type_into(page, "Code from your authenticator app", pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Save your recovery codes")
    sign_out(page)
    sign_in(page, "admin@demo.tas.test")
    with server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    page.goto(f"/admin/users/{user_id}/second-factors/reset")
    page.get_by_role("button", name="Reset second factors").click()
    shows_errors(page, "reset-no-reason", "Enter why you are resetting")
    look(page, "second-factors-reset-reason")
