from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.gtin import is_valid_ean13
from marketplace.rich_text import clean_rich_text

from .models import OpeningHoursException, Shop

Category = get_model("catalogue", "Category")
VAT_RATES = [("21.00", "21%"), ("9.00", "9%"), ("0.00", "0%")]


def clean_ean13(value: str) -> str:
    code = (value or "").strip().replace(" ", "")
    if not is_valid_ean13(code):
        raise forms.ValidationError(
            _("“%(code)s” is not a valid EAN-13: 13 digits with a correct check digit."),
            params={"code": value},
        )
    return code


class OfferForm(forms.Form):
    price = forms.DecimalField(
        label=_("Price incl. VAT (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    vat_rate = forms.TypedChoiceField(label=_("VAT rate"), choices=VAT_RATES, coerce=Decimal)
    num_in_stock = forms.IntegerField(label=_("On hand"), min_value=0, max_value=1_000_000)
    partner_sku = forms.CharField(label=_("SKU"), max_length=128)


class ProductDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    image = forms.ImageField(label=_("Photo"), required=False)
    image_alt = forms.CharField(
        label=_("What the photo shows (for screen readers)"), max_length=200, required=False
    )

    def clean_description(self):
        return clean_rich_text(self.cleaned_data.get("description"))

    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the photo in a few words."))
        return data


class NewProductForm(OfferForm, ProductDetailsForm):
    ean = forms.CharField(label=_("EAN-13"), max_length=20)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(depth=2)
    )

    field_order = ["ean", "title", "category", "description", "price", "vat_rate"]

    def clean_ean(self):
        return clean_ean13(self.cleaned_data["ean"])


class ProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Shop
        fields = [
            "description",
            "pickup_instructions",
            "phone",
            "email",
            "website",
            "street",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "safety_buffer",
            "return_days",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DayHoursForm(forms.Form):
    """One weekday: closed, or open in one period, or two around a lunch break."""

    open = forms.BooleanField(label=_("Open"), required=False)
    opens = forms.TimeField(label=_("Opens"), required=False)
    closes = forms.TimeField(label=_("Closes"), required=False)
    opens_again = forms.TimeField(label=_("Opens again"), required=False)
    closes_again = forms.TimeField(label=_("Closes again"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("open"):
            return data
        if not data.get("opens") or not data.get("closes"):
            raise forms.ValidationError(_("Give opening and closing times for an open day."))
        if data["opens"] >= data["closes"]:
            raise forms.ValidationError(_("Closing time must be after opening time."))
        again = data.get("opens_again"), data.get("closes_again")
        if any(again) and (not all(again) or not data["closes"] < again[0] < again[1]):
            raise forms.ValidationError(
                _("The second period must start after the first ends, and end after it starts.")
            )
        return data

    def periods(self) -> list[tuple]:
        data = self.cleaned_data
        if not data.get("open"):
            return []
        periods = [(data["opens"], data["closes"])]
        if data.get("opens_again"):
            periods.append((data["opens_again"], data["closes_again"]))
        return periods


DayHoursFormSet = forms.formset_factory(
    DayHoursForm, extra=0, min_num=7, max_num=7, validate_min=True, validate_max=True
)


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = OpeningHoursException
        fields = ["date", "closed", "opens", "closes", "reason"]
        # ISO: a date input takes no other form, whatever the language.
        widgets = {"date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def has_changed(self):
        # A blank extra row (no date) is left alone, whatever its pre-ticked "closed" box says.
        if self.instance.pk is None and not self.data.get(self.add_prefix("date")):
            return False
        return super().has_changed()

    def clean(self):
        data = super().clean()
        if not data.get("closed"):
            opens, closes = data.get("opens"), data.get("closes")
            if not opens or not closes or opens >= closes:
                raise forms.ValidationError(
                    _("An open exception needs an opening time before its closing time.")
                )
        return data


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("Photo of the shop"))
    alt = forms.CharField(label=_("What the photo shows (for screen readers)"), max_length=200)
