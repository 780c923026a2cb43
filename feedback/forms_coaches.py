"""Coaches' forms: input checks only; the rules live in `feedback.services`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clubs.models import Aspect, Club
from feedback import rules
from feedback.models import Decider, Outcome
from feedback.selectors_coaches import RecordPeriod


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: forms.Form, error: ValidationError, rename=None) -> None:
    """Puts a service's ValidationError on the form: on its field where the form has one."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = rename.get(name, name)
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        for e in error.error_list:
            form.add_error(None, e)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why are you returning it? The author reads this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Tell the author why, so they can change it."},
    )


def _offer_dates_to(form: forms.Form, club: Club, *names: str) -> None:
    """Date pickers offer no date past the latest the club can keep (`rules.latest_date`);
    the service refuses a later one with the rule's message (these forms are `novalidate`)."""
    today = timezone.localdate()
    for name in names:
        form.fields[name].widget.attrs["max"] = rules.latest_date(club, name, today).isoformat()


class AcknowledgeForm(forms.Form):
    decider = forms.ChoiceField(label="Who decides?", choices=Decider.choices)
    decide_by = forms.DateField(
        label="Decide by (date)",
        widget=DateInput(),
        error_messages={"required": "Say by when it will be decided."},
    )

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_dates_to(self, club, "decide_by")


# The fields each outcome asks for, after the outcome and the answer. The form parses
# them all (the service refuses what does not fit the outcome) but shows only these.
CHANGE_FIELDS = ("promised_by", "change_aspect", "change_value", "change_effective")
OUTCOME_FIELDS = {
    Outcome.ADOPTED: CHANGE_FIELDS,
    Outcome.ADAPTED: CHANGE_FIELDS,
    Outcome.TRIAL: CHANGE_FIELDS,
    Outcome.DEFERRED: ("deferred_until",),
    Outcome.NOT_POSSIBLE: ("not_possible_aspect", "reason"),
    Outcome.NOT_ADOPTED: ("reason",),
    Outcome.DUPLICATE: ("duplicate_of",),
}
REASON_LABELS = {
    Outcome.NOT_ADOPTED: "Reason (at least one full sentence; coaches and the record see it)",
    Outcome.NOT_POSSIBLE: "Reason (optional; coaches and the record see it)",
}


