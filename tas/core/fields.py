"""GOV.UK form fields every domain shares: dates typed as day, month and year, trimmed text,
choices from a list or from records, and the messages the design system asks for."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from tas.core.choices import Choice
from tas.core.forms import SafeGovDateInput

# Characters that show nothing, pasted with text (a zero-width space, a byte order mark, a
# soft hyphen, bidi controls, blank fillers): answers made only of them, or of them and spaces,
# are empty. Never a variation selector, which ends many emoji.
INVISIBLE = (
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c"
    "\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u2800\u3164"
    "\ufeff\uffa0"
)
# Every space character (none lies above U+3000) and those: what `stripped` trims.
BLANK = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + INVISIBLE


def stripped(value: Any) -> Any:
    """A WTForms filter: typed text without the spaces, or characters that show nothing,
    around it."""
    # The plain strip first: it is fast, and all most answers need.
    return value.strip().strip(BLANK) if isinstance(value, str) else value


# Joiners change how the letters of scripts that join (Arabic, Persian, the Indian scripts and
# Sinhala, where one follows a virama: a mark, not a letter) are written, so they stay between
# two characters of such a script; beside a Latin letter, a space or an end they only hide a
# difference. The Mongolian vowel separator is spelling in Mongolian: only trimmed at the ends.
JOINERS = "\u200c\u200d"
_KEPT_INSIDE = JOINERS + "\u180e"
_HIDDEN = re.compile(f"[{re.escape(INVISIBLE.translate({ord(c): None for c in _KEPT_INSIDE}))}]")
_LATIN_OR_SPACE = r"[\x00-\u024f\s]"
_LOOSE_JOINER = re.compile(
    rf"(?:^|(?<={_LATIN_OR_SPACE}))[{JOINERS}]+|[{JOINERS}]+(?={_LATIN_OR_SPACE})"
)


def tidy_name(value: Any) -> Any:
    """A WTForms filter for a name (a person's, a school's, a lawful basis's): trimmed, with
    characters that show nothing taken out and each run of spaces inside made one space, so a
    name that looks like one already saved is the same name to the duplicate checks. Not for
    notes, where line breaks matter."""
    if not isinstance(value, str):
        return value
    visible = _LOOSE_JOINER.sub("", _HIDDEN.sub("", value))
    return " ".join(visible.split()).strip("\u180e")


def normalised(normalise):
    """A WTForms filter that tidies typed text and leaves a missing value alone."""
    return lambda value: normalise(value) if isinstance(value, str) else value


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def email_field(
    label: str, missing: str, normalise: Callable[[str], str], description: str | None = None
) -> EmailField:
    """A required email address, tidied by `normalise` (the accounts' rule, as addresses are
    compared and stored), with the GOV.UK messages: the same check wherever one is typed, so an
    address an account has is never refused elsewhere. Email(test_environment=True) accepts
    .test addresses, which the demo accounts use; it never looks the domain up either way."""
    return EmailField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[normalised(normalise)],
        validators=[
            DataRequired(missing),
            Length(max=254, message="The email address must be 254 characters or fewer"),
            Email(EMAIL_FORMAT, test_environment=True),
        ],
    )


def blank_as_none(value: str | None) -> str | None:
    return value or None


EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def date_from_parts(day: str, month: str, year: str, what: str) -> tuple[date | None, str | None]:
    """A date typed as day, month and year, or what to put right (the GOV.UK date input's
    messages): "Date of birth must include a month", "... must be a real date".

    `what` names the date in the message. Nothing typed at all gives (None, None): whether the
    date is needed is the caller's question.
    """
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == 3:
        return None, None
    if missing:
        return None, f"{what} must include a {' and '.join(missing)}"
    digits = all(value.isascii() and value.isdigit() for value in parts.values())
    if not digits or len(parts["day"]) > 2 or len(parts["month"]) > 2:
        return None, f"{what} must be a real date"
    if len(parts["year"]) != 4:  # "18 1 27": say what is wrong, as GOV.UK's date input does
        return None, f"{what} must include a year with 4 numbers"
    try:
        typed = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None, f"{what} must be a real date"
    if not EARLIEST_YEAR <= typed.year <= LATEST_YEAR:
        # No record here is dated outside these years, and a date at the edge of the calendar
        # (31 12 9999) has no next day to count to.
        return None, f"{what} must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
    return typed, None


class GovDateField(DateField):
    """A date typed into GOV.UK day, month and year boxes. Blank boxes mean no date; anything
    else must be a real date. `missing` makes it required, with that message."""

    def __init__(self, label: str, *, missing: str | None = None, **kwargs):
        kwargs.setdefault("widget", SafeGovDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if not valuelist:
            return
        day, month, year = [str(part) for part in [*valuelist, "", "", ""][:3]]
        what = self.label.text.removesuffix(" (optional)")
        self.data, problem = date_from_parts(day, month, year, what)
        if problem:
            raise ValueError(problem)

    def pre_validate(self, form) -> None:
        if self.missing and self.data is None and not self.process_errors:
            raise StopValidation(self.missing)


class TooLong(Length):
    """The length check, keeping the question's plain name (`called`) for its other messages
    (tas.core.forms.plain_name)."""

    def __init__(self, called: str, longest: int):
        super().__init__(max=longest, message=f"{called} must be {longest:,} characters or fewer")
        self.called = called


def too_long(label: str, longest: int) -> Length:
    """The GOV.UK message for text that is too long, naming the question without "(optional)"."""
    return TooLong(label.removesuffix(" (optional)"), longest)


def optional_text(
    label: str,
    longest: int,
    description: str | None = None,
    *,
    called: str | None = None,
    **kwargs,
) -> StringField:
    """An optional line of text, trimmed, with the GOV.UK message for too long (`called` names
    it there where the label, a question, reads badly)."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[stripped],
        validators=[too_long(called or label, longest)],
        **kwargs,
    )


