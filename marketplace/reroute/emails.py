"""The consumer's e-mails about a refused line: the offers, the move, the refund."""

from oscar.core.loading import get_model

from logistics.emails import shop_addresses
from marketplace.mail import recipient_of, send_templated

from .models import JoinedLine, SecondChance
from .offers import offers_for

Line = get_model("order", "Line")
KINDS = {"refused", "moved", "refunded"}


def send_chance_email(chance_id: int, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail {kind!r}")
    chance = SecondChance.objects.select_related(
        "line__product", "part__shop__partner", "part__order__user", "new_line"
    ).get(pk=chance_id)
    order = chance.part.order
    context = {
        "order": order,
        "chance": chance,
        "line": chance.line,
        "shop_name": chance.part.shop.partner.name,
        "offers": offers_for(chance.line)[:5] if kind == "refused" else [],
        "new_line": chance.new_line,
        "difference": difference_back(chance),
    }
    send_templated(to=recipient_of(order), template=f"reroute/emails/line_{kind}", context=context)


def difference_back(chance: SecondChance):
    """What the move gave back: the line's old price less its new one (never below 0)."""
    if chance.new_line is None:
        return None
    back = chance.line.line_price_incl_tax - chance.new_line.line_price_incl_tax
    return back if back > 0 else None


def send_line_added_email(joined_id: int) -> None:
    """To the shop: a line was added to its part of an order. Only its own line and part:
    not which shop refused it, nor that shop's price."""
    joined = JoinedLine.objects.select_related("line", "part__shop__partner", "part__order").get(
        pk=joined_id
    )
    part = joined.part
    context = {
        "part": part,
        "order_number": part.order.number,
        "line": joined.line,
        "shop_name": part.shop.partner.name,
    }
    for address in shop_addresses(part.shop):
        send_templated(to=address, template="reroute/emails/shop_line_added", context=context)
