"""Signing in and out through the real forms."""

import html
import re
from urllib.parse import urlencode

import pytest

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.pages import error_summary


def test_sign_in_page_has_the_form(client):
    page = client.get("/sign-in")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html


def test_home_redirects_a_signed_out_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"


def test_correct_password_signs_in_and_shows_home(app, visitor):
    user = factories.user(role="dsl", name="Dana Shah")
    db.session.commit()
    response = visitor.sign_in(user.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = visitor.get("/").get_data(as_text=True)
    assert "Welcome, Dana Shah" in home
    assert "Sign out" in home


@pytest.mark.parametrize(
    ("next_", "location"),
    [
        ("/account", "/account"),
        ("/admin/users?page=2", "/admin/users?page=2"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("\x08//evil.example", "/"),
    ],
)
def test_sign_in_returns_only_to_pages_on_this_site(app, visitor, next_, location):
    user = factories.user(role="dsl")
    db.session.commit()
    # As a browser does: follow a link to the sign-in page, then send its form.
    page = visitor.get("/sign-in?" + urlencode({"next": next_})).get_data(as_text=True)
    carried = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)
    data = {"email": user.email, "password": factories.PASSWORD, "next": html.unescape(carried)}
    response = visitor.submit("/sign-in", data)
    assert response.status_code == 302 and response.headers["Location"] == location
    # And a form posted with the bad value directly goes nowhere else either.
    other = factories.user(role="dsl")
    db.session.commit()
    data = {"email": other.email, "password": factories.PASSWORD, "next": next_}
    response = Visitor(app.test_client()).submit("/sign-in", data)
    assert response.status_code in (200, 302)
    assert response.headers.get("Location", "/") == location


def test_the_next_page_survives_the_sign_in_form(app, visitor):
    assert visitor.get("/account").headers["Location"] == "/sign-in?next=/account"
    page = visitor.get("/sign-in?next=/account").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in page


def test_a_signed_in_visitor_is_sent_home_from_the_sign_in_page(app, login_as):
    assert login_as("dsl").get("/sign-in").headers["Location"] == "/"


def test_a_wrong_password_is_not_shown_back(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    response = visitor.sign_in(user.email, "wrong password typed here")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in page
    assert "wrong password typed here" not in page


def test_sign_in_problems_are_said_once_and_in_plain_words(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()

    wrong = visitor.sign_in(user.email, "wrong password typed here")
    spaces = visitor.sign_in("   ", "anything at all")
    long = visitor.sign_in("a" * 300 + "@example.org", "x" * 1001)

    assert error_summary(wrong) == {"email": "Enter a correct email address and password"}
    assert error_summary(spaces) == {"email": "Enter your email address"}
    assert error_summary(long) == {
        "email": "The email address must be 254 characters or fewer",
        "password": "The password must be 1000 characters or fewer",
    }
