"""Adding and renaming clusters."""

import pytest
from sqlalchemy import func, select

from tas.extensions import db
from tas.organisations.models import Cluster
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text, saved


def test_admin_adds_a_cluster_and_renames_it(login_as):
    admin = login_as("admin")

    added = admin.submit("/admin/clusters/new", {"name": "Wakefield North"})
    cluster = db.session.scalar(select(Cluster))
    page = admin.get(f"/admin/clusters/{cluster.id}")
    renamed = admin.submit(
        f"/admin/clusters/{cluster.id}",
        {"name": "Wakefield North East", "version": field_value(page, "version")},
    )

    assert added.status_code == renamed.status_code == 302
    assert "Wakefield North East" in page_text(admin.get("/admin/clusters"))
    assert saved(Cluster, cluster.id).name == "Wakefield North East"
    assert [e.action for e in audit_events()][-2:] == ["cluster_added", "cluster_changed"]


def test_a_cluster_name_already_used_is_refused_whatever_its_capitals(login_as):
    admin = login_as("admin")
    factories.cluster(name="Wakefield North")
    db.session.commit()

    response = admin.submit("/admin/clusters/new", {"name": "WAKEFIELD NORTH"})

    assert response.status_code == 200
    assert error_summary(response) == {"name": "A cluster called WAKEFIELD NORTH already exists"}
    assert field_value(response, "name") == "WAKEFIELD NORTH"


def test_a_cluster_needs_a_name(login_as):
    admin = login_as("admin")

    response = admin.submit("/admin/clusters/new", {"name": ""})

    assert error_summary(response) == {"name": "Enter the cluster's name"}


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Wakefield  North", "Wakefield North"),
        ("Wakefield\u00a0\tNorth ", "Wakefield North"),
        ("Wakefield\u200b North", "Wakefield North"),
        ("Wake\u200bfield North", "Wakefield North"),
    ],
)
def test_a_name_that_differs_only_by_spaces_or_hidden_characters_is_taken(login_as, typed, shown):
    admin = login_as("admin")
    factories.cluster(name="Wakefield North")
    db.session.commit()

    response = admin.submit("/admin/clusters/new", {"name": typed})

    assert error_summary(response) == {"name": f"A cluster called {shown} already exists"}
    assert db.session.scalar(select(func.count(Cluster.id))) == 1


def test_a_name_is_saved_without_hidden_characters_or_doubled_spaces(login_as):
    admin = login_as("admin")

    added = admin.submit("/admin/clusters/new", {"name": " New\u200bCluster   East "})

    assert added.status_code == 302
    assert db.session.scalar(select(Cluster.name)) == "NewCluster East"
