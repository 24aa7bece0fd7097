"""An administrator creating an account, or changing who holds one or what it reaches, is
audited and told to the people who answer for where it works, and to the other administrators,
so nobody can quietly give themselves access to children (issue 11, section 7)."""

from __future__ import annotations

from email.message import EmailMessage

from tas.extensions import db
from tests import factories
from tests.organisations.test_users import user_by_email, user_form
from tests.pages import audit_events, emails, field_value, page_text, queued_emails

BASE = "https://tas.example.org"


def by_recipient() -> dict[str, EmailMessage]:
    """Every email sent, by its one recipient's address."""
    found = {}
    for message in emails():
        [address] = message["To"].addresses
        assert address.addr_spec not in found, f"two emails to {address.addr_spec}"
        found[address.addr_spec] = message
    return found


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def change_form(browser, user, **fields) -> dict:
    """The change form as the browser has it, with some answers changed."""
    page = browser.get(f"/admin/users/{user.id}")
    school = str(user.school_id or "")
    agency = str(user.agency_id or "")
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "school": school,
        "agency": agency,
        "district_wide": "yes" if user.district_wide else "no",
        "version": field_value(page, "version"),
        **fields,
    }


def test_admin_creating_a_dsl_is_audited_and_emailed_to_the_school_dsl(login_as):
    school = factories.school(name="Oakfield Primary")
    dsl = factories.user("dsl", school=school, name="Ada Lead")
    other_admin = factories.user("admin", name="Olu Admin")
    factories.user("admin", active=False, email="gone.admin@example.org")
    factories.user("dsl", email="elsewhere.dsl@example.org")  # another school's DSL
    factories.user("coordinator", email="district@example.org")
    admin = login_as("admin", name="Alex Admin", email="alex.admin@example.org")

    response = admin.submit("/admin/users/new", user_form(school=school.id))
    response.close()  # as a web server does: the queued emails go out then

    assert response.status_code == 302
    dana = user_by_email("dana.shah@oakfield.example")
    sent = by_recipient()
    assert set(sent) == {dana.email, dsl.email, other_admin.email}  # not Alex: it was Alex
    for address in (dsl.email, other_admin.email):
        message = sent[address]
        assert message["Subject"] == "A new account was created at Oakfield Primary"
        body = text_of(message)
        assert "Alex Admin (alex.admin@example.org), an administrator, created a new account" in (
            body
        )
        assert "Account: Dana Shah" in body
        assert "Role: Designated safeguarding lead" in body
        assert "School: Oakfield Primary" in body
        assert "/password/" not in body
    assert "You are told because you are a designated safeguarding lead at Oakfield Primary" in (
        text_of(sent[dsl.email])
    )
    assert f"{BASE}/" in text_of(sent[dsl.email]).splitlines()
    assert f"{BASE}/admin/users/{dana.id}" in text_of(sent[other_admin.email])

    [event] = audit_events("user_added")
    assert (event.actor_id, event.target_id) == (admin.user.id, dana.id)
    assert (event.detail["role"], event.detail["school_id"]) == ("dsl", school.id)
    assert event.detail["told"] == sorted([dsl.id, other_admin.id])
    assert not any("password" in key or "token" in key for key in event.detail)


def test_admin_creating_a_practitioner_is_emailed_to_the_agency_safeguarding_leads(login_as):
    camhs = factories.agency(name="CAMHS North", service_type="camhs")
    lead = factories.user("practitioner", agency=camhs, is_safeguarding_lead=True)
    colleague = factories.user("practitioner", agency=camhs)
    leaderless = factories.agency(
        name="Moor Surgery", service_type="gp_practice", ods_code="B82005"
    )
    admin = login_as("admin")

    admin.submit(
        "/admin/users/new", user_form(role="practitioner", agency=camhs.id, email="p1@camhs.test")
    ).close()
    admin.submit(
        "/admin/users/new", user_form(role="gp", agency=leaderless.id, email="gp@moor.test")
    ).close()

    sent = by_recipient()
    assert set(sent) == {"p1@camhs.test", "gp@moor.test", lead.email, leaderless.contact_email}
    assert colleague.email not in sent
    assert sent[lead.email]["Subject"] == "A new account was created at CAMHS North"
    assert "Agency: CAMHS North" in text_of(sent[lead.email])
    # An agency with no safeguarding lead on the service hears at its contact address.
    assert sent[leaderless.contact_email]["Subject"] == "A new account was created at Moor Surgery"
    gp_added = audit_events("user_added")[-1]
    assert gp_added.detail["told_agency_contacts"] == [leaderless.id]


