"""The GOV.UK error summary: each message leads to the field to correct."""

from datetime import date

from flask import render_template_string
from wtforms import DateField, StringField
from wtforms.validators import InputRequired

from tas.core.editing import all_at_once
from tas.core.forms import SafeGovDateInput, TasForm


class _Form(TasForm):
    name = StringField("Name", validators=[InputRequired("Enter a name")])
    seen_on = DateField(
        "Date seen",
        format="%d %m %Y",
        widget=SafeGovDateInput(),
        validators=[InputRequired("Enter the date seen")],
    )


def test_a_date_message_leads_to_the_day_box_and_a_text_message_to_its_field(app):
    with app.test_request_context("/", method="POST", data={}):
        form = _Form(meta={"csrf": False})
        assert not form.validate()
        summary = render_template_string(
            "{% from 'govuk_frontend_jinja/components/error-summary/macro.html' import "
            "govukErrorSummary %}{{ govukErrorSummary(error_summary(form)) }}",
            form=form,
        )
    assert 'href="#seen_on-day"' in summary
    assert 'href="#name"' in summary


def test_a_saved_date_fills_the_boxes_when_a_change_form_opens(app):
    with app.test_request_context("/"):
        form = _Form(meta={"csrf": False}, data={"seen_on": date(2026, 12, 4)})
        boxes = str(form.seen_on())
    assert 'value="4"' in boxes and 'value="12"' in boxes and 'value="2026"' in boxes


def test_a_check_that_cannot_read_a_refused_answer_adds_nothing_and_is_logged(app, caplog):
    class _Named(TasForm):
        name = StringField("Name", validators=[InputRequired("Enter a name")])

        def values(self) -> dict:
            return {"name": self.name.data}

    def check(values: dict) -> dict[str, str]:
        return {"name": "Too short"} if len(values["name"]) < 3 else {}  # None has no len

    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = _Named(meta={"csrf": False})
        assert not form.validate()
        all_at_once(form, check)

    assert form.errors == {"name": ["Enter a name"]}
    assert "A check beside the form's errors could not run: TypeError" in caplog.text
