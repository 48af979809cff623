"""Forms for events and news, as a shop or centre management writes them."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event, NewsItem

MAX_RECURRENCE_DAYS = 366
MAX_EVENT_LENGTH = timedelta(days=31)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class DateInput(forms.DateInput):
    input_type = "date"


class PublicationForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the image in a few words."))
        return data


class EventForm(PublicationForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "text",
            "category",
            "starts_at",
            "ends_at",
            "recurrence",
            "repeat_until",
            "at_place",
            "address",
            "image",
            "image_alt",
            "link",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "repeat_until": DateInput(),
            "text": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "address": _("Leave the place and the address empty for an event at your shop."),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The end must be after the start."))
            elif ends - starts > MAX_EVENT_LENGTH:
                self.add_error("ends_at", _("An event lasts at most 31 days; repeat it instead."))
        until = data.get("repeat_until")
        if data.get("recurrence"):
            if not until:
                self.add_error("repeat_until", _("Say until when the event repeats."))
            elif starts and until < starts.date():
                self.add_error("repeat_until", _("The last day is before the first."))
            elif starts and (until - starts.date()).days > MAX_RECURRENCE_DAYS:
                self.add_error("repeat_until", _("An event repeats for at most a year."))
        elif until:
            data["repeat_until"] = None
        if data.get("at_place") and data.get("address"):
            self.add_error("address", _("Choose a place or write an address, not both."))
        return data


class NewsForm(PublicationForm):
    class Meta:
        model = NewsItem
        fields = ["title", "text", "category", "image", "image_alt", "link"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
