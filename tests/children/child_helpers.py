"""What the children's tests post and look up: the child form as a browser sends it."""

from __future__ import annotations

from datetime import date

from tas.children.models import Child
from tas.extensions import db

NHS_NUMBER = "4857773457"  # a valid number that is not the one in the form's hint
UPN = "G360202015019"


def child_form(**fields) -> dict:
    """The add or change form as a browser posts it."""
    born = fields.pop("date_of_birth", date(2016, 5, 1))
    data = {
        "first_name": "Maya",
        "last_name": "Patel",
        "date_of_birth": [str(born.day), str(born.month), str(born.year)] if born else ["", "", ""],
        "year_group": "",
        "upn": "",
        "nhs_number": "",
        "gp_practice": "",
        "preferred_language": "",
        "early_help_reference": "",
        "social_care_reference": "",
        "school_system_reference": "",
        "known_to": "",
    }
    data.update(fields)
    return data


def newest_child() -> Child:
    db.session.expire_all()
    return db.session.scalars(db.select(Child).order_by(Child.id.desc())).first()
