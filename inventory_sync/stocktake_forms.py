"""Forms of the stock-taking page: a scan (or typed barcode), a count, a draft's details."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .stocktake import MAX_COUNT, BadBarcode, read_barcode

MODE_SHOW, MODE_ADD, MODE_REMOVE = "show", "add", "remove"
CHANGE_OF_MODE = {MODE_ADD: 1, MODE_REMOVE: -1}


class BarcodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Barcode"),
            max_length=200,
            strip=True,
            error_messages={"required": _("Scan or type a barcode.")},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        try:
            return read_barcode(value)
        except BadBarcode as error:
            raise forms.ValidationError(str(error)) from None


class ScanForm(forms.Form):
    code = BarcodeField()
    mode = forms.ChoiceField(
        label=_("On each scan"),
        choices=[
            (MODE_SHOW, _("Show the product, then I type the count")),
            (MODE_ADD, _("Add 1 to the count")),
            (MODE_REMOVE, _("Take 1 off the count")),
        ],
        initial=MODE_SHOW,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)


class CountForm(forms.Form):
    code = BarcodeField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Count on the shelf"), min_value=0, max_value=MAX_COUNT, required=False
    )
    change = forms.TypedChoiceField(
        choices=[("", ""), ("1", "+1"), ("-1", "-1")],
        coerce=int,
        required=False,
        empty_value=0,  # type: ignore[arg-type]  # Django takes any value; its stubs say str
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if (
            not data.get("change")
            and data.get("quantity") is None
            and "quantity" not in self.errors
        ):
            self.add_error("quantity", _("Type how many are on the shelf."))
        return data


VAT_CHOICES = [
    (Decimal("21.00"), _("21% (most goods)")),
    (Decimal("9.00"), _("9% (food, books, flowers)")),
    (Decimal("0.00"), _("0%")),
]


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Product name"), max_length=255)
    price = forms.DecimalField(
        label=_("Price incl. VAT (€)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("99999.99"),
        max_digits=7,
        decimal_places=2,
        localize=True,
    )
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate"), choices=VAT_CHOICES, coerce=Decimal, initial=VAT_CHOICES[0][0]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["price"].widget.attrs["inputmode"] = "decimal"
