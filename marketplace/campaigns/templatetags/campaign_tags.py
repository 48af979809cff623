from django import template

from marketplace.campaigns.checkout import applied_campaigns
from marketplace.campaigns.selectors import uses_of_order

register = template.Library()


@register.simple_tag
def basket_campaigns(basket):
    """The campaigns Oscar applied to this basket, with what each gives."""
    return applied_campaigns(basket)


@register.simple_tag
def order_campaigns(order):
    return uses_of_order(order=order)


@register.simple_tag
def settlement_campaigns(settlement):
    from marketplace.campaigns.statements import statement_rows

    return statement_rows(settlement)


@register.simple_tag
def voucher_codes_running():
    """Whether an event's voucher code works now: the basket then offers a code field."""
    from marketplace.campaigns.selectors import voucher_campaign_running

    return voucher_campaign_running()
