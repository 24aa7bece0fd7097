"""Two people changing the same record: the second save is not lost, nor does it overwrite."""

import html
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from tas.extensions import db
from tas.organisations import services
from tas.organisations.forms import AgencyForm, ClusterForm, SchoolForm
from tas.organisations.models import Agency, Cluster, School, User
from tas.organisations.users.forms import UserForm
from tests import factories
from tests.pages import error_summary, field_value, page_text, saved, version_on


@dataclass
class Thing:
    model: type
    form: type
    path: str
    name_label: str
    make: object


THINGS = {
    "cluster": Thing(Cluster, ClusterForm, "clusters", "Name", factories.cluster),
    "school": Thing(School, SchoolForm, "schools", "Name", factories.school),
    "agency": Thing(Agency, AgencyForm, "agencies", "Name", factories.agency),
    "user": Thing(User, UserForm, "users", "Full name", lambda: factories.user(role="dsl")),
}


def as_posted(data: dict) -> dict:
    """A form's data as a browser posts it: ticked boxes as "y", unticked ones left out."""
    posted = {}
    for key, value in data.items():
        if value is True:
            posted[key] = "y"
        elif value not in (False, None):
            posted[key] = value
    return posted


@pytest.mark.parametrize("thing", THINGS)
def test_a_stale_edit_is_not_saved_and_shows_both_versions(login_as, thing):
    kind = THINGS[thing]
    admin = login_as("admin")
    row = kind.make()
    db.session.commit()
    url = f"/admin/{kind.path}/{row.id}"
    page = admin.get(url)
    mine = {**as_posted(kind.form.data_from(row)), "version": version_on(page), "name": "Mine"}

    row.name = "Theirs"  # someone else saves first
    db.session.commit()
    response = admin.submit(url, mine)

    assert response.status_code == 409
    assert error_summary(response) == {
        "saved-version": f"Someone else changed this {thing} while you were editing it"
    }
    text = page_text(response)
    assert "Question Your changes Saved version" in text
    assert f"{kind.name_label} Mine Theirs Different" in text
    # A question blank on both sides (a DSL's linked schools) is left out, and nothing shows
    # as "None".
    table = re.search(
        r"Saved version</th>(.*?)</table>", response.get_data(as_text=True), re.S
    ).group(1)
    assert "None" not in table
    if thing == "user":
        # A DSL on both sides: the questions only other roles are asked are left out.
        for other_roles in (
            "Schools this link worker is linked to",
            "their agency's safeguarding lead",
            "cover the whole district",
            "Clusters this person covers",
            "Agency",
        ):
            assert other_roles not in table, other_roles
        assert "School" in table
    assert field_value(response, "name") == "Mine"
    assert saved(kind.model, row.id).name == "Theirs"
    assert version_on(response) == str(saved(kind.model, row.id).version)

    again = admin.submit(url, {**mine, "version": version_on(response)})

    assert again.status_code == 302
    assert saved(kind.model, row.id).name == "Mine"


def test_a_stale_user_edit_compares_the_questions_either_role_is_asked(login_as):
    admin = login_as("admin")
    row, agency = factories.user(role="dsl"), factories.agency()
    db.session.commit()
    url = f"/admin/users/{row.id}"
    page = admin.get(url)
    mine = {**as_posted(UserForm.data_from(row)), "version": version_on(page)}
    mine.update(role="practitioner", agency=str(agency.id), school="")

    row.name = "Theirs"  # someone else saves first, leaving them a DSL
    db.session.commit()
    response = admin.submit(url, mine)
    assert response.status_code == 409, error_summary(response)
    table = response.get_data(as_text=True).split("Saved version</th>")[1]

    table = page_text_of(table.split("</table>")[0])
    assert "Role Practitioner Designated safeguarding lead Different" in table
    assert "This practitioner is their agency's safeguarding lead No No" in table
    assert "Agency" in table and "School" in table
    assert "cover the whole district" not in table
    assert "Schools this link worker is linked to" not in table


def page_text_of(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.commits  # another connection saves first, mid-flush
@pytest.mark.parametrize("thing", ["school", "user"])
def test_a_save_that_loses_a_race_at_the_last_moment_is_not_saved(login_as, thing):
    kind = THINGS[thing]
    admin = login_as("admin")
    row = kind.make()
    db.session.commit()
    url = f"/admin/{kind.path}/{row.id}"
    mine = {**as_posted(kind.form.data_from(row)), "name": "Mine"}
    raced = []

    def someone_else_saves_first(session, _context, _instances):
        if raced or not any(isinstance(changed, kind.model) for changed in session.dirty):
            return
        raced.append(True)
        table = kind.model.__table__
        with db.engine.begin() as other:
            other.execute(
                update(table)
                .where(table.c.id == row.id)
                .values(name="Theirs", version=table.c.version + 1)
            )

    event.listen(Session, "before_flush", someone_else_saves_first)
    try:
        response = admin.submit(url, mine)
    finally:
        event.remove(Session, "before_flush", someone_else_saves_first)

    assert raced and response.status_code == 409
    assert f"{kind.name_label} Mine Theirs Different" in page_text(response)
    assert saved(kind.model, row.id).name == "Theirs"


@pytest.mark.parametrize("thing", ["school", "user"])
def test_a_unique_value_taken_at_the_same_moment_is_a_field_error(login_as, monkeypatch, thing):
    admin = login_as("admin")
    school = factories.school(urn="100123")
    factories.user(role="dsl", email="dana@example.org")
    db.session.commit()
    real_check = services.taken
    checks = []

    def first_check_misses_the_other_save(model, values, **kwargs):
        checks.append(model)
        return {} if len(checks) == 1 else real_check(model, values, **kwargs)

    monkeypatch.setattr(services, "taken", first_check_misses_the_other_save)
    if thing == "school":
        form = {"name": "New", "urn": "100123", "phase": "primary", "cluster": school.cluster_id}
        response = admin.submit("/admin/schools/new", form)
        expected = {"urn": "A school with URN 100123 already exists"}
    else:
        form = {"name": "Sam", "email": "DANA@example.org", "role": "dsl", "school": school.id}
        response = admin.submit("/admin/users/new", form)
        expected = {"email": "A user with the email address dana@example.org already exists"}

    assert response.status_code == 200
    assert len(checks) == 2
    assert error_summary(response) == expected
    assert field_value(response, "name") == form["name"]
