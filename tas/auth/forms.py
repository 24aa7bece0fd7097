"""Sign-in, password and session forms."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from tas.core.fields import email_field, stripped
from tas.core.forms import RecordForm, TasForm
from tas.organisations.rules import normalise_email


class SignInForm(TasForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="The email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your password"),
            Length(max=1000, message="The password must be 1000 characters or fewer"),
        ],
    )
    next = HiddenField()
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordForm(TasForm):
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password")],
        description="At least 12 characters. Three or four random words together work well. "
        "You can paste it from a password manager.",
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your current password"),
            Length(max=1000, message="Current password must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())

    field_order = ("current_password", "new_password", "confirm_password")


class PasswordResetForm(TasForm):
    email = email_field("Email address", "Enter your email address", normalise_email)
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


def stand_ins(user) -> str:
    """Who gets a person's reminders while they are away, in words: the order
    tas.reminders.recipients.choose follows for their role (the coordinators last: those
    covering the child's school)."""
    then = "then the coordinators covering the child's school"
    if user.role in ("dsl", "school_staff"):
        mine = (
            "the other designated safeguarding leads (DSLs) of your school"
            if user.role == "dsl"
            else "your school's designated safeguarding leads (DSLs)"
        )
        return (
            f"{mine}; failing them, the DSLs of the child's school if the child has moved, {then}"
        )
    if user.agency_id is not None:
        leads = (
            "your agency's other safeguarding leads"
            if user.is_safeguarding_lead
            else "your agency's safeguarding leads"
        )
        dsls = "the designated safeguarding leads (DSLs) of the child's school"
        return f"{leads}; failing them, {dsls}, {then}"
    return (
        "the designated safeguarding leads (DSLs) of the child's school; failing them, the "
        "coordinators covering it"
    )


class ReminderChoicesForm(RecordForm):
    """How a person gets their reminders, and whether they are away (their own choice)."""

    reminder_digest = RadioField(
        "How do you want to get reminders?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("each", "One email for each reminder"),
            SelectChoice("daily", "One email a day listing all your reminders (a daily digest)"),
        ],
        invalid_choice_message="Select how you want to get reminders",
    )
    away = RadioField(
        "Are you away from work?",
        widget=GovRadioInput(),
        choices=[SelectChoice("no", "No, I am at work"), SelectChoice("yes", "I am away")],
        invalid_choice_message="Select whether you are away from work",
    )
    submit = SubmitField("Save reminder choices", widget=GovSubmitInput())

    @staticmethod
    def data_from(user) -> dict:
        return {
            "reminder_digest": "daily" if user.reminder_digest else "each",
            "away": "yes" if user.away else "no",
            "version": user.version,
        }

    def values(self) -> dict:
        return {
            "reminder_digest": self.reminder_digest.data == "daily",
            "away": self.away.data == "yes",
        }