def text_area(
    label: str,
    *,
    longest: int,
    missing: str | None = None,
    description: str | None = None,
    called: str | None = None,
    **kwargs,
) -> TextAreaField:
    """A few sentences with a character count; required when `missing` says what to ask for.
    `called` names the question in the error message where the label reads badly there."""
    required = [DataRequired(missing)] if missing else [Optional()]
    return TextAreaField(
        label,
        description=description,
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[*required, too_long(called or label, longest)],
        **kwargs,
    )


def options(rows, prompt: str | None = None) -> list[SelectChoice]:
    """Choices for a select, radios or checkboxes: stored code (or id) and the words shown."""
    choices = [SelectChoice("", prompt)] if prompt else []
    for row in rows:
        if isinstance(row, Choice):
            choices.append(SelectChoice(row.code, row.label))
        else:
            choices.append(SelectChoice(str(row.id), row.name))
    return choices


def choice(label: str, choices: tuple[Choice, ...], missing: str, **kwargs) -> RadioField:
    """Radios for a fixed list of codes."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=options(choices),
        validators=[DataRequired(missing)],
        invalid_choice_message=missing,
        **kwargs,
    )


def optional_choice(label: str, choices: tuple[Choice, ...], invalid: str, **kwargs) -> RadioField:
    """Radios that may be left unanswered for now (a later check asks for them)."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=options(choices),
        validators=[Optional()],
        invalid_choice_message=invalid,
        **kwargs,
    )


def select(label: str, missing: str | None = None, **kwargs) -> SelectField:
    """A select whose choices (records) are filled in when the form is made."""
    fallback = f"Select the {label.lower()} from the list"  # noqa: S608 (words, not SQL)
    kwargs.setdefault("invalid_choice_message", missing or fallback)
    kwargs.setdefault("default", "")  # left out of a post: nothing chosen
    return SelectField(
        label,
        widget=GovSelect(),
        validators=[DataRequired(missing)] if missing else [],
        choices=[],
        **kwargs,
    )


class LongSelect(GovSelect):
    """A GOV.UK select whose options may run to a region's schools: the design system's macro
    draws the field (label, hint, error message), and the options are written by a plain loop.
    The macro takes about 0.07 ms an option: a list of 1,600 schools was a tenth of a second of
    every page that offered it. The options are the same HTML."""

    def render(self, params):
        drawn = super().render({**params, "items": []})
        # escape() on each value and plain string joining: Markup.format parses its pattern
        # again for every option, which took most of the time.
        options = "".join(
            f'<option value="{escape(item["value"])}"'
            f"{' selected' if item.get('selected') else ''}>{escape(item['text'])}</option>"
            for item in params.get("items") or []
        )
        end = Markup("</select>")
        # Safe: every value and text in `options` went through escape() above.
        return drawn.replace(end, Markup(options) + end, 1)  # noqa: S704


def filter_select(label: str, invalid: str) -> SelectField:
    """A list's filter: "any" unless chosen, its choices set by the page."""
    return SelectField(
        label, widget=LongSelect(), default="", choices=[], invalid_choice_message=invalid
    )
