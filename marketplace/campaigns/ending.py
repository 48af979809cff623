"""Centre management stops a campaign: one that runs ends now (its measurement then covers
the days it ran), one that has not started is withdrawn with its shops' opt-ins."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from .models import Campaign
from .services import Refused, last_moment

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")


def end_campaign(*, campaign_id: int, now: datetime | None = None) -> Campaign | None:
    """Ends a running campaign at `now`, or deletes one that has not started (returns None
    then). Raises Refused for one that has ended already. Takes the campaign's row lock, so
    a second click changes nothing more."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.ends_at <= now:
            raise Refused(_("This campaign has ended already."))
        if campaign.starts_at > now:
            withdraw(campaign)
            return None
        campaign.ends_at = now
        campaign.save(update_fields=["ends_at"])
        # Oscar's offer and voucher stop applying at the same moment.
        ConditionalOffer.objects.filter(pk=campaign.offer_id).update(end_datetime=last_moment(now))
        if campaign.voucher_id:
            Voucher.objects.filter(pk=campaign.voucher_id).update(end_datetime=last_moment(now))
    return campaign


def withdraw(campaign: Campaign) -> None:
    offer_id, voucher_id = campaign.offer_id, campaign.voucher_id
    campaign.delete()  # its participations go with it
    if voucher_id:
        Voucher.objects.filter(pk=voucher_id).delete()
    ConditionalOffer.objects.filter(pk=offer_id).delete()
