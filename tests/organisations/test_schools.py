"""Adding and changing schools through the admin screens."""

import pytest
from sqlalchemy import func, select

from tas.extensions import db
from tas.organisations.models import School, User
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text, saved


def school_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(School.id)))


def test_admin_adds_a_school_and_sees_it_in_the_list(login_as):
    admin = login_as("admin")
    cluster = factories.cluster(name="Wakefield North")
    db.session.commit()

    response = admin.submit(
        "/admin/schools/new",
        {"name": " Oakfield Primary ", "urn": "100 123", "phase": "primary", "cluster": cluster.id},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/schools"
    listing = page_text(admin.get("/admin/schools"))
    assert "Oakfield Primary has been added" in listing
    assert "Oakfield Primary 100123 Primary Wakefield North" in listing


@pytest.mark.parametrize(
    ("urn", "message"),
    [
        ("", "Enter the school's URN"),
        ("12345", "Enter a URN in the correct format, like 100123"),
        ("1001234", "Enter a URN in the correct format, like 100123"),
        ("10012x", "Enter a URN in the correct format, like 100123"),
        ("012345", "Enter a URN in the correct format, like 100123"),
    ],
)
def test_a_bad_urn_is_explained_and_what_was_typed_is_kept(login_as, urn, message):
    admin = login_as("admin")
    cluster = factories.cluster()
    db.session.commit()

    response = admin.submit(
        "/admin/schools/new",
        {"name": "Castle Academy", "urn": urn, "phase": "secondary", "cluster": cluster.id},
    )

    assert response.status_code == 200
    assert error_summary(response) == {"urn": message}
    assert field_value(response, "name") == "Castle Academy"
    assert field_value(response, "urn") == urn
    assert 'value="secondary" checked' in response.get_data(as_text=True)
    assert school_count() == 0


def test_a_urn_already_used_is_refused_when_adding_or_changing(login_as):
    admin = login_as("admin")
    factories.school(name="Oakfield Primary", urn="100123")
    other = factories.school(name="Castle Academy", urn="100456")
    db.session.commit()

    added = admin.submit(
        "/admin/schools/new",
        {"name": "New School", "urn": "100123", "phase": "primary", "cluster": other.cluster_id},
    )
    changed = admin.submit(
        f"/admin/schools/{other.id}",
        {
            "name": "Castle Academy",
            "urn": "100123",
            "phase": "primary",
            "cluster": other.cluster_id,
            "version": other.version,
        },
    )

    for response in (added, changed):
        assert response.status_code == 200
        assert error_summary(response) == {"urn": "A school with URN 100123 already exists"}
    assert school_count() == 2
    assert saved(School, other.id).urn == "100456"


def test_a_school_name_already_used_is_refused_whatever_its_capitals(login_as):
    """Two schools of one name would be one name twice in every list of schools."""
    admin = login_as("admin")
    factories.school(name="Oakfield Primary", urn="100123")
    other = factories.school(name="Castle Academy", urn="100456")
    db.session.commit()

    added = admin.submit(
        "/admin/schools/new",
        {"name": "oakfield primary", "urn": "100789", "phase": "primary", "cluster": ""},
    )
    changed = admin.submit(
        f"/admin/schools/{other.id}",
        {
            "name": "OAKFIELD PRIMARY",
            "urn": "100456",
            "phase": "primary",
            "cluster": other.cluster_id,
            "version": other.version,
        },
    )

    assert error_summary(added)["name"] == (
        "A school called oakfield primary already exists. If this is another school, add "
        "where it is to its name, like St Mary's Primary, Alton"
    )
    assert error_summary(changed) == {
        "name": "A school called OAKFIELD PRIMARY already exists. If this is another school, "
        "add where it is to its name, like St Mary's Primary, Alton"
    }
    assert school_count() == 2
    assert saved(School, other.id).name == "Castle Academy"


def test_every_missing_or_unusable_answer_is_explained_at_once(login_as):
    admin = login_as("admin")
    db.session.commit()

    response = admin.submit(
        "/admin/schools/new", {"name": "   ", "urn": "", "phase": "castle", "cluster": "999"}
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "name": "Enter the school's name",
        "urn": "Enter the school's URN",
        "phase": "Select the school's phase",
        "cluster": "Select the school's cluster",
    }
    assert page_text(response).startswith("Error: Add a school")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Oak\x00field", "Name contains characters that cannot be used"),
        ("O" * 161, "Name must be 160 characters or fewer"),
    ],
)
def test_garbage_in_a_field_gives_an_error_not_a_failure(login_as, name, message):
    admin = login_as("admin")
    cluster = factories.cluster()
    db.session.commit()

    response = admin.submit(
        "/admin/schools/new",
        {"name": name, "urn": "100123", "phase": "primary", "cluster": cluster.id},
    )

    assert response.status_code == 200
    assert error_summary(response)["name"].startswith(message)
    assert school_count() == 0


