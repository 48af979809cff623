"""What commission does when an order part moves (subscribed in apps.py): the part's ledger
decides the money and payments moves it. Both move money and both are idempotent: the
refund by its key, the transfer once per part's payout."""

from marketplace import events

from .part_transfers import refund_part_payment, refundable_of, schedule_part_transfer


def refund_rejected_part(event: events.PartRejected) -> None:
    # The consumer gets back all that is left of the part (lines refused before were
    # refunded or moved already); the part's fees are reversed with it.
    left = refundable_of(event.part)
    if left > 0:
        refund_part_payment(
            part=event.part, amount=left, key=f"rejected-part-{event.part.pk}", reason=event.reason
        )


def refund_uncollected_part(event: events.PartUncollected) -> None:
    # In full: the consumer paid, and the terms agree no fee for goods left uncollected.
    # A hub part's transfer, already made, is reversed by the shop's share.
    refund_part_payment(
        part=event.part,
        amount=event.part.total_incl_vat,
        key=f"uncollected-part-{event.part.pk}",
        reason="not collected",
    )


def transfer_shop_share(event: events.GoodsLeftShop) -> None:
    # The shop's share is due once the goods left the shop; sent after the commit.
    schedule_part_transfer(part=event.part)


def subscribe() -> None:
    events.subscribe(events.PartRejected, refund_rejected_part)
    events.subscribe(events.GoodsLeftShop, transfer_shop_share)
    events.subscribe(events.PartUncollected, refund_uncollected_part)
