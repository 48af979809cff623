"""Centre management's campaign form: every field checked, errors name the field."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CampaignKind, Payer
from .services import CampaignTerms

CODE = re.compile(r"^[A-Z0-9-]{4,32}$")
# The browser's date and time picker reads and sends this shape (also for a saved value).
LOCAL_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices)
    payer = forms.ChoiceField(
        label=_("Who pays the discount"),
        choices=Payer.choices,
        help_text=_(
            "Free delivery is always paid by the centre: the delivery fee is the centre's."
        ),
    )
    percentage = forms.DecimalField(
        label=_("Discount percentage"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("90"),
        decimal_places=2,
    )
    minimum_shops = forms.IntegerField(
        label=_("Minimum number of shops (free delivery)"),
        required=False,
        min_value=2,
        max_value=10,
    )
    code = forms.CharField(label=_("Voucher code"), required=False, max_length=32)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LOCAL_MOMENT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LOCAL_MOMENT)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        if kind in (CampaignKind.PERCENTAGE, CampaignKind.VOUCHER) and not data.get("percentage"):
            self.add_error("percentage", _("Give the discount percentage."))
        if kind == CampaignKind.FREE_DELIVERY and not data.get("minimum_shops"):
            self.add_error("minimum_shops", _("Give the minimum number of shops (2 or more)."))
        if kind == CampaignKind.VOUCHER and not CODE.match(data.get("code") or ""):
            self.add_error(
                "code", _("A voucher code is 4 to 32 letters, digits or hyphens, like CITYFEST-26.")
            )
        return data

    def terms(self) -> CampaignTerms:
        data = self.cleaned_data
        return CampaignTerms(
            name=data["name"],
            kind=data["kind"],
            payer=data["payer"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            percentage=data.get("percentage"),
            minimum_shops=data.get("minimum_shops") or 2,
            code=data.get("code") or "",
        )


class CampaignEditForm(CampaignForm):
    """The same fields, filled from the campaign; its kind is shown, not changed."""

    def __init__(self, *args, campaign, **kwargs):
        kwargs["initial"] = {
            "name": campaign.name,
            "kind": campaign.kind,
            "payer": campaign.payer,
            "percentage": campaign.percentage,
            "minimum_shops": campaign.minimum_shops
            if campaign.kind == CampaignKind.FREE_DELIVERY
            else None,
            "code": campaign.code,
            "starts_at": campaign.starts_at,
            "ends_at": campaign.ends_at,
        }
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = True
