"""What payments does when a shop is approved (subscribed in apps.py): the owner's welcome
e-mail gets the link where the shop sets up payouts, which only the gateway knows."""

from marketplace import events
from marketplace.outbox import enqueue
from shops.models import Shop
from shops.tasks import send_shop_approved_email

from .gateway import get_gateway


def email_approved_owner(event: events.ShopApproved) -> None:
    shop = Shop.objects.get(pk=event.shop_id)
    payout_link = get_gateway().payout_onboarding_link(shop=shop)
    enqueue(send_shop_approved_email, event.shop_id, event.owner_id, payout_link)


def subscribe() -> None:
    events.subscribe(events.ShopApproved, email_approved_owner)
