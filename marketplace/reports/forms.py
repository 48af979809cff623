from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Period

LONGEST_PERIOD_DAYS = 366
DEFAULT_DAYS = 30
GRANULARITIES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(label=_("Per"), choices=GRANULARITIES, initial="day")

    @classmethod
    def for_query(cls, query):
        """Bound to the query string, with the last 30 days where it says nothing."""
        today = timezone.localdate()
        data = {
            "start": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "end": today.isoformat(),
            "granularity": "day",
        }
        data.update({key: query[key] for key in data if query.get(key)})
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif start and end and (end - start).days + 1 > LONGEST_PERIOD_DAYS:
            self.add_error(
                "start",
                _("Choose a period of at most %(days)s days.") % {"days": LONGEST_PERIOD_DAYS},
            )
        return cleaned

    def default_period(self) -> Period:
        """The period of an empty query: the last 30 days up to today."""
        return Period(
            start=date.fromisoformat(self.data["start"]), end=date.fromisoformat(self.data["end"])
        )

    def period(self) -> Period:
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])
