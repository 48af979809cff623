"""The public application form of a shop, and the forms centre management decides with."""

from datetime import time

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import validators
from .models import Shop, ShopKind, Weekday
from .services import KVK_TAKEN, Application


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=128)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    chamber_of_commerce_number = forms.CharField(
        label=_("Chamber of commerce (KvK) number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "12345678"}),
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "NL123456789B01"}),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10, widget=forms.TextInput(attrs={"placeholder": "1234 AB"})
    )
    city = forms.CharField(label=_("City"), max_length=100)
    contact_name = forms.CharField(label=_("Contact name"), max_length=150)
    contact_email = forms.EmailField(
        label=_("E-mail"), help_text=_("The decision goes here; it becomes your sign-in.")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    kind = forms.ChoiceField(label=_("Kind of shop"), choices=ShopKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].initial = settings.TOWN_NAME

    def clean_chamber_of_commerce_number(self):
        number = validators.normalise_kvk_number(self.cleaned_data["chamber_of_commerce_number"])
        if Shop.objects.filter(chamber_of_commerce_number=number).exists():
            raise forms.ValidationError(KVK_TAKEN, code="kvk_taken")
        return number

    def clean_vat_number(self):
        return validators.normalise_vat_number(self.cleaned_data["vat_number"])

    def clean_postcode(self):
        return validators.normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone(self):
        return validators.normalise_phone(self.cleaned_data["phone"])


class DayHoursForm(forms.Form):
    """One weekday: open or closed, and if open from when to when."""

    is_open = forms.BooleanField(label=_("Open"), required=False)
    opens = forms.TimeField(
        label=_("Opens"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes = forms.TimeField(
        label=_("Closes"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, data=None, *, weekday: int, **kwargs):
        super().__init__(data, prefix=f"day-{weekday}", **kwargs)
        self.weekday = weekday
        self.day_name = Weekday(weekday).label
        for name in ("opens", "closes"):
            # Each row's time fields need their own accessible name: the header is not enough.
            self.fields[name].widget.attrs.update(
                {
                    "class": "form-control form-control-sm",
                    "aria-label": f"{self.day_name}: {self.fields[name].label}",
                }
            )

    def clean(self):
        data = super().clean()
        if not data.get("is_open"):
            return data
        opens, closes = data.get("opens"), data.get("closes")
        if opens is None and "opens" not in self.errors:
            self.add_error("opens", _("Give the opening time, or untick Open."))
        if closes is None and "closes" not in self.errors:
            self.add_error("closes", _("Give the closing time, or untick Open."))
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The closing time must be after the opening time."))
        return data

    def period(self) -> tuple[int, time, time] | None:
        if not self.cleaned_data.get("is_open"):
            return None
        return (self.weekday, self.cleaned_data["opens"], self.cleaned_data["closes"])


def default_hours(weekday: int) -> dict:
    """A starting point most town-centre shops recognise: Monday to Saturday, Sunday closed."""
    if weekday == Weekday.SUNDAY:
        return {"is_open": False, "opens": time(12), "closes": time(17)}
    return {"is_open": True, "opens": time(9, 30), "closes": time(17, 30)}


def week_forms(data=None) -> list[DayHoursForm]:
    """Seven fixed rows, Monday first; the weekday comes from the row, never from the post."""
    return [DayHoursForm(data, weekday=day, initial=default_hours(day)) for day in Weekday.values]


def to_application(form: ApplicationForm, days: list[DayHoursForm]) -> Application:
    data = form.cleaned_data
    return Application(
        name=data["name"].strip(),
        legal_name=data["legal_name"].strip(),
        chamber_of_commerce_number=data["chamber_of_commerce_number"],
        vat_number=data["vat_number"],
        street=data["street"].strip(),
        postcode=data["postcode"],
        city=data["city"].strip(),
        contact_name=data["contact_name"].strip(),
        contact_email=data["contact_email"].strip(),
        phone=data["phone"],
        kind=data["kind"],
        hours=[period for day in days if (period := day.period())],
    )


class DecisionForm(forms.Form):
    """Approve or reject: the message goes into the e-mail to the applicant."""

    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectionForm(DecisionForm):
    message = forms.CharField(
        label=_("Reason, sent to the applicant"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the applicant why their shop is not approved.")},
    )
