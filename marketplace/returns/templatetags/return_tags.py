"""The order page's returns box of a part (loaded by ordering's template, so ordering's
code does not import returns)."""

from django import template
from django.utils import timezone

from marketplace.returns import services
from marketplace.returns.models import ReturnStatus

register = template.Library()


@register.inclusion_tag("returns/partials/order_part_returns.html")
def part_returns(order, part):
    deadline = services.deadline_of(part)
    return {
        "order": order,
        "part": part,
        "deadline": deadline,
        "open": deadline is not None and timezone.now() <= deadline,
        "returns": [r for r in part.returns.all() if r.status != ReturnStatus.CANCELLED],
        "statuses": ReturnStatus,
    }
