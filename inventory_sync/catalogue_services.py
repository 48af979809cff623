"""A shop's own products and offers. A product shared with other shops (same EAN) keeps its
details; a shop changes only its own offer (price, VAT, stock, SKU) of it."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.gtin import is_valid_gtin
from marketplace.rich_text import clean_rich_text
from shops.models import Shop

from .services import set_on_hand

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")


class OfferRefused(Exception):
    def __init__(self, message: str, *, field: str = "__all__"):
        super().__init__(message)
        self.field = field


def sole_seller(record) -> bool:
    return (
        not StockRecord.objects.filter(product_id=record.product_id).exclude(pk=record.pk).exists()
    )


def add_offer(
    *,
    shop: Shop,
    ean: str,
    title: str,
    description: str,
    category,
    price: Decimal,
    vat_rate: Decimal,
    on_hand: int,
    sku: str,
    image=None,
    image_alt: str = "",
):
    """Sells a product: the existing one with this EAN, or a new one. Idempotent per EAN."""
    with transaction.atomic():
        product = Product.objects.filter(upc=ean).first()
        if product is None:
            product = Product.objects.create(
                upc=ean,
                title=title,
                description=clean_rich_text(description),
                product_class=ProductClass.objects.get_or_create(
                    name=category.get_ancestors_and_self()[0].name,
                    defaults={"track_stock": True},
                )[0],
            )
            ProductCategory.objects.create(product=product, category=category)
            if image:
                add_photo(product=product, image=image, alt=image_alt)
        elif StockRecord.objects.filter(product=product, partner_id=shop.partner_id).exists():
            raise OfferRefused(
                _("You already sell EAN %(ean)s (%(title)s); edit that offer instead.")
                % {"ean": ean, "title": product.get_title()},
                field="ean",
            )
        return create_offer_record(
            shop=shop, product=product, sku=sku, price=price, vat_rate=vat_rate, on_hand=on_hand
        )


def create_offer_record(*, shop: Shop, product, sku: str, price, vat_rate, on_hand: int):
    """The shop's stock record for `product`, refused when the shop already uses the SKU.
    Precondition: inside the caller's transaction, after its EAN checks."""
    if StockRecord.objects.filter(partner_id=shop.partner_id, partner_sku=sku).exists():
        raise OfferRefused(_("Your shop already uses SKU %(sku)s.") % {"sku": sku}, field="sku")
    return StockRecord.objects.create(
        product=product,
        partner_id=shop.partner_id,
        partner_sku=sku,
        price=price,
        vat_rate=vat_rate,
        num_in_stock=on_hand,
        num_allocated=0,
    )


def add_photo(*, product, image, alt: str) -> None:
    """Appends a photo to the product (Oscar shows the lowest display order first)."""
    ProductImage.objects.create(
        product=product,
        original=image,
        caption=alt,
        display_order=ProductImage.objects.filter(product=product).count(),
    )


def replace_photo(*, product, image, alt: str) -> None:
    """Puts a new file in the product's first photo; the old file and its thumbnails are
    deleted once no photo uses them (marketplace/thumbnails.py)."""
    first = ProductImage.objects.filter(product=product).order_by("display_order", "id").first()
    if first is None:
        add_photo(product=product, image=image, alt=alt)
        return
    first.original = image
    first.caption = alt or first.caption
    first.save()


def update_offer(*, shop: Shop, stockrecord_id: int, changes: dict, product_changes: dict) -> None:
    """Changes the shop's own offer; product details only when no other shop sells it."""
    with transaction.atomic():
        record = StockRecord.objects.select_for_update().get(
            pk=stockrecord_id, partner_id=shop.partner_id
        )
        on_hand = changes.pop("num_in_stock", None)
        StockRecord.objects.filter(pk=record.pk).update(**changes)
        if on_hand is not None and on_hand != record.num_in_stock:
            set_on_hand(stockrecord_id=record.pk, quantity=on_hand)
        if product_changes and sole_seller(record):
            image, alt = product_changes.pop("image", None), product_changes.pop("image_alt", "")
            if "description" in product_changes:
                product_changes["description"] = clean_rich_text(product_changes["description"])
            Product.objects.filter(pk=record.product_id).update(**product_changes)
            if image:
                replace_photo(product=record.product, image=image, alt=alt)


def add_offer_from_stock_row(
    *, shop: Shop, sku: str, ean: str, title: str, price: Decimal | None, on_hand: int
):
    """ "Create product from this row" for a stock-feed or POS row that matched nothing.

    The EAN must be a valid GTIN. A product with this EAN sold by another shop gets this
    shop's stock record attached (one product, two offers), never a duplicate product.
    Refuses (OfferRefused, nothing created) what add_offer refuses.
    """
    ean, sku, title = (ean or "").strip(), (sku or "").strip(), (title or "").strip()
    if ean and not is_valid_gtin(ean):
        raise OfferRefused(
            _("EAN %(ean)s is not a valid barcode (check digit).") % {"ean": ean}, field="ean"
        )
    if price is None or price <= 0:
        raise OfferRefused(_("This row has no price; add the product by hand."), field="price")
    if not sku and not ean:
        raise OfferRefused(_("This row has no SKU and no EAN."), field="sku")
    with transaction.atomic():
        product = Product.objects.filter(upc=ean).first() if ean else None
        if product is None:
            product = Product.objects.create(
                upc=ean or None,
                title=title or sku or ean,
                product_class=ProductClass.objects.get_or_create(
                    name=shop.get_kind_display(), defaults={"track_stock": True}
                )[0],
            )
        elif StockRecord.objects.filter(product=product, partner_id=shop.partner_id).exists():
            raise OfferRefused(_("You already sell EAN %(ean)s.") % {"ean": ean}, field="ean")
        return create_offer_record(
            shop=shop,
            product=product,
            sku=sku or ean,
            price=price,
            vat_rate=Decimal("21.00"),
            on_hand=max(on_hand, 0),
        )
