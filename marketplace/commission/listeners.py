"""What commission does when an order part moves (subscribed in apps.py): the part's ledger
decides the money and payments moves it. Both move money and both are idempotent: the
refund by its key, the transfer once per part's payout."""

from marketplace import events

from .part_transfers import refund_part_payment, schedule_part_transfer


def refund_rejected_part(event: events.PartRejected) -> None:
    # The consumer gets the part back in full; the part's fees are reversed with it.
    refund_part_payment(
        part=event.part,
        amount=event.part.total_incl_vat,
        key=f"rejected-part-{event.part.pk}",
        reason=event.reason,
    )


def transfer_shop_share(event: events.GoodsLeftShop) -> None:
    # The shop's share is due once the goods left the shop; sent after the commit.
    schedule_part_transfer(part=event.part)


def subscribe() -> None:
    events.subscribe(events.PartRejected, refund_rejected_part)
    events.subscribe(events.GoodsLeftShop, transfer_shop_share)
