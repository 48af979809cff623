"""Rollups of sales per local day, written only by `services.refresh_sales_days`.

What counts as a sale is defined once, in `definitions.py`; these tables hold its figures
already summed, so a report over a million order lines reads a few thousand rows. Every
row belongs to one local day and one shop, so a day (or one shop's day) is replaced as a
whole and reports scoped to a shop filter on the shop column first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from logistics.models import PartMethod

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class DailyShopSales(models.Model):
    """One shop's sales of one day by one method (collect, delivery, hub)."""

    day = models.DateField()
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10, choices=PartMethod.choices)
    # Sold parts: each is one shop's order. `orders` counts a consumer order once, at its
    # sold part with the lowest id, so summing it over shops gives distinct orders.
    parts = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv = models.DecimalField(**MONEY)
    gmv_excl_vat = models.DecimalField(**MONEY)
    refunds = models.DecimalField(**MONEY)
    commission = models.DecimalField(**MONEY)
    commission_vat = models.DecimalField(**MONEY)
    lost_parts = models.PositiveIntegerField(default=0)
    lost_value = models.DecimalField(**MONEY)
    deliveries_done = models.PositiveIntegerField(default=0)
    deliveries_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "shop", "method"], name="one_shop_sales_row")
        ]
        indexes = [models.Index(fields=["shop", "day"], name="shop_sales_shop_day_idx")]

    def __str__(self):
        return f"{self.day} {self.shop_id} {self.method}"


class DailyCategorySales(models.Model):
    """The goods of one shop's sold parts of one day, by the product's category and method."""

    day = models.DateField()
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    method = models.CharField(max_length=10, choices=PartMethod.choices)
    parts = models.PositiveIntegerField(default=0)  # sold parts with this category in them
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv = models.DecimalField(**MONEY)
    gmv_excl_vat = models.DecimalField(**MONEY)
    commission = models.DecimalField(**MONEY)  # on the goods: lines' snapshots, no fixed fee

    class Meta:
        # Rows without a category are not kept unique by the database (NULLs are distinct);
        # services.write_days writes one row per key.
        constraints = [
            models.UniqueConstraint(
                fields=["day", "shop", "category", "method"],
                name="one_category_sales_row",
            )
        ]
        indexes = [
            models.Index(fields=["shop", "day"], name="category_sales_shop_day_idx"),
            models.Index(fields=["day", "category"], name="category_sales_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.shop_id} {self.category_id} {self.method}"


class DailyProductSales(models.Model):
    """One product's sales by one shop on one day (for the top products)."""

    day = models.DateField()
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "shop", "product"], name="one_product_sales_row")
        ]
        indexes = [
            models.Index(fields=["shop", "day"], name="product_sales_shop_day_idx"),
            # The exact sums of a few candidate products (blocks.top_products_walk).
            models.Index(fields=["product", "day"], name="product_sales_product_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.shop_id} {self.product_id}"


class ProductSalesBlock(models.Model):
    """One product's sales by every shop over an aligned block of `size` days from `start`,
    derived from DailyProductSales (blocks.py). Read best first, a block ranks products
    without summing all of them: the centre's top products of any period."""

    size = models.PositiveSmallIntegerField()
    start = models.DateField()
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["size", "start", "product"], name="one_product_block_row"
            )
        ]
        indexes = [
            models.Index(fields=["size", "start", "-gmv", "product"], name="product_block_rank_idx")
        ]

    def __str__(self):
        return f"{self.start}+{self.size} {self.product_id}"


class DailyPickupMinutes(models.Model):
    """How many of a shop's parts of a day were collected that many whole minutes after they
    were ready: summed over days it gives the exact median, in one small GROUP BY."""

    day = models.DateField()
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField()
    parts = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "shop", "minutes"], name="one_pickup_minutes_row"
            )
        ]
        indexes = [models.Index(fields=["shop", "day"], name="pickup_minutes_shop_day_idx")]

    def __str__(self):
        return f"{self.day} {self.shop_id} {self.minutes}: {self.parts}"


class RollupDay(models.Model):
    """A day the rollups hold; its row is locked while the day is rewritten."""

    day = models.DateField(primary_key=True)
    refreshed_at = models.DateTimeField()

    def __str__(self):
        return str(self.day)


class RollupWatermark(models.Model):
    """One row (pk=1): changes before `changes_until` are in the rollups."""

    changes_until = models.DateTimeField(_("changes until"))

    def __str__(self):
        return f"{self.changes_until:%Y-%m-%d %H:%M}"
