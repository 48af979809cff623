"""What the checkout page shows besides the form: the totals per choice, the consumer's
last delivery address to start from, and the form's errors as one list at the top."""

import json
from decimal import Decimal

from logistics.models import OrderPart, PartMethod

from .delivery import delivery_fee, split_street_line


def totals(groups, rules, form) -> dict:
    """Products, delivery fees for the shops chosen for delivery, and the grand total.
    The page's script recomputes them as choices change; this is the first view."""
    products = sum((group.subtotal for group in groups), Decimal("0.00"))
    fees = {
        group.shop.partner_id: delivery_fee(subtotal=group.subtotal, rules=rules)
        for group in groups
    }
    chosen = {key for key in fees if form[f"method_{key}"].value() == PartMethod.DELIVERY}
    delivery = sum((fees[key] for key in chosen), Decimal("0.00"))
    return {
        "products": products,
        "delivery": delivery,
        "total": products + delivery,
        # For the script: the fee of each shop (by partner id) when it is delivered.
        "fees_json": json.dumps({str(key): str(fee) for key, fee in fees.items()}),
    }


def last_address(user) -> dict:
    """The consumer's most recent delivery address, to fill the form with."""
    part = (
        OrderPart.objects.filter(order__user=user, method=PartMethod.DELIVERY)
        .exclude(postcode="")
        .order_by("-created_at")
        .first()
    )
    if part is None:
        return {}
    street = part.address_line
    split = split_street_line(part.address_line)
    if split and split[1] == part.house_number:
        street = split[0]
    return {
        "recipient_name": part.recipient_name,
        "postcode": part.postcode,
        "house_number": part.house_number,
        "house_number_addition": part.house_number_addition,
        "address_line": street,
        "city": part.city,
        "phone": part.phone,
    }


def error_list(form) -> list[tuple[str, str, str]]:
    """(field id or "", label, message) for every error, for a summary that links to them."""
    found = [("", "", str(error)) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        field = form[name]
        found += [(field.id_for_label, str(field.label), str(error)) for error in errors]
    return found
