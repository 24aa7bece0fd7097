"""The list of meetings (/meetings): my meetings, a school's, or a coordinator's clusters, filtered
by term, school, type and invited agency through the query string."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from tas.core.fields import filter_select
from tas.core.forms import TasForm
from tas.core.words import meeting_day_and_times
from tas.meetings import access, bp, rules
from tas.meetings.lists import services as lists
from tas.meetings.lists.filters import ANY_DATE, FilterOptions, Filters, Option, filter_options

FILTER_NAMES = ("term", "school", "cluster", "type", "agency")


class MeetingFilterForm(TasForm):
    """The filters, sent as a GET query string: every value must be one of those offered."""

    class Meta:
        csrf = False

    term = filter_select("When", "Select a term, or when the meetings are, from the list")
    school = filter_select("School", "Select a school from the list")
    cluster = filter_select("Cluster", "Select a cluster from the list")
    type = filter_select("Type of meeting", "Select a type of meeting from the list")
    agency = filter_select("Agency invited", "Select an agency from the list")

    def __init__(self, offered: FilterOptions, coordinator: bool, **kwargs):
        super().__init__(formdata=request.args, **kwargs)
        self.term.choices = [
            SelectChoice("", "Upcoming and recent"),
            *(SelectChoice(str(term.id), term.label) for term in offered.terms),
            SelectChoice(ANY_DATE, "Any date"),
        ]
        self.school.choices = _choices("All schools", offered.schools)
        self.school.description = offered.school_hint
        self.cluster.choices = _choices("All clusters", offered.clusters)
        self.type.choices = [
            SelectChoice("", "All types"),
            *(SelectChoice(kind.code, kind.label) for kind in rules.MEETING_KINDS),
        ]
        self.agency.choices = _choices("Any agency", offered.agencies)
        if not coordinator:
            del self.cluster
        self.offered = offered

    def filters(self) -> Filters:
        def number(field) -> int | None:
            return int(field.data) if field is not None and field.data else None

        return Filters(
            period=self.term.data or "",
            school_id=number(self.school),
            kind=self.type.data or None,
            agency_id=number(self.agency),
            cluster_id=number(getattr(self, "cluster", None)),
            term=self.offered.term(self.term.data),
        )


def _choices(everything: str, offered: list[Option]) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(o.code, o.label) for o in offered)]


def _page_number() -> int:
    """The page asked for; anything that is not a page number shows the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1


@bp.route("")
def meetings():
    """My meetings (or, for a coordinator, the meetings of their clusters or the district)."""
    user = current_user
    if user.role not in access.LISTING_ROLES:
        abort(403)
    coordinator = user.role == "coordinator"
    offered = filter_options(
        user,
        cluster=request.args.get("cluster"),
        school=request.args.get("school"),
        narrowed=coordinator,
    )
    form = MeetingFilterForm(offered, coordinator)
    organises = access.organising_schools(user) is not None
    page = listing = filters = None
    status = 200
    if form.validate():
        filters = form.filters()
        page = _page_number()
        listing = lists.listing(user, filters, page)
    else:
        status = 400
    return render_template(
        "meetings/meetings.html",
        title="Meetings",
        form=form,
        listing=listing,
        filters=filters,
        coordinator=coordinator,
        organises=organises,
        sets_terms=organises or coordinator,
        filtered=any(request.args.get(name) for name in FILTER_NAMES),
        when=meeting_day_and_times,
        rules=rules,
    ), status
