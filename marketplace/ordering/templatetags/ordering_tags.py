from django import template

from marketplace.ordering.basket import basket_groups

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_shop_groups(context, formset):
    """The basket formset's forms grouped by shop: [(BasketGroup, [(index, form), ...]), ...]."""
    basket = context["request"].basket
    forms = {form.instance.pk: (index, form) for index, form in enumerate(formset)}
    return [
        (group, [forms[line.pk] for line in group.lines if line.pk in forms])
        for group in basket_groups(basket)
    ]


@register.simple_tag
def field_for(form, prefix: str, group):
    """The bound field `<prefix>_<partner id>` of a checkout form for one shop's group."""
    return form[f"{prefix}_{group.shop.partner_id}"]


@register.simple_tag
def offers_for_product(product) -> list:
    """Every active shop that sells the product, cheapest first, with units available online.

    `stale`: the shop's POS feed is older than its limit, so no count is shown.
    """
    from django.utils import timezone
    from oscar.core.loading import get_model

    from inventory_sync.selectors import available_from, stock_is_stale

    StockRecord = get_model("partner", "StockRecord")
    records = (
        StockRecord.objects.filter(product=product, partner__shop__status="active")
        .select_related("partner__shop__pos_connection")
        .order_by("price", "id")
    )
    now = timezone.now()
    for record in records:
        record.stale = stock_is_stale(record.partner.shop, now)
        record.available = available_from(
            on_hand=record.num_in_stock,
            reserved=record.num_allocated,
            safety_buffer=record.partner.shop.safety_buffer,
        )
    return list(records)
