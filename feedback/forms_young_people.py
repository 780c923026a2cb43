"""Young people's forms: input checks only; the rules are in `feedback.services`."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from feedback.models import AgeBand, ListenedAnswer
from feedback.words import is_generated_pseudonym


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Your club's code",
        max_length=40,
        error_messages={
            "required": "Type the code your coach gave you.",
            "max_length": "That code is too long: club codes are 6 letters and numbers.",
        },
    )


class RecoverForm(forms.Form):
    """Back in on another phone: the club's code (from the coach or the poster's QR code)
    and the six words shown on joining."""

    code = forms.CharField(
        label="Your club's code",
        max_length=40,
        error_messages={
            "required": "Type your club's code: your coach has it, and it's on the poster.",
            "max_length": "That code is too long: club codes are 6 letters and numbers.",
        },
    )
    phrase = forms.CharField(
        label="Your recovery phrase",
        max_length=200,
        help_text="The six words you were shown when you joined.",
        error_messages={
            "required": "Type your recovery phrase.",
            "max_length": "That's too long for a recovery phrase.",
        },
    )


class NewPhraseForm(forms.Form):
    """A button: a new phrase for this member (the old one stops working)."""


class ClientTokenForm(forms.Form):
    """A form that carries a token, so a double submit makes one row."""

    # A garbled token never stops a young person: it only loses the double-tap guard.
    client_token = forms.Field(required=False, widget=forms.HiddenInput)

    def clean_client_token(self):
        try:
            return str(uuid.UUID(str(self.cleaned_data.get("client_token") or "")[:64]))
        except ValueError:
            return ""


class JoinForm(ClientTokenForm):
    """Pick a pseudonym from suggestions (never typed) and an age band."""

    pseudonym = forms.ChoiceField(
        label="Pick a name",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Pick one of the names.",
            "invalid_choice": "Pick one of the suggested names.",
        },
    )
    age_band = forms.ChoiceField(
        label="How old are you?",
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose your age group.",
            "invalid_choice": "Choose your age group.",
        },
    )

    def __init__(self, *args, suggestions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = list(suggestions)
        posted = self.data.get("pseudonym") if self.is_bound else None
        # A name suggested on the page before is still valid when posted back.
        if isinstance(posted, str) and is_generated_pseudonym(posted) and posted not in names:
            names.insert(0, posted)
        self.fields["pseudonym"].choices = [(n, n) for n in names]


class ProposeForm(ClientTokenForm):
    title = forms.CharField(
        label="Your idea in a few words",
        max_length=80,
        error_messages={
            "required": "Give your idea a short title.",
            "max_length": "Keep the title to 80 characters.",
        },
    )
    text = forms.CharField(
        label="Tell us more (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep it to 500 characters."},
    )
    aspect = forms.ModelChoiceField(
        label="What is it about? (optional)",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose something about your club."},
    )
    round = forms.ModelChoiceField(
        label="Is it an answer to one of your coach's questions? (optional)",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "That question has closed or isn't in your club."},
    )

    def __init__(self, *args, aspects, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = aspects
        if rounds is None:
            del self.fields["round"]
        else:
            self.fields["round"].queryset = rounds


class ListenedForm(forms.Form):
    answer = forms.ChoiceField(
        label="Did you feel listened to?",
        choices=ListenedAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes, partly or no.",
            "invalid_choice": "Choose yes, partly or no.",
        },
    )
    comment = forms.CharField(
        label="Anything you'd like to add? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to 500 characters."},
    )


class ConcernForm(ClientTokenForm):
    text = forms.CharField(
        label="What is wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Tell us what is wrong.",
            "max_length": "Keep it to 2,000 characters.",
        },
    )
    proposal = forms.ModelChoiceField(
        label="Is it about one of the ideas? (optional)",
        queryset=None,
        required=False,
        empty_label="No, or I'm not sure",
        error_messages={"invalid_choice": "Choose one of the ideas in the list."},
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError("Tell us what is wrong.", code="required")
        return text


class ConfirmDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete my data for this club",
        error_messages={"required": "Tick the box to say you're sure."},
    )
