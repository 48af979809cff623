"""Centre management changes a campaign that has not started: its name, period, discount,
who pays, minimum number of shops or voucher code, with its Oscar offer and voucher. Its kind
stays (another kind is another campaign), and once it runs its terms are fixed: shops took
part and orders used them (a running campaign can only be ended: ending.py)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from .models import Campaign, CampaignKind
from .services import (
    CampaignTerms,
    Refused,
    campaign_fields,
    code_in_use,
    last_moment,
    offer_label,
)

ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Voucher = get_model("voucher", "Voucher")
STARTED = gettext_lazy("This campaign has started: its terms can no longer change.")


def edit_campaign(*, campaign_id: int, terms: CampaignTerms, now: datetime | None = None):
    """Raises Refused (nothing changed) once the campaign has started, for another kind, or
    for a voucher code another voucher has."""
    try:
        return _edit(campaign_id, terms, now or timezone.now())
    except IntegrityError as clash:  # a voucher with this code was made meanwhile
        raise code_in_use(terms.code) from clash


def taken(code: str, campaign: Campaign) -> bool:
    return Voucher.objects.filter(code=code).exclude(pk=campaign.voucher_id).exists()


def _edit(campaign_id: int, terms: CampaignTerms, now: datetime) -> Campaign:
    with transaction.atomic():
        # The row lock orders this after a concurrent end, withdrawal or opt-in check.
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.starts_at <= now:
            raise Refused(str(STARTED))
        if terms.kind != campaign.kind:
            raise Refused(_("A campaign keeps its kind; make a new campaign."), field="kind")
        voucher = terms.kind == CampaignKind.VOUCHER
        if voucher and taken(terms.code, campaign):
            raise code_in_use(terms.code)
        for name, value in campaign_fields(terms).items():
            setattr(campaign, name, value)
        campaign.save()
        label = offer_label(terms.name, campaign.pk)
        ConditionalOffer.objects.filter(pk=campaign.offer_id).update(
            name=label, start_datetime=terms.starts_at, end_datetime=last_moment(terms.ends_at)
        )
        offer = ConditionalOffer.objects.get(pk=campaign.offer_id)
        Condition.objects.filter(pk=offer.condition_id).update(value=campaign.minimum_shops)
        if terms.kind != CampaignKind.FREE_DELIVERY:
            Benefit.objects.filter(pk=offer.benefit_id).update(value=terms.percentage)
        if voucher:
            Voucher.objects.filter(pk=campaign.voucher_id).update(
                name=label,
                code=terms.code,
                start_datetime=terms.starts_at,
                end_datetime=last_moment(terms.ends_at),
            )
    return campaign
