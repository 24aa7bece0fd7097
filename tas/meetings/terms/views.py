"""Pages for term dates (everyone who sees meetings reads them; coordinators enter them) and for
a school's termly series of meetings (set up, check the dates, confirm, see what was booked)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.clock import today
from tas.core.editing import all_at_once, found, saved_banner, submit_change, submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.meetings import bp, rules
from tas.meetings.access import may_organise_school
from tas.meetings.booking.checks import chair_candidates, schools_for
from tas.meetings.invitations.forms import SeriesAnswerForm
from tas.meetings.models import MeetingSeries, Term
from tas.meetings.rooms import services as rooms
from tas.meetings.series import answers as series_answers
from tas.meetings.series import rules as series_rules
from tas.meetings.series import services as series
from tas.meetings.terms import services as terms
from tas.meetings.terms.forms import PATTERNS, SeriesForm, TermForm
from tas.organisations.models import School

# ---------------------------------------------------------------- term dates


@bp.route("/terms")
def term_dates():
    if not terms.may_read(current_user):
        abort(403)
    return render_template(
        "meetings/terms/terms.html",
        years=terms.by_year(),
        may_set=terms.may_set(current_user),
        rules=rules,
        year_label=terms.year_label,
        title="Term dates",
    )


def _coordinator_only() -> None:
    if not terms.may_set(current_user):
        abort(403)


@bp.route("/terms/new", methods=["GET", "POST"])
def term_add():
    _coordinator_only()
    form = TermForm()
    added = submit_new(
        form, lambda values: terms.add_term(current_user, values), check=terms.term_problems
    )
    if added is not None:
        flash(f"The {terms.term_label(added)} has been added", "success")
        return redirect(url_for("meetings.term_dates"))
    return render_template(
        "meetings/terms/term_form.html", form=form, term=None, title="Add a term"
    )


@bp.route("/terms/<int:term_id>/change", methods=["GET", "POST"])
def term_change(term_id: int):
    _coordinator_only()
    term = found(Term, term_id)
    form = TermForm(
        data=TermForm.data_from(term) if request.method == "GET" else None,
        year=term.academic_year,
    )
    result = submit_change(
        form,
        term,
        lambda version, values: terms.change_term(term, current_user, version, values),
        thing="term",
        check=lambda values: terms.term_problems(values, term),
        saved_form=lambda fresh: TermForm(
            formdata=None, data=TermForm.data_from(fresh), year=fresh.academic_year
        ),
    )
    if result.saved:
        saved_banner(result, f"The {terms.term_label(term)} has been saved")
        return redirect(url_for("meetings.term_dates"))
    return render_template(
        "meetings/terms/term_form.html",
        form=form,
        term=term,
        comparison=result.comparison,
        title=f"Change the {terms.term_label(term)}",
    ), result.status


# ---------------------------------------------------------------- termly series


def _series_form(schools) -> SeriesForm:
    chairs = chair_candidates([school.id for school in schools])
    data = None
    if request.method == "GET":
        data = {"school": str(schools[0].id)} if len(schools) == 1 else {}
        if any(person.id == current_user.id for person in chairs):
            data["chair"] = str(current_user.id)
    return SeriesForm(
        data=data,
        schools=schools,
        chairs=chairs,
        rooms=rooms.rooms_of(school.id for school in schools),
        terms=terms.terms_from(today()),
    )


@bp.route("/series/new", methods=["GET", "POST"])
def new_series():
    """Set up a series; the same page shows the dates to check, then books them."""
    schools = schools_for(current_user)
    if not schools:
        abort(403)
    form = _series_form(schools)
    step = request.form.get("step", "")
    planned = None
    notice = None
    if step != "change" and form.validate_on_submit():
        try:
            planned = series.plan(current_user, form.values())
        except Refused as refused:
            form.show(refused.problems)
    elif step != "change":
        all_at_once(form, lambda values: series.plan_problems(current_user, values))
    if planned is not None and step == "create":
        if request.form.get("dates") == planned.fingerprint:
            once(form)
            try:
                made = series.create(current_user, form.values(), planned)
            except AlreadySubmitted:
                return already_saved(url_for("meetings.meetings"))
            flash(f"{len(planned.booked)} meetings have been booked", "success")
            return redirect(url_for("meetings.series", series_id=made.id))
        notice = (
            "The dates have changed since you checked them (the term dates may have been "
            "changed). Check them again."
        )
    if planned is not None:
        return render_template(
            "meetings/series/preview.html",
            form=form,
            planned=planned,
            notice=notice,
            values=form.values(),
            rules=rules,
            weekday=series_rules.WEEKDAYS[form.values()["weekday"]],
            title="Check the dates of the series",
        )
    return render_template(
        "meetings/series/new.html",
        form=form,
        patterns=PATTERNS,
        has_terms=bool(form.terms),
        title="Set up a termly series of meetings",
    )


@bp.route("/series/<int:series_id>", methods=["GET", "POST"], endpoint="series")
def series_page(series_id: int):
    """The series' meetings; whoever is invited answers every date still to come at once."""
    row = db.session.get(MeetingSeries, series_id)
    dates = series_answers.dates_for(row, current_user) if row is not None else []
    if row is None or not series_answers.may_see(row, current_user, dates):
        abort(404)
    answering = series_answers.open_invitations(dates)
    if request.method == "POST" and not answering:
        abort(403)
    shown = series_answers.token(dates)
    form = SeriesAnswerForm(data={"version": shown} if request.method == "GET" else None)
    status = 200
    if answering and form.validate_on_submit():
        try:
            done = series_answers.answer_all(row, current_user, form.version.data, form.values())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            db.session.rollback()
            dates = series_answers.dates_for(row, current_user)
            form.version.data = series_answers.token(dates)
            form.version.errors = [
                "An answer or an invitation of this series changed while you were looking at "
                "it. Check the answers below, then send yours again"
            ]
            status = 409
        else:
            flash(f"Your answer has been sent for {len(done)} meetings", "success")
            return redirect(url_for("meetings.series", series_id=series_id))
    return render_template(
        "meetings/series/series.html",
        series=row,
        school=db.session.get(School, row.school_id),
        dates=dates,
        answering=series_answers.open_invitations(dates),
        invited=any(date.invitation is not None for date in dates),
        form=form,
        skipped=series.skipped_of(row),
        organises=may_organise_school(current_user, row.school_id),
        rules=rules,
        weekday=series_rules.WEEKDAYS[row.settings.get("weekday", 0)],
        today=today(),
        title="Termly series of meetings",
    ), status
