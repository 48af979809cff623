"""Where the courier collects a return: the house as the address register has it, like a
delivery (docs/addresses.md). The consumer's own delivery point serves when the pickup is
at the address the part was delivered to; when the register cannot say, the postcode
area's centre stands in, marked approximate on the courier's route."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from logistics.slots import DeliveryRefused
from marketplace.ordering.address_lookup import normalise_addition
from marketplace.ordering.delivery import (
    find_house,
    normalise_postcode,
    split_street_line,
    street_line,
)


class PickupRefused(Exception):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Pickup:
    slot_id: int
    address_line: str
    postcode: str
    city: str
    phone: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_approximate: bool = True


def place_pickup(*, part, pickup: Pickup) -> Pickup:
    """The pickup with its postcode normalised and, where known, the house's point. Raises
    PickupRefused (naming the field) for a postcode or house the register does not have.
    May ask the register over the network: call it outside a transaction."""
    try:
        postcode = normalise_postcode(pickup.postcode)
    except DeliveryRefused as refused:
        raise PickupRefused(str(refused), field="postcode") from refused
    split = split_street_line(pickup.address_line)
    if split is None:
        raise PickupRefused(
            _("Give the street and the house number, like Walstraat 3A."), field="address_line"
        )
    street, number, addition = split
    pickup = replace(pickup, postcode=postcode)
    if delivered_here(part, postcode=postcode, number=number, addition=addition):
        return replace(
            pickup, latitude=part.latitude, longitude=part.longitude, location_approximate=False
        )
    try:
        house = find_house(postcode=postcode, house_number=number, addition=addition)
    except DeliveryRefused as refused:
        raise PickupRefused(str(refused), field="address_line") from refused
    if house is None:
        return pickup
    return replace(
        pickup,
        address_line=street_line(house.street, number, normalise_addition(house.addition)),
        city=house.city,
        latitude=house.latitude,
        longitude=house.longitude,
        location_approximate=False,
    )


def delivered_here(part, *, postcode: str, number: str, addition: str) -> bool:
    """The part went to this very house, and the register placed it then."""
    return bool(
        part.latitude is not None
        and not part.location_approximate
        and part.postcode == postcode
        and part.house_number == number
        and normalise_addition(part.house_number_addition) == normalise_addition(addition)
    )
