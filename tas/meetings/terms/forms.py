"""Forms for term dates and for a termly series of meetings."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectChoice, StringField, SubmitField

from tas.core import times
from tas.core.choices import Choice, record_id
from tas.core.clock import today
from tas.core.days import academic_year
from tas.core.fields import GovDateField, choice, options, select, stripped
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.core.words import long_date
from tas.meetings import rules
from tas.meetings.booking.forms import CommonArrangements
from tas.meetings.booking.questions import KIND, MOST_YEARS_AHEAD, SCHOOL, latest_day
from tas.meetings.models import Term
from tas.meetings.series import rules as series_rules
from tas.meetings.terms.services import term_label, year_label

PATTERNS = (
    Choice(series_rules.EVERY_N_WEEKS, "Every few weeks, from a date"),
    Choice(series_rules.PER_TERM, "A number of meetings in each term of an academic year"),
)
WEEKDAY_CHOICES = tuple(
    Choice(str(number), name) for number, name in enumerate(series_rules.WEEKDAYS)
)


def _year_choices(extra: int | None = None) -> list[SelectChoice]:
    this = academic_year(today())
    years = sorted({*range(this - 1, this + 4), *((extra,) if extra is not None else ())})
    return [SelectChoice(str(year), year_label(year)) for year in years]


def whole_number(text: str | None) -> int | None:
    """A whole number as typed or chosen; None when there is none (the field says why)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


class TermForm(RecordForm):
    academic_year = select("Academic year", missing="Select the academic year")
    name = choice("Term", rules.TERM_NAMES, "Select which term it is")
    starts_on = GovDateField("First day of term", missing="Enter the first day of term")
    ends_on = GovDateField("Last day of term", missing="Enter the last day of term")
    half_term_starts_on = GovDateField(
        "First day of the half-term holiday",
        description="The first weekday the school is closed. Leave both half-term dates blank "
        "if the term has none",
    )
    half_term_ends_on = GovDateField(
        "Last day of the half-term holiday",
        description="The last weekday the school is closed",
    )
    submit = SubmitField("Save the term", widget=GovSubmitInput())

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.academic_year.choices = [
            *options([], "Select an academic year"),
            *_year_choices(year),
        ]

    @staticmethod
    def data_from(term: Term) -> dict:
        return {
            "academic_year": str(term.academic_year),
            "name": term.name,
            "starts_on": term.starts_on,
            "ends_on": term.ends_on,
            "half_term_starts_on": term.half_term_starts_on,
            "half_term_ends_on": term.half_term_ends_on,
            "version": term.version,
        }

    def values(self) -> dict:
        return {
            "academic_year": whole_number(self.academic_year.data),
            "name": self.name.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "half_term_starts_on": self.half_term_starts_on.data,
            "half_term_ends_on": self.half_term_ends_on.data,
        }


WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")
PAGE_ORDER = (
    "school",
    "kind",
    "weekday",
    "pattern",
    "every_weeks",
    "first_date",
    "until_term",
    "until_date",
    "per_term",
    "academic_year",
)


def number_field(label: str, description: str) -> StringField:
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[stripped],
    )


