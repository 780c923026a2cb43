"""Filters for the indicator pages: the period, and for the county its slices and sort."""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.functional import cached_property

from clubs.models import Club, District, Partner, Stage
from feedback.indicators.core import Window
from feedback.indicators.dashboards import SORTS

MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Control:
    """A filter's control as the page draws it: a date input, or a select and its options
    (value, label, chosen)."""

    name: str
    id: str
    label: str
    is_date: bool
    value: str
    options: list[tuple[str, str, bool]]


class PeriodForm(forms.Form):
    """A period to judge; empty fields mean the default (the last 12 weeks).

    Every period is bounded, so no page can be asked for centuries of months (a slow
    page, or a date past the calendar's end: HTTP 500): at most three years, ending no
    later than a year from today, and for one club within its funding dates (from its
    funding start to its funding end, or today if later: "and beyond").
    """

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, club=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.club = club

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end")
        if start and not end and start > today:
            raise ValidationError("The period can't start after today.", code="future")
        if start and end and end < start:
            raise ValidationError("The period must end on or after its start.", code="order")
        errors = []
        latest = today + timedelta(days=366)
        if end and end > latest:
            errors.append(
                ValidationError(f"Choose an end on or before {latest:%-d %b %Y}.", code="too_late")
            )
        if start and (end or today) - start > timedelta(days=MAX_DAYS):
            errors.append(
                ValidationError("Choose a period of three years or less.", code="too_long")
            )
        if self.club is None and (start or end):
            first = Club.objects.aggregate(first=Min("funding_start"))["first"] or today
            if (start or end) < first:
                errors.append(
                    ValidationError(
                        f"The first club's funding started on {first:%-d %b %Y}: "
                        "choose a period from then.",
                        code="before_funding",
                    )
                )
        if self.club is not None:
            first, last = self.club.funding_start, max(self.club.funding_end, today)
            if start and start < first:
                errors.append(
                    ValidationError(
                        f"The club's funding started on {first:%-d %b %Y}: "
                        "choose a start from then.",
                        code="before_funding",
                    )
                )
            if end and end > last:
                errors.append(
                    ValidationError(
                        f"Choose an end on or before {last:%-d %b %Y}.", code="after_funding"
                    )
                )
        if errors:
            raise ValidationError(errors)
        return data

    @cached_property
    def controls(self) -> list[Control]:
        """Each field as `_filter_fields.html` draws it, its chosen value worked out once per
        field, not once per option (the county form's 140 options took 7.6 ms to draw)."""
        out = []
        for field in self:
            value = field.value()
            chosen = "" if value is None else str(value)
            is_date = isinstance(field.field, forms.DateField)
            options = (
                []
                if is_date
                else [(str(v), label, str(v) == chosen) for v, label in field.field.choices]
            )
            out.append(
                Control(field.html_name, field.id_for_label, field.label, is_date, chosen, options)
            )
        return out

    def window(self) -> Window:
        """The chosen period, or the default one when the input is missing or invalid."""
        if self.is_bound and self.is_valid():
            return Window.make(self.cleaned_data.get("start"), self.cleaned_data.get("end"))
        return Window.make()


class CountyFilterForm(PeriodForm):
    county = forms.ChoiceField(required=False)
    district = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"), required=False, empty_label="All districts"
    )
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"), required=False, empty_label="All partners"
    )
    stage = forms.ChoiceField(choices=[("", "All stages"), *Stage.choices], required=False)
    activity = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False, label="Sort by")

    field_order = ["county", "district", "partner", "stage", "activity", "start", "end", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = list(
            District.objects.order_by("county").values_list("county", flat=True).distinct()
        )
        if len(counties) > 1:  # one county: all clubs are its clubs, nothing to choose
            self.fields["county"].choices = [("", "All counties")] + [(c, c) for c in counties]
        else:
            del self.fields["county"]
        activities = Club.objects.order_by("activity").values_list("activity", flat=True).distinct()
        self.fields["activity"].choices = [("", "All activities")] + [(a, a) for a in activities]

    def chosen(self) -> list[str]:
        """The filters chosen, in words: "district Hart", "stage Delivery"..."""
        if not (self.is_bound and self.is_valid()):
            return []
        data, words = self.cleaned_data, []
        for name, label in (
            ("county", "county"),
            ("district", "district"),
            ("partner", "partner"),
            ("activity", "activity"),
        ):
            if data.get(name):
                words.append(f"{label} {data[name]}")
        if data.get("stage"):
            words.append(f"stage {Stage(data['stage']).label}")
        return words

    @property
    def scope(self) -> str:
        """What the page shows, for its headings: every club, or the filter chosen."""
        chosen = self.chosen()
        if not chosen:
            return "Every Satellite Club in Hampshire and the Isle of Wight"
        return "Satellite Clubs with " + ", ".join(chosen)

    def filter(self, clubs):
        if not (self.is_bound and self.is_valid()):
            return clubs
        data = self.cleaned_data
        if data.get("county"):
            clubs = clubs.filter(district__county=data["county"])
        if data.get("district"):
            clubs = clubs.filter(district=data["district"])
        if data.get("partner"):
            clubs = clubs.filter(partner=data["partner"])
        if data.get("stage"):
            clubs = clubs.filter(stage=data["stage"])
        if data.get("activity"):
            clubs = clubs.filter(activity=data["activity"])
        return clubs

    @property
    def sort_key(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("sort") or "name"
        return "name"


class PartnerFilterForm(PeriodForm):
    # One partner's page: sorting by partner would change nothing.
    sort = forms.ChoiceField(
        choices=[(key, label) for key, label in SORTS.items() if key != "partner"],
        required=False,
        label="Sort by",
    )

    @property
    def sort_key(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("sort") or "name"
        return "name"
