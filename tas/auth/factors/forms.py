"""Second-factor forms: a code at sign-in, a recovery code, setting up an app or a passkey,
confirming it is you before a powerful action, and an administrator's reset."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tas.auth.factors import rules
from tas.core.fields import stripped
from tas.core.forms import TasForm


def _a_code(form, field) -> None:
    """A 6-digit code, unless the person answered with their passkey instead."""
    if getattr(form, "passkey", None) is not None and form.passkey.data:
        return
    problem = rules.code_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class CodeForm(TasForm):
    """The second step of signing in: a code from the person's authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[_a_code],
        description="The 6-digit code your app shows for this service now",
    )
    remember = BooleanField("Do not ask again on this device", widget=GovCheckboxInput())
    passkey = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(TasForm):
    recovery = StringField(
        "Recovery code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter one of your recovery codes"), Length(max=40)],
        description="One of the ten codes you saved when you set up your second factor, "
        "like abcd-efgh-jkmn. Each works once.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpAppForm(TasForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[_a_code],
        description="After adding this service to your app, type the 6-digit code it shows",
    )
    submit = SubmitField("Set up the authenticator app", widget=GovSubmitInput())


class PasskeyForm(TasForm):
    name = StringField(
        "Name this passkey",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[Length(max=200)],
        description="So you can tell your passkeys apart, like ‘Work laptop’ or ‘My phone’",
    )
    passkey_response = HiddenField()
    submit = SubmitField("Add the passkey", widget=GovSubmitInput())

    def validate_name(self, field) -> None:
        problem = rules.passkey_name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ConfirmItIsYouForm(TasForm):
    """Asked before a powerful action when the last confirmation is older than
    FRESH_SIGN_IN_MINUTES. Its fields start `fresh_`, apart from the action's own form, which
    comes back with them in hidden fields."""

    fresh_confirm = HiddenField(default="yes")
    fresh_code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[Length(max=20)],
        description="The 6-digit code your app shows for this service now",
    )
    fresh_password = PasswordField(
        "Your password", widget=GovPasswordInput(), validators=[Length(max=1000)]
    )
    fresh_passkey = HiddenField()
    fresh_submit = SubmitField("Confirm and continue", widget=GovSubmitInput())


class ResetFactorsForm(TasForm):
    reason = StringField(
        "Why are you resetting their second factors?",
        widget=GovTextArea(),
        filters=[stripped],
        validators=[
            DataRequired("Enter why you are resetting this person's second factors"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
        description="For example: lost their phone, confirmed by phone call with their "
        "manager. It is kept in the audit log and sent to them and their safeguarding lead.",
    )
    submit = SubmitField("Reset second factors", widget=GovSubmitInput(), name="reset_factors")
