"""tas.core.fields.LongSelect: a list filter's select (a region's schools) written faster than
the GOV.UK macro writes it, and the same to a browser: label, hint, error message, options,
the chosen one, and every name escaped."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField

from tas.core.fields import LongSelect
from tas.core.forms import TasForm

CHOICES = [("", "Any school"), ("1", 'Ash <Primary> & "Nursery"'), ("2", "Birch Academy")]


def drawn(widget, chosen: str, error: str | None = None) -> str:
    class Filters(TasForm):
        school = SelectField("School", description="Where it is held", widget=widget)

    form = Filters(meta={"csrf": False}, data={"school": chosen})
    form.school.choices = CHOICES
    if error:
        form.school.errors = [error]
    html = str(form.school(params={"label": {"classes": "govuk-label--s"}}))
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_it_writes_the_same_select_as_the_design_systems_macro(app):
    with app.test_request_context("/"):
        for chosen, error in (("2", None), ("", "Select a school from the list")):
            mine = drawn(LongSelect(), chosen, error)
            assert mine == drawn(GovSelect(), chosen, error)
    assert 'value="2" selected>Birch Academy</option>' in drawn_in(app, "2")
    assert "Ash &lt;Primary&gt; &amp; &#34;Nursery&#34;" in drawn_in(app, "2")


def drawn_in(app, chosen: str) -> str:
    with app.test_request_context("/"):
        return drawn(LongSelect(), chosen)
