"""The money of each shop's part as rows (PartPayout), computed by the pure `part_money` module.

The ledger is opened from the commission snapshots of all the order's parts (the card fee
is spread over them), so it is the same whenever it is opened; a part keeps the first one.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from logistics.models import OrderPart
from marketplace.giftcards.selectors import card_amount_of_order
from marketplace.payments.fees import rate_for
from marketplace.payments.models import Payment

from .fees import PartCommissionFigures
from .models import PartCommission, PartPayout
from .part_money import PartMoney, open_parts
from .refunds import PartLedger
from .services import snapshot_part


def as_fees(snapshot: PartCommission) -> PartCommissionFigures:
    """A snapshot as the pure maths sees it (line commissions are not needed for payouts)."""
    return PartCommissionFigures(
        line_commissions=(),
        fixed_fee=snapshot.fixed_fee,
        commission_total=snapshot.commission,
        vat_on_commission=snapshot.vat_on_commission,
        platform_fee_total=snapshot.commission + snapshot.vat_on_commission,
        gross=snapshot.gross,
    )


def opening_money(*, part: OrderPart) -> PartMoney:
    parts = list(OrderPart.objects.filter(order_id=part.order_id).order_by("pk"))
    money = order_money(parts, [snapshot_part(part) for part in parts])
    return money[[part.pk for part in parts].index(part.pk)]


def order_money(
    parts: list[OrderPart], snapshots: list[PartCommission], payment: Payment | None = None
) -> tuple[PartMoney, ...]:
    """The opening money of all of one order's parts (in pk order), from their snapshots:
    the payment's real fee when the gateway told it, else its method's rate (read from the
    order's payment unless given; no payment at all pays the card rate)."""
    if payment is None and parts:
        payment = Payment.objects.filter(order_id=parts[0].order_id).first()
    rate = rate_for(payment.method if payment else "")
    return open_parts(
        commissions=[as_fees(snapshot) for snapshot in snapshots],
        delivery_fees=[part.delivery_fee_incl_vat for part in parts],
        card_fee_percentage=rate.percentage,
        card_fee_fixed=rate.fixed,
        known_fee=payment.fee if payment else None,
        gift_card_paid=card_amount_of_order(order_id=parts[0].order_id) if parts else Decimal(0),
    )


def open_payout(*, part: OrderPart) -> PartPayout:
    """The part's payout row, created on first use. Idempotent and safe under concurrency:
    the unique part makes a racing second opener read the first one's row."""
    existing = PartPayout.objects.filter(part=part).first()
    if existing:
        return existing
    money = opening_money(part=part)
    try:
        with transaction.atomic():
            return PartPayout.objects.create(
                part=part,
                shop_id=part.shop_id,
                delivery_fee=money.delivery_fee,
                **{name: getattr(money.ledger, name) for name in PartPayout.LEDGER_FIELDS},
            )
    except IntegrityError:
        return PartPayout.objects.get(part=part)


def money_of(payout: PartPayout, *, transfer: Decimal | None, reversed_: Decimal) -> PartMoney:
    return PartMoney(
        ledger=PartLedger(**{name: getattr(payout, name) for name in PartPayout.LEDGER_FIELDS}),
        delivery_fee=payout.delivery_fee,
        delivery_fee_refunded=payout.delivery_fee_refunded,
        transfer=transfer,
        reversed_=reversed_,
    )


def store_money(payout: PartPayout, money: PartMoney) -> None:
    """Writes a ledger computed under the payout's row lock back to the row."""
    for name in PartPayout.LEDGER_FIELDS:
        setattr(payout, name, getattr(money.ledger, name))
    payout.delivery_fee_refunded = money.delivery_fee_refunded
    payout.save(update_fields=[*PartPayout.LEDGER_FIELDS, "delivery_fee_refunded"])


def mark_completed(payout: PartPayout) -> None:
    """The goods left the shop now: the part belongs to this period's settlement."""
    PartPayout.objects.filter(pk=payout.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
