"""How a suggested invitee of a handover (TAF) meeting reads on the booking page."""

from __future__ import annotations

from tas.levels.handover.services import Invitee
from tas.organisations.models import Agency


def test_an_agency_named_after_its_service_is_not_named_twice():
    social_care = Agency(name="Children's Social Care", service_type="social_care")
    guessed = Invitee(
        social_care, None, "Children's Social Care", social_worker="Sam Social", ticked=False
    )
    assert guessed.label == "Children's Social Care (Sam Social), not recorded as involved"


def test_an_involved_agency_says_its_service_and_who_comes():
    nursing = Agency(name="0-19 Service", service_type="health")
    involved = Invitee(nursing, None, "Growth and toileting checks")
    assert involved.label == "0-19 Service: Growth and toileting checks"