class DecideForm(forms.Form):
    """The decision, in two steps: the outcome, then only that outcome's fields.

    `outcome` (a keyword) is the outcome already chosen when the form is not bound,
    e.g. from `?outcome=adopted`; a bound form takes it from its data.
    """

    outcome = forms.ChoiceField(
        label="What did you decide?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you decided."},
    )
    answer = forms.CharField(
        label="Your answer (the young people read this)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Write an answer for the young people: they will read it."},
    )
    reason = forms.CharField(
        label=REASON_LABELS[Outcome.NOT_ADOPTED],
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    deferred_until = forms.DateField(
        label="Look at it again on (date)", widget=DateInput(), required=False
    )
    not_possible_aspect = forms.ModelChoiceField(
        label="The fixed aspect that stops it",
        queryset=None,
        required=False,
        empty_label="Choose the aspect",
    )
    duplicate_of = forms.ModelChoiceField(
        label="The idea it duplicates",
        queryset=None,
        required=False,
        empty_label="Choose the idea",
    )
    promised_by = forms.DateField(
        label="Promised by (date)",
        widget=DateInput(),
        required=False,
        help_text="Or record the change now, below: one of the two is needed.",
    )
    change_aspect = forms.ModelChoiceField(
        label="Aspect that changes",
        queryset=None,
        required=False,
        empty_label="No change yet",
    )
    change_value = forms.CharField(label="New value", max_length=200, required=False)
    change_effective = forms.DateField(
        label="Changes from (date)", widget=DateInput(), required=False
    )
    confirm_moving_goalposts = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, club: Club, duplicates, outcome: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        aspects = club.aspects.all()
        self.fields["not_possible_aspect"].queryset = aspects
        self.fields["change_aspect"].queryset = aspects
        self.fields["duplicate_of"].queryset = duplicates
        _offer_dates_to(self, club, "deferred_until", "promised_by")
        chosen = self.data.get("outcome", "") if self.is_bound else outcome
        self.chosen = chosen if chosen in OUTCOME_FIELDS else ""
        if self.chosen and not self.is_bound:
            self.initial["outcome"] = self.chosen
        if self.chosen in REASON_LABELS:
            self.fields["reason"].label = REASON_LABELS[self.chosen]

    @property
    def has_change(self) -> bool:
        return bool(self.cleaned_data.get("change_aspect"))

    @property
    def chosen_fields(self) -> list[forms.BoundField]:
        """The chosen outcome's fields (the answer first); none before an outcome is chosen."""
        if not self.chosen:
            return []
        return [self[name] for name in ("answer", *OUTCOME_FIELDS[self.chosen])]

    @property
    def change_fields(self) -> tuple[str, ...]:
        return CHANGE_FIELDS[1:]

    @property
    def other_errors(self) -> list[str]:
        """Errors on fields this outcome does not show, so that none is lost."""
        if not self.is_bound:
            return []
        shown = {"outcome", "answer", *OUTCOME_FIELDS.get(self.chosen, ())}
        return [e for name, errors in self.errors.items() if name not in shown for e in errors]


class ChangeForm(forms.Form):
    aspect = forms.ModelChoiceField(label="Aspect", queryset=None)
    new_value = forms.CharField(
        label="New value",
        max_length=200,
        error_messages={"required": "Enter the new value."},
    )
    effective_date = forms.DateField(
        label="From", widget=DateInput(), error_messages={"required": "Say from when."}
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = club.aspects.all()


class ReopenForm(forms.Form):
    note = forms.CharField(label="Why look at it again? (optional)", max_length=500, required=False)


class RoundForm(forms.Form):
    question = forms.CharField(
        label="Question for the young people",
        max_length=200,
        error_messages={"required": "Write the question you are asking."},
    )
    description = forms.CharField(
        label="More detail (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    aspect = forms.ModelChoiceField(
        label="About (optional)", queryset=None, required=False, empty_label="Anything"
    )
    opens_on = forms.DateField(label="Opens on", widget=DateInput())
    closes_on = forms.DateField(label="Closes on", widget=DateInput())

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = club.aspects.all()

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                ValidationError("It must close on or after the day it opens.", code="order"),
            )
        return data


class LearningForm(forms.Form):
    round = forms.ModelChoiceField(
        label="About a question (optional)",
        queryset=None,
        required=False,
        empty_label="No particular question",
    )
    proposal = forms.ModelChoiceField(
        label="About an idea (optional)",
        queryset=None,
        required=False,
        empty_label="No particular idea",
    )
    period_start = forms.DateField(
        label="Or for a term or period: from", widget=DateInput(), required=False
    )
    period_end = forms.DateField(label="to", widget=DateInput(), required=False)
    getting = forms.CharField(
        label="What are the young people getting out of this?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    learning = forms.CharField(
        label="What am I learning from them?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    acting = forms.CharField(
        label="How will I act on it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = club.rounds.all()
        self.fields["proposal"].queryset = club.proposals.visible_to_members()


class RecordFilterForm(forms.Form):
    """The club record's period and aspect.

    With no dates in the query the record shows its default period (the last 12 weeks,
    and anything dated later); a date left blank is no limit on that side, so both
    blank is the whole record.
    """

    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)
    aspect = forms.ModelChoiceField(
        label="Aspect", queryset=None, required=False, empty_label="All aspects"
    )

    def __init__(self, data=None, *args, club: Club, **kwargs):
        default = RecordPeriod.default()
        if data is not None and "start" not in data and "end" not in data:
            data = data.copy()  # e.g. only an aspect: the default period, shown in the form
            data["start"] = default.start.isoformat()
        super().__init__(data, *args, **kwargs)
        self.fields["aspect"].queryset = club.aspects.all()
        self.initial["start"] = default.start.isoformat()

    def clean(self):
        data = super().clean()
        first, last = RecordPeriod.FIRST, RecordPeriod.LAST
        for name in ("start", "end"):
            day = data.get(name)
            if day and not first <= day <= last:
                self.add_error(
                    name,
                    ValidationError(
                        "Choose a date from %(first)s to %(last)s.",
                        code="out_of_range",
                        params={"first": first.year, "last": last.year},
                    ),
                )
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("The period must end after it starts.", code="order")
        return data

    def choice(self) -> tuple[RecordPeriod, Aspect | None]:
        """The period and aspect asked for; the default period and every aspect when the
        input is missing or wrong (the template says why)."""
        if not self.is_bound or not self.is_valid():
            return RecordPeriod.default(), None
        data = self.cleaned_data
        return RecordPeriod(data.get("start"), data.get("end")), data.get("aspect")


class ConcernHandleForm(forms.Form):
    note = forms.CharField(label="What you did (optional)", max_length=2000, required=False)
