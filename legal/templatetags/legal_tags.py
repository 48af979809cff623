from django import template

from legal.receipts import RECEIPT_STATUSES

register = template.Library()


@register.filter
def receipt_available(part) -> bool:
    """The part is sold (ready or later): its receipt can be downloaded."""
    return part.status in RECEIPT_STATUSES
