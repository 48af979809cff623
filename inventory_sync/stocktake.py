"""Stock-taking by hand (issue 17): a shop without a till scans or types barcodes and sets or
adjusts the count on the shelf.

A count is the shelf truth, reserved units included (they leave on hand only when collected),
so it is written like a till's count: `counts.write_counts` with the time of the count. That
path never touches reservations, and its event mark keeps an older till event from undoing a
newer count. A count below what is reserved leaves the reservations as they are; available
online is then 0 (`availability.available_from`). A barcode the shop has no offer for becomes a
`StockDraft`, which is outside the catalogue until the owner gives it a name and a price.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.gtin import GTIN_LENGTHS, is_valid_gtin

from .catalogue_services import add_offer_from_stock_row
from .counts import Count, write_counts
from .stocktake_models import StockCount, StockDraft

if TYPE_CHECKING:
    from marketplace.oscar_apps.partner.models import StockRecord as StockRecordModel

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
MAX_COUNT = 100_000
SHOWN_CHARACTERS = 40


class BadBarcode(ValueError):
    """A scanned or typed code that is not a GTIN; its message is for the shop owner."""


def read_barcode(text: str) -> str:
    """The GTIN digits of what was scanned or typed (spaces ignored), or BadBarcode."""
    code = "".join((text or "").split())
    shown = code[:SHOWN_CHARACTERS] + ("…" if len(code) > SHOWN_CHARACTERS else "")
    if not code:
        raise BadBarcode(_("Scan or type a barcode."))
    if not (code.isascii() and code.isdigit()) or len(code) not in GTIN_LENGTHS:
        raise BadBarcode(
            _("“%(code)s” is not a barcode: a barcode (EAN) has 8, 12, 13 or 14 digits.")
            % {"code": shown}
        )
    if not is_valid_gtin(code):
        raise BadBarcode(
            _(
                "“%(code)s” is not a valid barcode: its last digit (the check digit) does not "
                "match. Scan it again or type it carefully; nothing was changed."
            )
            % {"code": shown}
        )
    return code


def spellings(code: str) -> list[str]:
    """The same GTIN at every length: an EAN-13 starting with 0 is the UPC-A without it, and
    any GTIN may be stored left-padded with zeros to 14 digits."""
    padded = code.zfill(14)
    return [padded[-length:] for length in sorted(GTIN_LENGTHS) if not padded[:-length].strip("0")]


def offer_for_barcode(*, shop, code: str, lock: bool = False):
    """The shop's own stock record with this barcode (as EAN, or as its SKU), or None."""
    forms = spellings(code)
    records = StockRecord.objects.filter(partner_id=shop.partner_id).filter(
        Q(product__upc__in=forms) | Q(partner_sku__in=forms)
    )
    if lock:
        records = records.select_for_update(of=("self",))
    return records.select_related("product").order_by("pk").first()


def draft_for_barcode(*, shop, code: str, lock: bool = False) -> StockDraft | None:
    drafts = StockDraft.objects.filter(shop=shop, gtin__in=spellings(code))
    if lock:
        drafts = drafts.select_for_update()
    return drafts.order_by("pk").first()


def catalogue_product(code: str):
    """A public product with this barcode that shops already sell, or None."""
    return Product.objects.filter(upc__in=spellings(code), is_public=True).order_by("pk").first()


@dataclass
class CountResult:
    code: str
    before: int
    after: int
    applied: bool  # False: the till sent a newer count, which stays
    repeated: bool = False  # the same token again: nothing done this time
    record: "StockRecordModel | None" = None  # the shop's StockRecord, or None for a draft
    draft: StockDraft | None = None
    new_draft: bool = False

    @property
    def reserved(self) -> int:
        return self.record.num_allocated if self.record is not None else 0

    @property
    def below_reserved(self) -> bool:
        return self.record is not None and self.applied and self.after < self.reserved


