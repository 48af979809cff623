"""Delivery rules: the zone by postcode, the house (address register, or the postcode area's
centre), the fee. The slots are logistics.slots."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from logistics.models import DeliverySettings, PostcodeArea
from logistics.slots import DeliveryRefused

from . import address_lookup

POSTCODE = re.compile(r"^\s*(\d{4})\s?([A-Za-z]{2})\s*$")
# "Walstraat 3", "Walstraat 3A", "Walstraat 3 - 2": a street line typed with its number.
STREET_AND_NUMBER = re.compile(
    r"^(?P<street>.*[^\d\s])\s+(?P<number>[1-9]\d{0,4})"
    r"(?:\s*(?P<letter>[A-Za-z]{1,3})|\s*-\s*(?P<extra>[A-Za-z0-9]{1,6}))?\s*$"
)


@dataclass(frozen=True)
class DeliveryAddress:
    recipient_name: str
    address_line: str  # street, number and addition on one line, as on an envelope
    postcode: str
    city: str
    phone: str
    latitude: Decimal
    longitude: Decimal
    house_number: str = ""
    house_number_addition: str = ""
    # Unless the address register placed the house, the point is the postcode area's centre.
    location_approximate: bool = True
    # What the consumer allows when nobody opens the door.
    allow_neighbour: bool = False
    safe_place: str = ""


def split_street_line(line: str) -> tuple[str, str, str] | None:
    """(street, number, addition) of "Walstraat 3A"; None when no number ends the line."""
    match = STREET_AND_NUMBER.match(line or "")
    if not match:
        return None
    addition = match.group("letter") or match.group("extra") or ""
    return match.group("street").strip(), match.group("number"), addition.upper()


def street_line(street: str, number: str, addition: str) -> str:
    """ "Walstraat", "3", "A" -> "Walstraat 3A"; a numeric addition after a hyphen: "3-2"."""
    joiner = "-" if addition[:1].isdigit() else ""
    return f"{street} {number}{joiner}{addition}".strip()


def find_house(*, postcode: str, house_number: str, addition: str):
    """The house from the address register, or None when the register cannot say (the
    caller then uses the postcode area's centre, marked approximate). Raises DeliveryRefused
    on the house number when the register has no such house. Makes a network call: call it
    outside a transaction."""
    try:
        return address_lookup.lookup_address(
            postcode=postcode, house_number=house_number, addition=addition
        )
    except address_lookup.AddressUnknown as unknown:
        raise DeliveryRefused(str(unknown), field="house_number") from unknown


def normalise_postcode(raw: str) -> str:
    match = POSTCODE.match(raw or "")
    if not match:
        raise DeliveryRefused(
            _("“%(postcode)s” is not a Dutch postcode (like 7411 AB).") % {"postcode": raw},
            field="postcode",
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def locate_in_zone(postcode: str) -> PostcodeArea:
    """The postcode area (with coordinates) of an address inside an active delivery zone."""
    normalised = normalise_postcode(postcode)
    area = (
        PostcodeArea.objects.filter(pc4=normalised[:4], zone__is_active=True)
        .select_related("zone")
        .first()
    )
    if area is None:
        covered = zone_postcode_summary()
        raise DeliveryRefused(
            _(
                "We deliver in %(covered)s only; %(postcode)s is outside the delivery zone. "
                "Choose collect at the shop instead."
            )
            % {"covered": covered, "postcode": normalised},
            field="postcode",
        )
    return area


def zone_postcode_summary() -> str:
    codes = list(PostcodeArea.objects.filter(zone__is_active=True).values_list("pc4", flat=True))
    if not codes:
        return _("no postcodes yet")
    return f"{min(codes)}–{max(codes)}" if len(codes) > 2 else ", ".join(codes)


def delivery_fee(*, subtotal: Decimal, rules: DeliverySettings) -> Decimal:
    """The fee for delivering one shop's part: free from the threshold on."""
    if rules.free_from is not None and subtotal >= rules.free_from:
        return Decimal("0.00")
    return Decimal(rules.fee_incl_vat).quantize(Decimal("0.01"))
