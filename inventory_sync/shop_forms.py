from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .connectors.addresses import UnsafeAddress, check_address
from .feeds import MAX_FILE_BYTES
from .models import PosKind


class StockFileForm(forms.Form):
    file = forms.FileField(
        label=_("Stock file (CSV or XLSX)"),
        help_text=_("Columns: SKU or EAN, quantity, optionally price and title."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: the bytes of a huge file are never held in memory.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PosKind.choices)


SETTING_FIELDS = (
    "base_url",
    "api_version",
    "location_id",
    "series",
    "account_id",
    "shop_id",
    "outlet_id",
)


class ConnectionSettingsForm(forms.Form):
    """Where and how to reach the POS. Secrets are write-only: empty keeps the stored one."""

    # A text box, not type=url: the browser would refuse "winkel.myshopify.com", which
    # the field accepts as https://winkel.myshopify.com.
    base_url = forms.URLField(
        label=_("POS address"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    api_version = forms.CharField(label=_("API version"), required=False, max_length=20)
    location_id = forms.CharField(label=_("Location id"), required=False, max_length=64)
    series = forms.ChoiceField(
        label=_("Lightspeed series"),
        required=False,
        choices=[("", "-"), ("r", "R-Series"), ("x", "X-Series")],
        help_text=_("Only for Lightspeed; empty means R-Series."),
    )
    account_id = forms.CharField(label=_("Account id"), required=False, max_length=64)
    shop_id = forms.CharField(label=_("Lightspeed shop id"), required=False, max_length=64)
    outlet_id = forms.CharField(label=_("Outlet id"), required=False, max_length=64)
    access_token = forms.CharField(
        label=_("Access token"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored token."),
    )
    signing_secret = forms.CharField(
        label=_("Webhook signing secret from your POS"),
        required=False,
        max_length=64,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_base_url(self):
        """Only https to the vendor's own hosts for the connection's kind, resolving to
        public addresses only (issue 15); the calls check again when they connect."""
        url = self.cleaned_data["base_url"]
        if url:
            try:
                check_address(url, self.kind)
            except UnsafeAddress as error:
                raise forms.ValidationError(str(error)) from error
        return url


class LocationForm(forms.Form):
    """Which of the file's locations is this shop; remembered for the next file."""

    location = forms.ChoiceField(label=_("Which location is this shop?"), widget=forms.RadioSelect)

    def __init__(self, *args, locations: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        location = cast(forms.ChoiceField, self.fields["location"])
        location.choices = [(name, name) for name in locations]


# The fields a column can be mapped to, in the words the mapping page uses.
MAPPED_FIELDS = (
    ("sku", _("Your product code (SKU, article number)")),
    ("ean", _("Barcode (EAN)")),
    ("title", _("Product name")),
    ("quantity", _("Quantity in stock")),
    ("price", _("Selling price")),
)


class MappingForm(forms.Form):
    """Which column is which, for a file whose columns were not recognised."""

    price_excl_vat = forms.TypedChoiceField(
        label=_("The selling price in this file is"),
        choices=[("0", _("including VAT")), ("1", _("without VAT"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)"))] + [
            (str(column["index"]), _column_label(column)) for column in columns
        ]
        for name, label in MAPPED_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.Select(attrs={"class": "form-control"}),
            )
        self.order_fields([name for name, _label in MAPPED_FIELDS])

    def clean(self):
        data = super().clean()
        chosen = {name: data.get(name) for name, _label in MAPPED_FIELDS}
        if chosen["quantity"] is None:
            self.add_error("quantity", _("Choose the column with the quantity in stock."))
        if chosen["sku"] is None and chosen["ean"] is None:
            self.add_error("sku", _("Choose the column with your product code or the barcode."))
        used = [column for column in chosen.values() if column is not None]
        if len(used) != len(set(used)):
            raise forms.ValidationError(_("Each column can be chosen once."))
        return data

    def mapping(self) -> dict:
        data = self.cleaned_data
        columns = {name: data[name] for name, _label in MAPPED_FIELDS if data[name] is not None}
        return {**columns, "price_excl_vat": bool(data["price_excl_vat"])}


def _column_label(column: dict) -> str:
    header = column["header"] or _("column %(number)s") % {"number": column["index"] + 1}
    if not column["samples"]:
        return header
    return _("%(header)s (e.g. %(samples)s)") % {
        "header": header,
        "samples": ", ".join(column["samples"]),
    }
