"""Oscar's offers are looked for only when an offer exists.

Oscar's Applicator reads the basket's vouchers and the site offers each time it applies
offers: when the basket middleware loads a basket and again for the basket page's upsell
messages (four queries on the basket page). Every offer, a voucher's included, is a
ConditionalOffer: while there is none at all, no offer can apply, so the Applicator finds
none without asking. Whether one exists is kept in the cache, cleared when an offer is
saved or deleted (and at most OFFERS_SECONDS old for offers written around the ORM);
without the cache (Redis down reads as a miss: optional_cache.py) it is one small query.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from oscar.apps.offer.applicator import Applicator as OscarApplicator
from oscar.core.loading import get_model

KEY = "storefront:offers-exist"
OFFERS_SECONDS = 60


def offers_exist() -> bool:
    known = cache.get(KEY)
    if known is not None:
        return known
    exists = get_model("offer", "ConditionalOffer").objects.exists()
    cache.set(KEY, exists, OFFERS_SECONDS)
    return exists


def forget_offers(**kwargs) -> None:
    cache.delete(KEY)


class Applicator(OscarApplicator):
    """Oscar's, without its queries while no offer exists."""

    def get_offers(self, basket, user=None, request=None):
        if not offers_exist():
            return []
        return super().get_offers(basket, user, request)


def watch_offers() -> None:
    """StorefrontConfig.ready: an offer saved or deleted clears the flag."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    post_save.connect(forget_offers, sender=ConditionalOffer, dispatch_uid="offers-exist-save")
    post_delete.connect(forget_offers, sender=ConditionalOffer, dispatch_uid="offers-exist-del")
