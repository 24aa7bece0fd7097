"""Adding and renaming clusters."""

from sqlalchemy import select

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
