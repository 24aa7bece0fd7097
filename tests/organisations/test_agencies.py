"""Adding and changing agencies, GP practices with their ODS codes among them."""

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.organisations.models import Agency
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text, saved


def agency_form(**fields) -> dict:
    return {
        "name": "Westgate Surgery",
        "service_type": "gp_practice",
        "contact_email": "safeguarding.westgate@nhs.example",
        "ods_code": "B82005",
        **fields,
    }


def agencies() -> list[Agency]:
    db.session.expire_all()
    return list(db.session.scalars(select(Agency).order_by(Agency.id)))


def test_admin_adds_a_gp_practice_and_sees_it_in_the_list(login_as):
    admin = login_as("admin")

    response = admin.submit("/admin/agencies/new", agency_form(ods_code=" b82005 "))

    assert response.status_code == 302
    [agency] = agencies()
    assert (agency.ods_code, agency.service_type) == ("B82005", "gp_practice")
    listing = page_text(admin.get("/admin/agencies"))
    assert "Westgate Surgery GP practice safeguarding.westgate@nhs.example B82005" in listing
    [event] = audit_events("agency_added")
    assert event.target_id == agency.id and event.detail["ods_code"] == "B82005"


@pytest.mark.parametrize(
    ("ods_code", "message"),
    [
        ("", "Enter the GP practice's ODS code"),
        ("82005", "Enter an ODS code in the correct format, like B82005"),
        ("BB82005", "Enter an ODS code in the correct format, like B82005"),
    ],
)
def test_a_gp_practice_needs_a_correct_ods_code(login_as, ods_code, message):
    admin = login_as("admin")

    response = admin.submit("/admin/agencies/new", agency_form(ods_code=ods_code))

    assert response.status_code == 200
    assert error_summary(response) == {"ods_code": message}
    assert field_value(response, "name") == "Westgate Surgery"
    assert agencies() == []


def test_other_agencies_do_not_keep_an_ods_code(login_as):
    admin = login_as("admin")

    response = admin.submit(
        "/admin/agencies/new",
        agency_form(name="CAMHS", service_type="camhs", ods_code="B82005"),
    )

    assert response.status_code == 302
    [agency] = agencies()
    assert (agency.name, agency.ods_code) == ("CAMHS", None)


def test_names_and_ods_codes_already_used_are_refused(login_as):
    admin = login_as("admin")
    factories.agency(name="CAMHS", service_type="camhs")
    factories.agency(name="Westgate Surgery", service_type="gp_practice", ods_code="B82005")
    db.session.commit()

    same_name = admin.submit(
        "/admin/agencies/new", agency_form(name="camhs", service_type="camhs", ods_code="")
    )
    same_code = admin.submit("/admin/agencies/new", agency_form(name="Eastgate Surgery"))

    assert error_summary(same_name) == {"name": "An agency called camhs already exists"}
    assert error_summary(same_code) == {"ods_code": "An agency with ODS code B82005 already exists"}
    assert len(agencies()) == 2


def test_a_contact_email_must_be_an_email_address(login_as):
    admin = login_as("admin")

    response = admin.submit(
        "/admin/agencies/new", agency_form(contact_email="westgate surgery", service_type="")
    )

    assert error_summary(response) == {
        "service_type": "Select the agency's service",
        "contact_email": "Enter an email address in the correct format, like name@example.org",
    }
    assert field_value(response, "contact_email") == "westgate surgery"


def test_changing_an_agency_from_gp_practice_clears_its_ods_code(login_as):
    admin = login_as("admin")
    agency = factories.agency(name="Westgate", service_type="gp_practice", ods_code="B82005")
    db.session.commit()

    response = admin.submit(
        f"/admin/agencies/{agency.id}",
        agency_form(name="Westgate Hub", service_type="early_help", version=agency.version),
    )

    assert response.status_code == 302
    agency = saved(Agency, agency.id)
    assert (agency.name, agency.service_type, agency.ods_code) == (
        "Westgate Hub",
        "early_help",
        None,
    )
    [event] = audit_events("agency_changed")
    assert event.detail["ods_code"] == ["B82005", None]


def test_a_gp_practice_children_are_registered_with_stays_a_gp_practice(login_as):
    """Were Westgate to become the police, its 14 children would lose their practice from
    every list of practices, silently: it stays a practice, and the page says what to do."""
    admin = login_as("admin")
    westgate = factories.agency(name="Westgate", service_type="gp_practice", ods_code="B82005")
    factories.child(gp_practice=westgate)
    fim = factories.agency(name="Future in Mind", service_type="camhs")
    factories.user("practitioner", agency=fim)
    db.session.commit()

    away = admin.submit(
        f"/admin/agencies/{westgate.id}",
        agency_form(service_type="police", contact_email="", version=westgate.version),
    )
    into = admin.submit(
        f"/admin/agencies/{fim.id}",
        agency_form(name="Future in Mind", ods_code="Y01234", version=fim.version),
    )

    assert error_summary(away) == {
        "service_type": "Westgate is already in records as a GP practice, so it stays one. "
        "Add the other service as a new agency",
        "contact_email": "Enter the agency's secure contact email address",
    }
    assert error_summary(into) == {
        "service_type": "Future in Mind is already in records as another service, so it "
        "cannot become a GP practice. Add the practice as a new agency"
    }
    assert (saved(Agency, westgate.id).service_type, saved(Agency, westgate.id).ods_code) == (
        "gp_practice",
        "B82005",
    )
    assert saved(Agency, fim.id).service_type == "camhs"
    assert audit_events("agency_changed") == []
