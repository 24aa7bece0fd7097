"""Garbage into the children's forms: never a 500, and what was typed comes back (docs/security.md
E25). Lone surrogates go out as the invalid UTF-8 a careless client would send."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tests import factories

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())  # NUL and surrogates included
GARBAGE = st.text(alphabet=ANY_CHARACTER, max_size=600)
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 400, 409, 413}  # 409: a version that is not the saved one


def post(browser, url: str, fields: list[tuple[str, str]]):
    token = browser.token(url)
    pairs = [("csrf_token", token), *fields]
    body = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])
    return browser.client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def test_the_child_form_and_search_survive_anything(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school)
    db.session.commit()

    @FUZZ
    @given(
        text=GARBAGE,
        day=st.one_of(GARBAGE, st.sampled_from(["1", "31", "0", "-1", "99999999999999999999"])),
        choice=st.one_of(GARBAGE, st.sampled_from(["", "-1", "13", "1e3", "99999999999999999"])),
    )
    @example(text="\x00", day="1", choice="")
    @example(text="Ann\ud800", day="\udfff", choice="\x00")
    @example(text="", day="2200000000", choice="")  # once a 500: too big for a date
    def fuzz(text, day, choice):
        date_parts = [("date_of_birth", day), ("date_of_birth", "5"), ("date_of_birth", "2016")]
        child_fields = [
            ("first_name", text),
            ("last_name", "Smith"),
            *date_parts,
            ("year_group", choice),
            ("gp_practice", choice),
            ("upn", text),
            ("nhs_number", text),
            ("known_to", text),
            ("version", choice),
        ]
        for url in ("/children/new", f"/children/{child.id}/details"):
            assert post(dsl, url, child_fields).status_code in ALLOWED
        search = [("name", text), *date_parts, ("nhs_number", text), ("page", choice)]
        assert post(dsl, "/children", search).status_code in ALLOWED
        family = [
            ("name", text),
            ("relationship_to_child", text),
            ("parental_responsibility", choice),
            ("lives_with_child", choice),
            ("safe_contact_warning", text),
        ]
        assert post(dsl, f"/children/{child.id}/family/new", family).status_code in ALLOWED
        school = [("school", choice), ("version", "0")]  # never the saved version: no move
        assert post(dsl, f"/children/{child.id}/school", school).status_code in ALLOWED

    fuzz()


def test_a_nul_byte_gets_a_clear_message_and_the_rest_is_kept(login_as):
    dsl = login_as("dsl")
    response = post(
        dsl,
        "/children/new",
        [("first_name", "Ann\x00"), ("last_name", "Smith"), ("preferred_language", "Welsh")],
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "First name contains characters that cannot be used" in body
    assert 'value="Welsh"' in body and 'value="Smith"' in body
