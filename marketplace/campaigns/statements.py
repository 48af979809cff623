"""The campaign lines of a shop's statement: per campaign, the discount the centre paid the
shop (inside the statement's gross) or the discount the shop gave (outside it)."""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import CampaignUse, Payer


def statement_rows(settlement) -> list[tuple[str, Decimal]]:
    """Of the settlement's own shop's parts only (first statement of each part)."""
    rows = (
        CampaignUse.objects.filter(
            shop_id=settlement.shop_id,
            part__payout__settlement_id=settlement.pk,
            discount__gt=0,
        )
        .values("campaign__name", "campaign_id", "payer")
        .annotate(total=Sum("discount"))
        .order_by("campaign_id")
    )
    found = []
    for row in rows:
        if row["payer"] == Payer.CENTRE:
            text = _("Campaign “%(name)s”: discount the centre pays you (in the gross sales)")
        else:
            text = _("Campaign “%(name)s”: discount your shop gave (not in the gross sales)")
        found.append((text % {"name": row["campaign__name"]}, row["total"]))
    return found
