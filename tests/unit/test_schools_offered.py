"""A list's school filter: every school while they are few; past SCHOOLS_AT_ONCE, the schools of
the cluster chosen (a region's coordinators cover 1,600 schools in 60 clusters)."""

import pytest

from tas.core import choices
from tas.core.choices import CLUSTER_CHOSEN, CLUSTER_FIRST, SchoolsListed, record_id, schools_listed

EVERYTHING = SchoolsListed(everything=True)


def test_a_few_schools_are_all_listed_whatever_the_cluster():
    assert schools_listed(2, 2, "20", None) == EVERYTHING
    assert schools_listed(choices.SCHOOLS_AT_ONCE, 9, None, "4") == EVERYTHING


def test_many_schools_in_one_cluster_are_all_listed_with_no_cluster_to_choose():
    assert schools_listed(1600, 1, None, None) == EVERYTHING


def test_many_schools_wait_for_a_cluster():
    expected = SchoolsListed(everything=False, hint=CLUSTER_FIRST)
    assert schools_listed(1600, 60, None, None) == expected
    assert schools_listed(1600, 60, "", "") == expected


def test_many_schools_list_those_of_the_cluster_chosen():
    assert schools_listed(1600, 60, "10", None) == SchoolsListed(
        everything=False, cluster_id=10, hint=CLUSTER_CHOSEN
    )
    assert schools_listed(1600, 60, "10", "4").cluster_id == 10


def test_a_school_chosen_without_its_cluster_keeps_its_clusters_schools():
    assert schools_listed(1600, 60, None, "4") == SchoolsListed(
        everything=False, cluster_of_school_id=4, hint=CLUSTER_CHOSEN
    )


def test_the_limit_is_the_setting(monkeypatch):
    monkeypatch.setattr(choices, "SCHOOLS_AT_ONCE", 1)
    assert schools_listed(2, 2, None, None).hint == CLUSTER_FIRST
    assert schools_listed(2, 2, "20", None).cluster_id == 20


@pytest.mark.parametrize(
    "typed", [None, "", " ", "abc", "-1", "0", "1.5", "²", "99999999999", str(2**31)]
)
def test_what_cannot_be_an_id_is_no_choice(typed):
    assert record_id(typed) is None
    assert schools_listed(1600, 60, typed, typed).hint == CLUSTER_FIRST


def test_an_id_is_read_as_typed():
    assert record_id("4") == 4
    assert record_id(" 4 ") == 4  # as a form sends it, spaces and all
    assert record_id(str(2**31 - 1)) == 2**31 - 1
