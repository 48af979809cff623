"""What reroute does when a shop refuses a line or a whole part (subscribed in apps.py):
offer the consumer the same product elsewhere (money: money.py)."""

from marketplace import events

from .services import open_chance_for_refused_line, open_chances_for_rejected_part


def line_refused(event: events.LineRefused) -> None:
    open_chance_for_refused_line(part=event.part, line_id=event.line_id, reason=event.reason)


def part_rejected(event: events.PartRejected) -> None:
    open_chances_for_rejected_part(part=event.part)


def subscribe() -> None:
    events.subscribe(events.LineRefused, line_refused)
    events.subscribe(events.PartRejected, part_rejected)
