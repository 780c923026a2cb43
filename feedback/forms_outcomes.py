"""The activity check's one question (#15), as young people answer it."""

from django import forms

from feedback.outcomes import ACTIVITY_QUESTION

RATHER_NOT = "none"
CHOICES = [(str(n), "1 day" if n == 1 else f"{n} days") for n in range(8)] + [
    (RATHER_NOT, "I'd rather not say")
]


class ActivityCheckForm(forms.Form):
    days = forms.ChoiceField(
        label=ACTIVITY_QUESTION,
        choices=CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a number of days, or \u201cI'd rather not say\u201d.",
            "invalid_choice": "Choose a number of days, or \u201cI'd rather not say\u201d.",
        },
    )

    def answer(self) -> int | None:
        value = self.cleaned_data["days"]
        return None if value == RATHER_NOT else int(value)
