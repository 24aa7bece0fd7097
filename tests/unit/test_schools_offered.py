"""A list's school filter: every school while they are few; past SCHOOLS_AT_ONCE, the schools of
the cluster chosen (a region's coordinators cover 1,600 schools)."""

from tas.core import choices
from tas.core.choices import CLUSTER_FIRST, SchoolsOffered, schools_offered

FEW = [("1", "Ash Primary", "10"), ("2", "Elm Academy", "20")]
MANY = [(str(n), f"School {n}", "10" if n % 2 else "20") for n in range(1, 203)]


def test_a_few_schools_are_all_offered_whatever_the_cluster():
    everything = SchoolsOffered([("1", "Ash Primary"), ("2", "Elm Academy")])
    assert schools_offered(FEW, "20", None) == everything


def test_many_schools_wait_for_a_cluster():
    assert schools_offered(MANY, None, None) == SchoolsOffered([], CLUSTER_FIRST)
    assert schools_offered(MANY, "", "") == SchoolsOffered([], CLUSTER_FIRST)


def test_many_schools_offer_those_of_the_cluster_chosen():
    offered = schools_offered(MANY, "10", None)
    assert len(offered.schools) == 101
    assert all(int(code) % 2 for code, _name in offered.schools)
    assert offered.hint == "The schools of the cluster chosen"


def test_a_school_chosen_without_its_cluster_keeps_its_clusters_schools():
    offered = schools_offered(MANY, None, "4")
    assert ("4", "School 4") in offered.schools
    assert all(int(code) % 2 == 0 for code, _name in offered.schools)


def test_the_limit_is_the_setting(monkeypatch):
    monkeypatch.setattr(choices, "SCHOOLS_AT_ONCE", 1)
    assert schools_offered(FEW, None, None) == SchoolsOffered([], CLUSTER_FIRST)
    assert schools_offered(FEW, "20", None).schools == [("2", "Elm Academy")]