def test_changing_a_school_is_saved_and_audited(login_as):
    admin = login_as("admin")
    school = factories.school(name="Oakfield Primary", urn="100123", phase="primary")
    moved_to = factories.cluster(name="Wakefield South")
    db.session.commit()
    page = admin.get(f"/admin/schools/{school.id}")
    assert field_value(page, "name") == "Oakfield Primary"

    response = admin.submit(
        f"/admin/schools/{school.id}",
        {
            "name": "Oakfield Primary Academy",
            "urn": "100123",
            "phase": "primary",
            "cluster": moved_to.id,
            "version": field_value(page, "version"),
        },
    )

    assert response.status_code == 302
    school = saved(School, school.id)
    assert (school.name, school.cluster.name, school.version) == (
        "Oakfield Primary Academy",
        "Wakefield South",
        2,
    )
    [event] = audit_events("school_changed")
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.user.id,
        "School",
        school.id,
    )
    assert event.detail["name"] == ["Oakfield Primary", "Oakfield Primary Academy"]
    assert event.detail["cluster_id"][1] == moved_to.id
    assert "urn" not in event.detail


def test_fields_that_are_not_on_the_form_are_ignored(login_as):
    admin = login_as("admin")
    school = factories.school(name="Oakfield Primary", urn="100123")
    other = factories.school(name="Castle Academy", urn="100456")
    db.session.commit()

    response = admin.submit(
        f"/admin/schools/{school.id}",
        {
            "name": "Oakfield Primary",
            "urn": "100123",
            "phase": "special",
            "cluster": school.cluster_id,
            "version": school.version,
            "id": other.id,
            "role": "admin",
            "cluster_id": other.cluster_id,
        },
    )

    assert response.status_code == 302
    assert saved(School, school.id).phase == "special"
    assert saved(School, school.id).cluster_id == school.cluster_id
    assert saved(School, other.id).phase == "primary"
    assert saved(User, admin.user.id).role == "admin"


def test_an_unknown_school_is_not_found(login_as):
    admin = login_as("admin")
    assert admin.get("/admin/schools/999").status_code == 404


def test_two_schools_that_already_share_a_name_can_still_be_changed(login_as):
    """Names had to differ only from December 2026: two schools named alike before keep their
    names, and each can still be changed."""
    admin = login_as("admin")
    first = factories.school(name="St Joseph's Catholic Primary", urn="100123")
    factories.school(name="St Joseph's Catholic Primary", urn="100456")
    db.session.commit()

    changed = admin.submit(
        f"/admin/schools/{first.id}",
        {
            "name": "St Joseph's Catholic Primary",
            "urn": "100124",
            "phase": "primary",
            "cluster": first.cluster_id,
            "version": first.version,
        },
    )

    assert changed.status_code == 302
    assert saved(School, first.id).urn == "100124"


def test_a_name_of_characters_that_show_nothing_is_missing(login_as):
    """Pasted zero-width spaces and a byte order mark look empty, and are: the name is asked
    for, never saved blank."""
    admin = login_as("admin")
    cluster = factories.cluster()
    db.session.commit()

    response = admin.submit(
        "/admin/schools/new",
        {"name": "\u200b \ufeff\u200b", "urn": "100789", "phase": "primary", "cluster": cluster.id},
    )
    kept = admin.submit(
        "/admin/schools/new",
        {
            "name": "\u200bHill\u00adside Academy\u200b",
            "urn": "100790",
            "phase": "primary",
            "cluster": cluster.id,
        },
    )

    assert error_summary(response) == {"name": "Enter the school's name"}
    assert kept.status_code == 302
    # Inside the name too they only hide that it is the name already saved (a duplicate).
    assert db.session.scalar(select(School.name).where(School.urn == "100790")) == (
        "Hillside Academy"
    )


def test_a_rename_that_differs_only_by_doubled_spaces_is_the_same_name(login_as):
    admin = login_as("admin")
    factories.school(name="Castle Academy", urn="100123")
    other = factories.school(name="Oakfield Primary", urn="100456")
    db.session.commit()

    changed = admin.submit(
        f"/admin/schools/{other.id}",
        {
            "name": "Castle  Academy",
            "urn": "100456",
            "phase": "primary",
            "cluster": other.cluster_id,
            "version": other.version,
        },
    )

    assert error_summary(changed)["name"].startswith("A school called Castle Academy already")
    assert saved(School, other.id).name == "Oakfield Primary"
