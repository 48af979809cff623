from django import template

from marketplace.ordering.basket import basket_groups
from marketplace.thumbnails import attach_thumbnails

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_shop_groups(context, formset):
    """The basket formset's forms grouped by shop: [(BasketGroup, [(index, form), ...]), ...]."""
    basket = context["request"].basket
    forms = {form.instance.pk: (index, form) for index, form in enumerate(formset)}
    groups = basket_groups(basket)
    # The photos the lines show (product_photo) get their thumbnails in one query, not one
    # per line; Oscar's basket lines prefetch the images without them.
    first_photos = [form.instance.product.images.all()[:1] for _, form in forms.values()]
    attach_thumbnails([photo for photos in first_photos for photo in photos], "original")
    return [
        (group, [forms[line.pk] for line in group.lines if line.pk in forms]) for group in groups
    ]


@register.simple_tag
def field_for(form, prefix: str, group):
    """The bound field `<prefix>_<partner id>` of a checkout form for one shop's group."""
    return form[f"{prefix}_{group.shop.partner_id}"]
