from dataclasses import dataclass, field

from .models import ChanceStatus, SecondChance, TopUp, TopUpStatus
from .offers import NotOffered, Offer, not_offered, offers_for


@dataclass(frozen=True)
class ChanceView:
    """A refused line as the order page shows it: its offers while open, and the difference
    waiting to be paid."""

    chance: SecondChance
    offers: list[Offer]
    top_up: TopUp | None
    not_offered: list[NotOffered] = field(default_factory=list)


def chances_of_part(part) -> list[ChanceView]:
    chances = list(
        SecondChance.objects.filter(part=part)
        .select_related("line__product", "new_line")
        .order_by("pk")
    )
    pending = {
        top_up.chance_id: top_up
        for top_up in TopUp.objects.filter(
            chance__in=chances, status=TopUpStatus.PENDING
        ).select_related("part__shop__partner")
    }
    return [
        ChanceView(
            chance=chance,
            offers=offers_for(chance.line) if chance.status == ChanceStatus.OPEN else [],
            top_up=pending.get(chance.pk),
            not_offered=not_offered(chance.line) if chance.status == ChanceStatus.OPEN else [],
        )
        for chance in chances
    ]
