"""Input validation for the staff club pages; every ValidationError has a code."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clubs.models import USUAL_ASPECTS, AspectKind, AspectStatus, Club, District, Partner, Stage

FIXED_WITHOUT_REASON = "Say why this can't change: young people will read the reason."


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", submit))
    return helper


class ClubForm(forms.ModelForm):
    """A club's details, as its partner's lead sets them."""

    class Meta:
        model = Club
        fields = [
            "partner",
            "name",
            "activity",
            "venue_name",
            "venue_address",
            "district",
            "min_age",
            "max_age",
            "funding_start",
            "funding_end",
            "stage",
            "is_active",
        ]
        labels = {
            "name": "Club name",
            "venue_name": "Venue",
            "venue_address": "Venue address",
            "min_age": "Youngest age",
            "max_age": "Oldest age",
            "funding_start": "Funding starts",
            "funding_end": "Funding ends",
            "stage": "Stage",
            "is_active": "Running (untick when the club stops)",
        }
        widgets = {
            "venue_address": forms.Textarea(attrs={"rows": 3}),
            "funding_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "funding_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.current()
        if self.instance.pk:
            # A club stays with its partner; the admin can move one if ever needed.
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = partners if partners is not None else Partner.objects
            self.fields["partner"].empty_label = None
            # A double submit makes one club; a garbled token only loses that guard.
            self.fields["client_token"] = forms.CharField(
                required=False, max_length=64, widget=forms.HiddenInput
            )
            self.initial.setdefault("client_token", str(uuid.uuid4()))
            self._add_declaration_fields()
        self.helper = _helper("Save club")
        self.helper.layout = Layout(
            *([Field("partner")] if "partner" in self.fields else []),
            Field("name"),
            Field("activity"),
            Field("venue_name"),
            Field("venue_address"),
            Field("district"),
            Div(
                Div(Field("min_age"), css_class="col-6"),
                Div(Field("max_age"), css_class="col-6"),
                css_class="row",
            ),
            Div(
                Div(Field("funding_start"), css_class="col-sm-6"),
                Div(Field("funding_end"), css_class="col-sm-6"),
                css_class="row",
            ),
            *self._declaration_fieldsets(),
            Field("stage"),
            Field("is_active"),
            *([Field("client_token")] if "client_token" in self.fields else []),
        )

    # The usual aspects whose value is a field of the club itself.
    VALUE_FROM_CLUB = {AspectKind.LOCATION: "Venue", AspectKind.ACTIVITY: "Activity"}
    DECLARATION_PARTS = ("value", "status", "room", "reason")

    def _add_declaration_fields(self) -> None:
        """A new club declares each usual aspect at once: its value and whether it can change."""
        for kind in USUAL_ASPECTS:
            name = AspectKind(kind).label
            if kind not in self.VALUE_FROM_CLUB:
                self.fields[f"{kind}_value"] = forms.CharField(
                    label=f"{name}: what it is now",
                    max_length=200,
                    required=False,
                )
            self.fields[f"{kind}_status"] = forms.ChoiceField(
                label=f"Can young people change the {name.lower()}?",
                choices=[
                    (AspectStatus.NEGOTIABLE, "Yes, it can change"),
                    (AspectStatus.FIXED, "No, it can't change"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Say whether young people can change the {name.lower()}."
                },
            )
            self.fields[f"{kind}_room"] = forms.CharField(
                label="How much room is there? (if it can change)",
                max_length=200,
                required=False,
            )
            self.fields[f"{kind}_reason"] = forms.CharField(
                label="Why can't it change? (if it can't)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Young people will read this.",
            )

    def _declaration_fieldsets(self) -> list:
        if "client_token" not in self.fields:
            return []
        fieldsets = []
        for kind in USUAL_ASPECTS:
            name = AspectKind(kind).label
            if kind in self.VALUE_FROM_CLUB:
                legend = f"{name} (the {self.VALUE_FROM_CLUB[kind].lower()} above)"
            else:
                legend = name
            fieldsets.append(
                Fieldset(
                    legend,
                    *[
                        f"{kind}_{part}"
                        for part in self.DECLARATION_PARTS
                        if f"{kind}_{part}" in self.fields
                    ],
                )
            )
        return fieldsets

    def declarations(self) -> dict[str, dict[str, str]]:
        """The usual aspects as declared, for `services.club_create`; pops them from
        cleaned_data so the rest are the club's own fields."""
        declared = {}
        for kind in USUAL_ASPECTS:
            parts = {
                part: self.cleaned_data.pop(f"{kind}_{part}", "") or ""
                for part in self.DECLARATION_PARTS
            }
            declared[kind] = parts
        return declared

    def clean(self):
        data = super().clean()
        start, end = data.get("funding_start"), data.get("funding_end")
        if start and end and end < start:
            self.add_error(
                "funding_end",
                ValidationError("Funding must end after it starts.", code="funding_order"),
            )
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_age",
                ValidationError("The oldest age must be at least the youngest.", code="age_order"),
            )
        for kind in USUAL_ASPECTS if "client_token" in self.fields else ():
            if data.get(f"{kind}_status") == AspectStatus.FIXED and not (
                (data.get(f"{kind}_reason") or "").strip()
            ):
                self.add_error(
                    f"{kind}_reason",
                    ValidationError(FIXED_WITHOUT_REASON, code="fixed_without_reason"),
                )
        return data


