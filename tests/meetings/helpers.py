"""A school with its DSL and link worker, children with agreements, and a meeting to use."""

from __future__ import annotations

from dataclasses import dataclass

from tas.extensions import db
from tas.meetings.models import Meeting
from tas.organisations.models import School, User
from tests import factories


@dataclass
class SchoolSetting:
    school: School
    dsl: User
    link_worker: User
    meeting: Meeting


def school_with_meeting(**meeting_fields) -> SchoolSetting:
    """A school, its DSL and linked link worker (who chairs), and a scheduled meeting there,
    committed. Sign in as them with `visitor.sign_in(setting.dsl.email)`."""
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    link_worker = factories.user("link_worker", linked_schools=[school])
    meeting = factories.meeting(school, dsl, chair=link_worker, **meeting_fields)
    db.session.commit()
    return SchoolSetting(school, dsl, link_worker, meeting)
