"""What reroute does when a shop refuses a line or a whole part (subscribed in apps.py):
offer the consumer the same product elsewhere (money: money.py)."""

from marketplace import events

from .services import (
    cancel_top_up,
    open_chance_for_refused_line,
    open_chances_for_rejected_part,
    pay_top_up,
)


def line_refused(event: events.LineRefused) -> None:
    open_chance_for_refused_line(part=event.part, line_id=event.line_id, reason=event.reason)


def part_rejected(event: events.PartRejected) -> None:
    open_chances_for_rejected_part(part=event.part)


def top_up_paid(event: events.TopUpPaid) -> None:
    pay_top_up(top_up_id=event.top_up_id, reference=event.reference)


def top_up_ended(event: events.TopUpEnded) -> None:
    cancel_top_up(top_up_id=event.top_up_id, reason="the payment page expired")


def subscribe() -> None:
    events.subscribe(events.TopUpPaid, top_up_paid)
    events.subscribe(events.TopUpEnded, top_up_ended)
    events.subscribe(events.LineRefused, line_refused)
    events.subscribe(events.PartRejected, part_rejected)
