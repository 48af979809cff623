"""Oscar's offer machinery for campaigns: the condition and benefits that know which shops
take part. Oscar's applicator finds and applies them like any offer (its `proxy_class`); a
product two shops sell is one Product, so they filter basket lines by the line's shop
(stock record partner), not by product range."""

from decimal import Decimal

from django.utils.translation import gettext as _
from oscar.apps.offer import results
from oscar.apps.offer.benefits import PercentageDiscountBenefit
from oscar.core.loading import get_model

Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Range = get_model("offer", "Range")

ALL_PRODUCTS_RANGE = "Campaigns: every product"


def participating_partner_ids(offer) -> set[int]:
    """The partners of the shops that opted in to the offer's campaign, read once per offer
    object (the applicator asks for every line and every application)."""
    cached = getattr(offer, "_campaign_partner_ids", None)
    if cached is None:
        from .models import Participation

        cached = set(
            Participation.objects.filter(campaign__offer_id=offer.pk).values_list(
                "shop__partner_id", flat=True
            )
        )
        offer._campaign_partner_ids = cached
    return cached


def participating_lines(offer, basket) -> list:
    partners = participating_partner_ids(offer)
    return [
        line
        for line in basket.all_lines()
        if line.stockrecord_id
        and line.stockrecord.partner_id in partners
        and line.product.is_discountable
    ]


class ParticipatingShopsCondition(Condition):  # type: ignore[valid-type,misc]
    """Satisfied by lines of at least `value` participating shops (1 for a percentage)."""

    class Meta:
        app_label = "campaigns"
        proxy = True

    @property
    def name(self):
        return _("Lines of at least %(count)s participating shops") % {"count": self.value or 1}

    @property
    def description(self):
        return self.name

    def shops_needed(self) -> int:
        return max(1, int(self.value or 1))

    def is_satisfied(self, offer, basket):
        lines = participating_lines(offer, basket)
        return len({line.stockrecord.partner_id for line in lines}) >= self.shops_needed()

    def is_partially_satisfied(self, offer, basket):
        return bool(participating_lines(offer, basket))

    def consume_items(self, offer, basket, affected_lines):
        """Nothing to consume: the benefit itself marks the lines it discounted."""

    def get_upsell_message(self, offer, basket):
        return ""


class ParticipatingShopsPercentageBenefit(PercentageDiscountBenefit):
    """Oscar's percentage discount, on the lines of participating shops only."""

    class Meta:
        app_label = "campaigns"
        proxy = True

    @property
    def name(self):
        return _("%(percentage)s%% off at participating shops") % {"percentage": self.value}

    @property
    def description(self):
        return self.name

    def get_applicable_lines(self, offer, basket, range=None):  # noqa: A002 (Oscar's name)
        partners = participating_partner_ids(offer)
        return [
            (price, line)
            for price, line in super().get_applicable_lines(offer, basket, range=range)
            if line.stockrecord.partner_id in partners
        ]


class ParticipatingShopsFreeDeliveryBenefit(Benefit):  # type: ignore[valid-type,misc]
    """Recorded as Oscar's shipping discount; the fee itself is per part (ordering), which
    asks `free_delivery_partner_ids` for the parts it waives."""

    class Meta:
        app_label = "campaigns"
        proxy = True

    @property
    def name(self):
        return _("Free delivery at participating shops")

    @property
    def description(self):
        return self.name

    def apply(self, basket, condition, offer, **kwargs):
        condition.consume_items(offer, basket, affected_lines=())
        return results.SHIPPING_DISCOUNT

    def shipping_discount(self, charge, currency=None):
        return Decimal("0.00")


def class_path(klass) -> str:
    return f"{klass.__module__}.{klass.__name__}"


def all_products_range():
    found, _ = Range.objects.get_or_create(
        name=ALL_PRODUCTS_RANGE, defaults={"includes_all_products": True}
    )
    return found
