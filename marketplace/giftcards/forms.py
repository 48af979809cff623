from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shops.models import Shop, ShopStatus

from .models import Scheme


class SchemeForm(forms.ModelForm):
    shops = forms.ModelMultipleChoiceField(
        label=_("Participating shops"),
        queryset=Shop.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Scheme
        fields = [
            "is_active",
            "title",
            "text",
            "colour",
            "min_amount",
            "max_amount",
            "pin_above",
            "validity_months",
            "shops",
        ]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shops"].queryset = (
            Shop.objects.filter(status=ShopStatus.ACTIVE)
            .select_related("partner")
            .order_by("partner__name")
        )
        self.fields["shops"].label_from_instance = lambda shop: shop.partner.name

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", _("The highest amount must not be below the lowest."))
        return data


def amount_field(label=None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label or _("Amount in euros"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class BuyForm(forms.Form):
    amount = amount_field()
    email = forms.EmailField(
        label=_("Send the card to"),
        help_text=_("Your own address, or that of the person you give it to."),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Gift card code"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.CharField(
        label=_("PIN (cards above the PIN limit)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RedeemForm(forms.Form):
    card = forms.CharField(max_length=80, widget=forms.HiddenInput)  # the code, shown
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)
    pin = forms.CharField(max_length=12, required=False, widget=forms.HiddenInput)
    amount = amount_field(_("Amount to take off the card"))


class SellForm(forms.Form):
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)
    amount = amount_field(_("Amount of the new card"))


class ActivateForm(forms.Form):
    """A pre-printed card sold at the counter: the amount taken at the till."""

    card = forms.CharField(max_length=80, widget=forms.HiddenInput)  # the code, shown
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)
    amount = amount_field(_("Amount of the card"))


class PrintRunForm(forms.Form):
    count = forms.IntegerField(label=_("Number of cards to print"), min_value=1, max_value=1000)
