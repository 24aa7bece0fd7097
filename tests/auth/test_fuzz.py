"""Garbage into the public forms: never a 500, and a clear message for NUL bytes
(docs/security.md E25).

Browsers send form fields as UTF-8; a lone surrogate cannot be encoded, so it goes out as the
bytes a careless client would send (invalid UTF-8), which the server must survive too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tests import factories
from tests.auth.helpers import password_link
from tests.conftest import Visitor

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())  # NUL and surrogates included
GARBAGE = st.text(alphabet=ANY_CHARACTER, max_size=3000)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 400, 413, 429}
UNUSABLE_MESSAGE = "contains characters that cannot be used"
HUGE = "x" * 1_100_000


def _post(client, url: str, fields: dict[str, str]):
    body = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in fields.items()})
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def _check(response, fields: dict[str, str]) -> None:
    assert response.status_code in ALLOWED, response.status_code
    if response.status_code == 200 and any("\x00" in value for value in fields.values()):
        assert UNUSABLE_MESSAGE in response.get_data(as_text=True)


def test_the_sign_in_form_survives_anything(app):
    user = factories.user(role="dsl")
    db.session.commit()

    @FUZZ
    @given(
        email=st.one_of(GARBAGE, st.just(user.email)),
        password=st.one_of(GARBAGE, st.just(factories.PASSWORD)),
        next_=st.one_of(GARBAGE, st.sampled_from(["//evil", "/\\evil", "/account", "/\x00"])),
    )
    @example(email="\x00", password="\x00", next_="")
    @example(email=user.email, password=factories.PASSWORD + "\x00", next_="")
    @example(email=user.email, password=factories.PASSWORD, next_="/caf\u00e9\u2603")
    @example(email=user.email + "\ud800", password="\udfff", next_="/\ud800")
    @example(email=HUGE, password="x", next_="")
    @example(email="x" * 300, password="y" * 5000, next_="/" + "z" * 5000)
    def fuzz(email, password, next_):
        visitor = Visitor(app.test_client())
        fields = {
            "csrf_token": visitor.token("/sign-in"),
            "email": email,
            "password": password,
            "next": next_,
        }
        response = _post(visitor.client, "/sign-in", fields)
        _check(response, fields)
        if response.status_code == 302:
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\"))
            assert location.isascii()

    fuzz()


def test_a_nul_byte_gets_a_clear_message(app, visitor):
    response = _post(
        visitor.client,
        "/sign-in",
        {"csrf_token": visitor.token(), "email": "dana@example.org\x00", "password": "x"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address contains characters that cannot be used" in html
    assert 'class="govuk-error-summary' in html


def test_the_password_reset_form_survives_anything(app):
    user = factories.user(role="dsl")
    db.session.commit()

    @FUZZ
    @given(email=st.one_of(GARBAGE, st.just(user.email), GARBAGE.map(lambda s: s + "@x.org")))
    @example(email="\x00")
    @example(email=user.email + "\x00")
    @example(email="a\x00@example.org")
    @example(email="\ud800@example.org")
    @example(email=HUGE)
    @example(email="x" * 64 + "@" + "y" * 250 + ".org")
    def fuzz(email):
        visitor = Visitor(app.test_client())
        fields = {"csrf_token": visitor.token("/password-reset"), "email": email}
        response = _post(visitor.client, "/password-reset", fields)
        _check(response, fields)
        if "\x00" in email and response.status_code == 200:
            assert "Email address " + UNUSABLE_MESSAGE in response.get_data(as_text=True)

    fuzz()


def test_the_new_password_form_survives_anything(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    # Each example asks for a fresh link: the hourly limits on password links (tested in
    # test_password_link_throttle.py) would stop them after a few.
    app.config.update(
        PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR=1000, PASSWORD_RESETS_PER_ADDRESS_PER_HOUR=1000
    )

    @FUZZ
    @given(new=GARBAGE, confirm=st.one_of(GARBAGE, st.just("same")))
    @example(new="ocean piano fig\x00", confirm="same")
    @example(new="\ud800" * 20, confirm="same")
    @example(new="x" * 100_000, confirm="same")
    def fuzz(new, confirm):
        confirm = new if confirm == "same" else confirm
        visitor.submit("/password-reset", {"email": user.email})  # a fresh link each time
        path = "/password/" + password_link(user.email)[1]
        fields = {
            "csrf_token": visitor.token(path),
            "new_password": new,
            "confirm_password": confirm,
        }
        response = _post(visitor.client, path, fields)
        _check(response, fields)

    fuzz()
