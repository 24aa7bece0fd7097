"""Signing in and out through the real forms."""

from tas.extensions import db
from tests import factories


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
