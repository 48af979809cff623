"""Shops' connected accounts: created on the first visit of the onboarding page, kept once."""

from django.db import IntegrityError, transaction

from marketplace.db import in_transaction
from shops.services import connect_payout_account

from .gateway import ConnectedAccounts, get_gateway
from .models import PayoutAccount


def account_of(shop) -> str:
    """The shop's Stripe account id; an offline demo account does not count."""
    account_id = shop.stripe_account_id
    return "" if account_id.startswith("offline-") else account_id


def record_account(*, shop, account_id: str) -> PayoutAccount:
    """Idempotent: the shop keeps the first account it got."""
    connect_payout_account(shop_id=shop.pk, account_id=account_id)
    try:
        with transaction.atomic():
            payout, _ = PayoutAccount.objects.get_or_create(
                shop=shop, defaults={"account_id": account_id}
            )
    except IntegrityError:
        payout = PayoutAccount.objects.get(shop=shop)
    return payout


def onboarding_link(*, shop, refresh_path: str, return_path: str) -> str:
    """A fresh Stripe account link for the shop (they expire within minutes). Makes gateway
    calls: call outside any transaction."""
    if in_transaction():
        raise RuntimeError("onboarding calls the gateway: call it outside any transaction")
    gateway = get_gateway()
    if not isinstance(gateway, ConnectedAccounts):
        raise RuntimeError(f"the {gateway.name} gateway has no shop accounts to set up")
    account_id = account_of(shop) or gateway.create_account(shop=shop)
    payout = record_account(shop=shop, account_id=account_id)
    return gateway.account_link(
        account_id=payout.account_id, refresh_url=refresh_path, return_url=return_path
    )