def count_barcode(
    *,
    shop,
    code: str,
    token: uuid.UUID,
    user=None,
    quantity: int | None = None,
    change: int = 0,
) -> CountResult:
    """Sets the count to `quantity`, or adds `change` (+1, -1, 0) to it, for one barcode.

    `code` comes from `read_barcode`. Only the shop's own records are read and written. Safe
    to resend: a token already used returns the first result and changes nothing. Locks the
    record (or draft) for the read and the write, so two phones adding 1 both count.
    """
    if quantity is not None and not 0 <= quantity <= MAX_COUNT:
        raise ValueError(f"a count is 0..{MAX_COUNT}, got {quantity}")
    try:
        with transaction.atomic():
            earlier = _earlier_count(shop, token)
            if earlier is not None:
                return earlier
            record = offer_for_barcode(shop=shop, code=code, lock=True)
            if record is None:
                result = _count_draft(shop, code, user, quantity, change)
            else:
                result = _count_offer(record, code, quantity, change)
            StockCount.objects.create(
                shop=shop,
                token=token,
                gtin=code,
                stockrecord=result.record,
                draft=result.draft,
                before=result.before,
                after=result.after,
                applied=result.applied,
                counted_by=user if getattr(user, "is_authenticated", False) else None,
                counted_at=timezone.now(),
            )
            return result
    except IntegrityError:  # the same token in a request that committed first
        earlier = _earlier_count(shop, token)
        if earlier is None:  # not the token: another constraint
            raise
        return earlier


def _new_count(before: int, quantity: int | None, change: int) -> int:
    return quantity if quantity is not None else min(max(before + change, 0), MAX_COUNT)


def _count_offer(record, code: str, quantity: int | None, change: int) -> CountResult:
    before = record.num_in_stock or 0
    after = _new_count(before, quantity, change)
    outcome = write_counts([Count(record.pk, after, timezone.now())])
    applied = record.pk in outcome.fresh
    record.refresh_from_db(fields=["num_in_stock", "num_allocated"])
    return CountResult(code, before, record.num_in_stock, applied, record=record)


def _count_draft(shop, code: str, user, quantity: int | None, change: int) -> CountResult:
    draft = draft_for_barcode(shop=shop, code=code, lock=True)
    created = draft is None
    if draft is None:
        draft, created = StockDraft.objects.select_for_update().get_or_create(
            shop=shop, gtin=code, defaults={"created_by": user if user and user.pk else None}
        )
    before = draft.quantity
    draft.quantity = _new_count(before, quantity, change)
    draft.save(update_fields=["quantity", "updated_at"])
    return CountResult(code, before, draft.quantity, True, draft=draft, new_draft=created)


def _earlier_count(shop, token) -> CountResult | None:
    count = (
        StockCount.objects.filter(shop=shop, token=token)
        .select_related("stockrecord__product", "draft")
        .first()
    )
    if count is None:
        return None
    return CountResult(
        count.gtin,
        count.before,
        count.after,
        count.applied,
        repeated=True,
        record=count.stockrecord,
        draft=count.draft,
    )


def complete_draft(*, shop, draft_id: int, title: str, price: Decimal, vat_rate: Decimal):
    """Makes the draft the shop's offer, with the counted units on hand; the draft goes.

    A product other shops already sell keeps its name (one product, two offers). Raises
    OfferRefused (nothing changes) when the shop already sells the barcode or uses it as SKU.
    """
    with transaction.atomic():
        draft = StockDraft.objects.select_for_update().get(shop=shop, pk=draft_id)
        known = Product.objects.filter(upc__in=spellings(draft.gtin)).order_by("pk").first()
        ean = known.upc if known is not None else draft.gtin
        record = add_offer_from_stock_row(
            shop=shop, sku=draft.gtin, ean=ean, title=title, price=price, on_hand=draft.quantity
        )
        StockRecord.objects.filter(pk=record.pk).update(vat_rate=vat_rate)
        StockCount.objects.filter(draft=draft).update(stockrecord=record)
        draft.delete()
    return record


def delete_draft(*, shop, draft_id: int) -> bool:
    deleted, _kinds = StockDraft.objects.filter(shop=shop, pk=draft_id).delete()
    return bool(deleted)


def drafts_for_shop(shop):
    return StockDraft.objects.filter(shop=shop)


def recent_counts_for_shop(shop, *, limit: int = 10):
    return StockCount.objects.filter(shop=shop).select_related("stockrecord__product")[:limit]