class AspectForm(forms.Form):
    """An aspect's value and status. Fixed needs a reason; negotiable may say how much room."""

    kind = forms.ChoiceField(label="What is it about?", choices=AspectKind.choices)
    label = forms.CharField(
        label="Name (for 'Other')",
        max_length=60,
        required=False,
        help_text="For example 'Warm-up' or 'Breaks'.",
    )
    value = forms.CharField(
        label="What it is now",
        max_length=200,
        required=False,
        help_text="For example 'Tuesdays' or 'Sports hall'.",
    )
    status = forms.ChoiceField(
        label="Can young people change it?",
        choices=[
            (AspectStatus.NEGOTIABLE, "Yes, it can change"),
            (AspectStatus.FIXED, "No, it can't change"),
        ],
        widget=forms.RadioSelect,
    )
    room = forms.CharField(
        label="How much room is there?",
        max_length=200,
        required=False,
        help_text="If it can change, for example 'any weekday after 3.30pm'.",
    )
    reason = forms.CharField(
        label="Why can't it change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if it can't change. Young people will read this.",
    )
    effective_date = forms.DateField(
        label="From when",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the change takes effect.",
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="Kept with the history, for staff.",
    )

    def __init__(self, *args, editing: bool = False, taken_kinds=(), taken_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.taken_labels = {label.casefold() for label in taken_labels}
        # A club has one of each kind; 'Other' can repeat under different names.
        self.fields["kind"].choices = [
            (kind, label)
            for kind, label in AspectKind.choices
            if kind == AspectKind.OTHER or kind not in set(taken_kinds)
        ]
        if editing:
            # The kind of an aspect stays; a different thing is a new aspect.
            del self.fields["kind"]
            del self.fields["label"]
        else:
            del self.fields["note"]
        self.fields["effective_date"].initial = timezone.localdate()
        self.helper = _helper("Save")
        self.helper.layout = Layout(*self.fields.keys())

    def clean(self):
        data = super().clean()
        label = (data.get("label") or "").strip()
        if data.get("kind") == AspectKind.OTHER and not label:
            self.add_error(
                "label",
                ValidationError("Give this aspect a name.", code="other_needs_label"),
            )
        elif data.get("kind") == AspectKind.OTHER and label.casefold() in self.taken_labels:
            self.add_error(
                "label",
                ValidationError(
                    "This club already has an aspect called %(label)s: edit that one instead.",
                    code="label_taken",
                    params={"label": label},
                ),
            )
        if data.get("status") == AspectStatus.FIXED and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", ValidationError(FIXED_WITHOUT_REASON, code="fixed_without_reason")
            )
        return data


class ClubFilterForm(forms.Form):
    """'My clubs' for people who see many: one district, one stage."""

    district = forms.ModelChoiceField(
        queryset=District.objects.current(),
        required=False,
        empty_label="Every district",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stage = forms.ChoiceField(
        choices=[("", "Every stage"), *Stage.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class CoachAssignForm(forms.Form):
    email = forms.EmailField(
        label="Coach's email address",
        help_text="They need an account as a coach of this partner.",
    )


class CoachUnassignForm(forms.Form):
    """Which of the club's coaches to take off it."""

    user = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": "Choose one of this club's coaches."}
    )

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = club.coaches.all()


class InviteForm(forms.Form):
    """A lead invites someone new by email, as a coach of this club or a lead of the partner."""

    email = forms.EmailField(label="Their email address")
    role = forms.ChoiceField(
        label="As",
        choices=[("coach", "A coach of this club"), ("lead", "A lead of the partner")],
        initial="coach",
        widget=forms.RadioSelect,
    )


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise ValidationError("The two passwords don't match.", code="password_mismatch")
        return data
