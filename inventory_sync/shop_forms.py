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
