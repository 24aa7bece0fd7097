"""Garbage into the booking, moving, cancelling, series and term forms: never a 500
(docs/security.md E25)."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.extensions import db
from tas.meetings.models import Meeting
from tests import factories
from tests.meetings.helpers import school_with_meeting

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
GARBAGE = st.text(alphabet=ANY_CHARACTER, max_size=300)
DIGITS = st.text(alphabet="0123456789²٣ :.-", max_size=8)
FUZZ = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 302, 400, 409, 413}
FORM = "application/x-www-form-urlencoded"
TEXT_FIELDS = ("location", "online_link", "notes_for_attendees", "reason")
NUMBER_FIELDS = ("starts", "ends", "every_weeks", "per_term")
CHOICE_FIELDS = (
    "school",
    "kind",
    "chair",
    "start_fold",
    "end_fold",
    "venue_private",
    "book_anyway",
    "move_anyway",
    "version",
    "weekday",
    "pattern",
    "until_term",
    "academic_year",
    "name",
    "step",
    "dates",
)
DATE_FIELDS = (
    "meeting_date",
    "first_date",
    "until_date",
    "starts_on",
    "ends_on",
    "half_term_starts_on",
    "half_term_ends_on",
)


def test_the_booking_forms_survive_anything(login_as, visitor):
    setting = school_with_meeting()
    term = factories.term()
    db.session.commit()
    visitor.sign_in(setting.link_worker.email)
    coordinator = login_as("coordinator")
    organiser_token = visitor.token("/meetings/new")
    coordinator_token = coordinator.token("/meetings/terms/new")
    meeting_id = setting.meeting.id
    posts = [
        (visitor, organiser_token, "/meetings/new"),
        (visitor, organiser_token, f"/meetings/{meeting_id}/move"),
        (visitor, organiser_token, "/meetings/series/new"),
        (coordinator, coordinator_token, "/meetings/terms/new"),
        (coordinator, coordinator_token, f"/meetings/terms/{term.id}/change"),
    ]

    @FUZZ
    @given(
        text=GARBAGE,
        number=DIGITS,
        day=st.lists(DIGITS, min_size=0, max_size=4),
        choice=st.one_of(
            GARBAGE, st.sampled_from(["", "0", "1", "-1", "y", "create", "99999999999999999999"])
        ),
    )
    @example(text="\x00", number="²", day=["31", "2", "2026"], choice="1")
    @example(text="https://x", number="01:30", day=["28", "3", "2027"], choice="0")
    @example(text="x", number="999", day=["1", "1", "9999"], choice="every_n_weeks")
    @example(text="x", number="10", day=["30", "12", "9999"], choice="per_term")
    def fuzz(text, number, day, choice):
        for browser, token, url in posts:
            fields = {"csrf_token": token}
            fields.update(dict.fromkeys(TEXT_FIELDS, text))
            fields.update(dict.fromkeys(NUMBER_FIELDS, number))
            fields.update(dict.fromkeys(CHOICE_FIELDS, choice))
            data = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
            for name in DATE_FIELDS:
                data += [(name, part.encode("utf-8")) for part in day]
            response = browser.client.post(url, data=urlencode(data), content_type=FORM)
            assert response.status_code in ALLOWED, (url, response.status_code)

    fuzz()
    # The cancel form last: once it cancels, the meeting cannot be moved any more.
    response = visitor.client.post(
        f"/meetings/{meeting_id}/cancel",
        data={"csrf_token": organiser_token, "reason": "\x00", "version": "x"},
    )
    assert response.status_code in ALLOWED
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id) is not None
