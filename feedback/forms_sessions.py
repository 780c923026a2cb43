"""Forms for sessions and registers (#15): input checks only; rules in `feedback.sessions`."""

from django import forms

from feedback.forms_coaches import DateInput
from feedback.sessions import DROP_INS_MAX, REASON_MAX


def _reason(label: str) -> forms.CharField:
    """The reason members read with a cancelled or changed session."""
    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, so the members know."},
    )


class CancelForm(forms.Form):
    reason = _reason("Why is it cancelled? The club's members read this.")


class ChangeForm(forms.Form):
    starts_at = forms.CharField(label="Start time", max_length=100)
    location = forms.CharField(label="Place", max_length=200)
    reason = _reason("What changed and why? The club's members read this.")


class AddForm(forms.Form):
    day = forms.DateField(label="Date", widget=DateInput())
    starts_at = forms.CharField(label="Start time", max_length=100)
    location = forms.CharField(label="Place", max_length=200)
    note = forms.CharField(
        label="What is it? (optional; the club's members read this)",
        max_length=REASON_MAX,
        required=False,
    )


class RegisterForm(forms.Form):
    """The ticked members' ids (checked against the club by the service) and drop-ins."""

    present = forms.TypedMultipleChoiceField(coerce=int, required=False)
    drop_ins = forms.IntegerField(
        label="Drop-ins (came without joining Coproduce)",
        min_value=0,
        max_value=DROP_INS_MAX,
        required=False,
        error_messages={
            "invalid": f"Enter a whole number from 0 to {DROP_INS_MAX}.",
            "min_value": f"Enter a whole number from 0 to {DROP_INS_MAX}.",
            "max_value": f"Enter a whole number from 0 to {DROP_INS_MAX}.",
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.pk, m.pseudonym) for m in members]
        self.fields["present"].error_messages["invalid_choice"] = (
            "Someone ticked is no longer on this register: reload the page and tick again."
        )