def test_admin_creating_a_coordinator_is_emailed_to_other_admins_and_district_coordinators(
    login_as,
):
    district = factories.user("coordinator", district_wide=True)
    some_clusters = factories.user(
        "coordinator", district_wide=False, clusters=[factories.cluster()]
    )
    other_admin = factories.user("admin")
    admin = login_as("admin")

    admin.submit("/admin/users/new", user_form(role="coordinator", district_wide="yes")).close()

    sent = by_recipient()
    assert set(sent) == {"dana.shah@oakfield.example", district.email, other_admin.email}
    assert some_clusters.email not in sent
    assert sent[district.email]["Subject"] == "A new coordinator account was created"
    body = text_of(sent[district.email])
    assert "Covers the whole district: Yes" in body
    assert "you are a coordinator for the whole district" in body


def test_admin_changing_a_users_email_is_audited_and_emailed_to_the_old_address_and_the_dsl(
    login_as,
):
    school = factories.school(name="Oakfield Primary")
    dsl = factories.user("dsl", school=school)
    staff = factories.user("school_staff", school=school, email="sam@oakfield.test")
    other_admin = factories.user("admin")
    admin = login_as("admin", name="Alex Admin")

    response = admin.submit(
        f"/admin/users/{staff.id}", change_form(admin, staff, email="sam@elsewhere.test")
    )
    response.close()

    assert response.status_code == 302
    sent = by_recipient()
    assert set(sent) == {"sam@oakfield.test", dsl.email, other_admin.email}
    for message in sent.values():
        assert message["Subject"] == "Email address changed for an account at Oakfield Primary"
        body = text_of(message)
        assert "Alex Admin" in body and "changed an account" in body
        assert "Email address: was sam@oakfield.test, now sam@elsewhere.test" in body
    assert "You are told because this is your account" in text_of(sent["sam@oakfield.test"])
    [event] = audit_events("user_changed")
    assert (event.actor_id, event.target_id) == (admin.user.id, staff.id)
    assert event.detail["email"] == ["sam@oakfield.test", "sam@elsewhere.test"]
    assert event.detail["told"] == sorted([staff.id, dsl.id, other_admin.id])


def test_admin_changing_a_role_is_audited_with_old_and_new_role_and_emailed(login_as):
    camhs = factories.agency(name="CAMHS North", service_type="camhs")
    lead = factories.user("practitioner", agency=camhs, is_safeguarding_lead=True)
    nurse = factories.user("practitioner", agency=camhs, email="nurse@camhs.test")
    district = factories.user("coordinator", district_wide=True)
    admin = login_as("admin")

    admin.submit(
        f"/admin/users/{nurse.id}",
        change_form(admin, nurse, role="coordinator", district_wide="yes"),
    ).close()

    sent = by_recipient()
    assert set(sent) == {"nurse@camhs.test", lead.email, district.email}
    assert {m["Subject"] for m in sent.values()} == {"Role changed for a coordinator account"}
    body = text_of(sent[lead.email])
    assert "Role: was Practitioner, now Coordinator" in body
    assert "Covers the whole district: was No, now Yes" in body
    [event] = audit_events("user_changed")
    assert event.detail["role"] == ["practitioner", "coordinator"]
    assert event.detail["told"] == sorted([nurse.id, lead.id, district.id])


def test_a_change_of_name_alone_is_audited_and_emails_nobody(login_as):
    dsl = factories.user("dsl", name="Dana Shah")
    factories.user("admin")
    admin = login_as("admin")

    response = admin.submit(f"/admin/users/{dsl.id}", change_form(admin, dsl, name="Dana Khan"))

    assert response.status_code == 302
    assert queued_emails() == []
    [event] = audit_events("user_changed")
    assert event.detail == {"name": ["Dana Shah", "Dana Khan"]}


def test_a_user_saved_as_they_were_says_nothing_was_saved_and_tells_nobody(login_as):
    dsl = factories.user("dsl", name="Dana Shah")
    admin = login_as("admin")

    response = admin.submit(f"/admin/users/{dsl.id}", change_form(admin, dsl))

    assert response.status_code == 302
    shown = page_text(admin.get(response.location))
    assert "You did not change anything, so nothing has been saved" in shown
    assert "Dana Shah has been saved" not in shown
    assert queued_emails() == [] and audit_events("user_changed") == []


def test_a_refused_change_tells_nobody(login_as):
    school = factories.school()
    staff = factories.user("school_staff", school=school)
    factories.user("dsl", school=school)
    taken = factories.user("admin", email="taken@example.org")
    admin = login_as("admin")
    db.session.commit()

    response = admin.submit(
        f"/admin/users/{staff.id}", change_form(admin, staff, email=taken.email)
    )

    assert response.status_code == 200
    assert queued_emails() == []
    assert audit_events("user_changed") == []