class SeriesForm(SentOnce, CommonArrangements):
    """A school's series: the arrangements every meeting shares, then the pattern."""

    school = SCHOOL
    kind = KIND
    pattern = choice("How often", PATTERNS, "Select how often the meetings are")
    weekday = choice("Day of the week", WEEKDAY_CHOICES, "Select the day of the week")
    every_weeks = number_field("Every how many weeks", "For example, 2 for every other week")
    first_date = GovDateField("Date of the first meeting", description="For example, 7 9 2026")
    until_term = select(
        "Until the end of",
        description="The term the series ends with",
        invalid_choice_message="Select a term from the list",
    )
    until_date = GovDateField(
        "Or until a date",
        description="Leave blank to run to the end of the term chosen above",
    )
    academic_year = select(
        "Academic year",
        invalid_choice_message="Select an academic year from the list",
    )
    per_term = number_field("Meetings in each term", "For example, 3")
    submit = SubmitField("Check the dates", widget=GovSubmitInput())

    def __init__(self, *args, schools=(), terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.school.choices = options(schools, "Select a school")
        self.until_term.choices = [
            *options([], "Select a term"),
            *(
                SelectChoice(
                    str(t.id), f"{term_label(t).capitalize()} (ends {long_date(t.ends_on)})"
                )
                for t in terms
            ),
        ]
        years = sorted({t.academic_year for t in terms})
        self.academic_year.choices = [
            *options([], "Select an academic year"),
            *(SelectChoice(str(year), year_label(year)) for year in years),
        ]
        self.terms = {str(t.id): t for t in terms}
        # Ask (and list problems) in the page's order: the school, the pattern, then the rest.
        first = [name for name in PAGE_ORDER if name in self._fields]
        self._fields = {
            **{name: self._fields[name] for name in first},
            **{name: field for name, field in self._fields.items() if name not in first},
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        begins, finishes = self.clocks()
        if begins is not None and finishes is not None and finishes <= begins:
            self.ends.errors = ["The end time must be after the start time"]
        if self.pattern.data == series_rules.EVERY_N_WEEKS:
            self._check_every_n_weeks()
        elif self.pattern.data == series_rules.PER_TERM:
            self._check_per_term()
        return valid and not any(field.errors for field in self)

    def _check_every_n_weeks(self) -> None:
        self._whole_number(self.every_weeks, "Enter every how many weeks, like 2")
        if self.first_date.data is None and not self.first_date.errors:
            self.first_date.errors = ["Enter the date of the first meeting"]
        elif self.first_date.data is not None and self.first_date.data < today():
            self.first_date.errors = [
                "The date of the first meeting must be today or in the future"
            ]
        elif self.first_date.data is not None and self.first_date.data > latest_day():
            self.first_date.errors = [
                f"The date of the first meeting must be within the next {MOST_YEARS_AHEAD} years"
            ]
        chose_term, chose_date = bool(self.until_term.data), self.until_date.data is not None
        if chose_term and chose_date:
            self.until_date.errors = ["Choose the end of a term or a date, not both"]
        elif not chose_term and not chose_date and not self.until_date.errors:
            self.until_term.errors = [
                "Select the term the series runs to, or enter the date it ends"
            ]

    def _check_per_term(self) -> None:
        self._whole_number(self.per_term, "Enter how many meetings in each term, like 3")
        if not self.academic_year.data:
            self.academic_year.errors = ["Select the academic year"]

    @staticmethod
    def _whole_number(field, missing: str) -> None:
        if not field.data:
            field.errors = [missing]
        elif not WHOLE_NUMBER.fullmatch(field.data):
            field.errors = [f"{field.label.text} must be a whole number, like 2"]

    def until(self):
        """The last day of the series: the chosen term's last day, or the date given."""
        term = self.terms.get(self.until_term.data or "")
        return term.ends_on if term is not None else self.until_date.data

    def values(self) -> dict:
        every_n_weeks = self.pattern.data == series_rules.EVERY_N_WEEKS
        return {
            "school_id": record_id(self.school.data),
            "kind": self.kind.data,
            **self.place_values(),
            "pattern": self.pattern.data,
            "weekday": whole_number(self.weekday.data),
            "starts": times.parse_clock(self.starts.data),
            "ends": times.parse_clock(self.ends.data),
            "every_weeks": whole_number(self.every_weeks.data) if every_n_weeks else None,
            "first_date": self.first_date.data if every_n_weeks else None,
            "until_term_id": record_id(self.until_term.data) if every_n_weeks else None,
            "until": self.until() if every_n_weeks else None,
            "academic_year": None if every_n_weeks else whole_number(self.academic_year.data),
            "per_term": None if every_n_weeks else whole_number(self.per_term.data),
        }
