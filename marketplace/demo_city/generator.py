"""The demo city as plain data: deterministic for a seed, no database, no I/O.

Everything is derived from `random.Random(seed)` in a fixed order, so the same seed and
anchor date give the same city, and natural keys (slugs, EANs, SKUs, e-mails, order
numbers) let the loader insert only what is missing.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils.text import slugify

from marketplace.gtin import make_ean13

from . import vocabulary as words

METRES_PER_DEGREE = 111_320
CITY_RADIUS_METRES = 1500


@dataclass(frozen=True)
class Size:
    shops: int
    products: int
    order_lines: int
    couriers: int
    customers: int


SIZES = {
    "demo": Size(shops=40, products=2_000, order_lines=5_000, couriers=5, customers=200),
    "large": Size(
        shops=500, products=100_000, order_lines=1_000_000, couriers=50, customers=20_000
    ),
}


@dataclass(frozen=True)
class ShopSpec:
    slug: str
    name: str
    kind: str
    legal_name: str
    chamber_of_commerce_number: str
    vat_number: str
    street: str
    postcode: str
    latitude: Decimal
    longitude: Decimal
    hours: tuple[tuple[int, time, time], ...]
    closed_dates: tuple[tuple[date, str], ...]
    pickup_instructions: str
    owner_email: str


@dataclass(frozen=True)
class OfferSpec:
    shop_index: int
    sku: str
    price: Decimal
    vat_rate: Decimal
    num_in_stock: int


@dataclass(frozen=True)
class ProductSpec:
    upc: str
    title: str
    kind: str
    category: str
    description: str
    offers: tuple[OfferSpec, ...]


@dataclass(frozen=True)
class PersonSpec:
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class CourierSpec:
    person: PersonSpec
    vehicle: str
    capacity_parts: int
    capacity_litres: int
    shift_starts: time
    shift_ends: time


@dataclass(frozen=True)
class LineSpec:
    product_index: int
    offer_index: int
    quantity: int


@dataclass(frozen=True)
class OrderSpec:
    number: str
    customer_index: int
    placed_at: datetime
    delivery: bool
    lines: tuple[LineSpec, ...]


@dataclass
class City:
    size: Size
    seed: int
    today: date
    centre: tuple[float, float]
    shops: list[ShopSpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)
    customers: list[PersonSpec] = field(default_factory=list)
    couriers: list[CourierSpec] = field(default_factory=list)

    def orders(self) -> Iterator[OrderSpec]:
        """The order history, generated lazily: the large city has a million lines."""
        return generate_orders(self)


def generate_city(size: Size, *, seed: int, today: date, centre: tuple[float, float]) -> City:
    rng = random.Random(seed)
    city = City(size=size, seed=seed, today=today, centre=centre)
    city.shops = [make_shop(rng, index, city) for index in range(size.shops)]
    shops_by_kind: dict[str, list[int]] = {}
    for shop_index, shop in enumerate(city.shops):
        shops_by_kind.setdefault(shop.kind, []).append(shop_index)
    city.products = distinct_titles(
        [make_product(rng, index, city.shops, shops_by_kind) for index in range(size.products)]
    )
    city.customers = [make_person(rng, index, "klant") for index in range(size.customers)]
    city.couriers = [make_courier(rng, index) for index in range(size.couriers)]
    return city


def distinct_titles(products: list[ProductSpec]) -> list[ProductSpec]:
    """Different products never share a name: the second "Linnen blouse blauw" is
    "Linnen blouse blauw, model 2" (after the random draws, so the rest stays as it was)."""
    seen: dict[str, int] = {}
    named = []
    for product in products:
        count = seen[product.title] = seen.get(product.title, 0) + 1
        if count > 1:
            title = f"{product.title}, model {count}"
            description = product.description.replace(product.title, title, 1)
            product = replace(product, title=title, description=description)
        named.append(product)
    return named


def shop_kind_for(index: int) -> str:
    """Kinds spread by weight but in a fixed rotation, so every kind appears early."""
    rotation = [kind for kind, weight in words.KIND_WEIGHTS.items() for _ in range(weight)]
    kinds = list(words.KINDS)
    if index < len(kinds):
        return kinds[index]
    return rotation[(index * 37) % len(rotation)]


def point_near(
    rng: random.Random, centre: tuple[float, float], radius_metres: float
) -> tuple[Decimal, Decimal]:
    """A point spread evenly over the disc of `radius_metres` around `centre`."""
    distance = radius_metres * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    latitude = centre[0] + distance * math.cos(bearing) / METRES_PER_DEGREE
    longitude = centre[1] + distance * math.sin(bearing) / (
        METRES_PER_DEGREE * math.cos(math.radians(centre[0]))
    )
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def make_hours(rng: random.Random, kind: str) -> tuple[tuple[int, time, time], ...]:
    opens = time(8, 30) if kind in ("deli", "cheese", "flowers") else time(9, 30)
    hours = [(0, time(13, 0), time(18, 0))]
    hours += [(day, opens, time(18, 0)) for day in (1, 2, 4)]
    late_thursday = rng.random() < 0.6
    hours.append((3, opens, time(21, 0) if late_thursday else time(18, 0)))
    hours.append((5, opens, time(17, 0)))
    if rng.random() < 0.4:
        hours.append((6, time(12, 0), time(17, 0)))
    return tuple(hours)


def make_postcode(rng: random.Random) -> str:
    letters = rng.choice("ABCDEGHJKLMNPRST") + rng.choice("ABEGHKLNPRSTVX")
    return f"741{rng.randint(1, 8)} {letters}"


def make_shop(rng: random.Random, index: int, city: "City") -> ShopSpec:
    today = city.today
    kind = shop_kind_for(index)
    prefix = words.KINDS[kind][0]
    surname = rng.choice(words.SURNAMES)
    name = f"{prefix} {surname}"
    slug = f"{slugify(name)}-{index + 1}"
    latitude, longitude = point_near(rng, city.centre, CITY_RADIUS_METRES)
    street = f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}"
    holidays = (
        (date(today.year, 12, 25), "Eerste kerstdag"),
        (date(today.year + 1, 1, 1), "Nieuwjaarsdag"),
        (date(today.year + 1, 4, 27), "Koningsdag"),
    )
    return ShopSpec(
        slug=slug,
        name=name,
        kind=kind,
        legal_name=f"{name} B.V." if rng.random() < 0.5 else f"{name} V.O.F.",
        chamber_of_commerce_number=f"{10_000_000 + index * 1_000 + rng.randint(0, 999):08d}",
        vat_number=f"NL{rng.randint(100_000_000, 999_999_999)}B01",
        street=street,
        postcode=make_postcode(rng),
        latitude=latitude,
        longitude=longitude,
        hours=make_hours(rng, kind),
        closed_dates=holidays,
        pickup_instructions=rng.choice(words.PICKUP_INSTRUCTIONS),
        owner_email=f"eigenaar+{slug}@stadsmarkt.test",
    )


def make_upc(index: int, kind: str) -> str:
    # Books carry an ISBN-13 (978 + Dutch group 90), other goods a Dutch GS1 prefix (87).
    body = f"97890{index:07d}" if kind == "books" else f"871{index:09d}"
    return make_ean13(body)


def make_price(rng: random.Random, low: int, high: int) -> Decimal:
    euros = rng.randint(low, high)
    return Decimal(euros) + rng.choice(
        [Decimal("0.95"), Decimal("0.50"), Decimal("0.99"), Decimal("0.00")]
    )


def other_shop_price(rng: random.Random, price: Decimal) -> Decimal:
    factor = Decimal(rng.choice(["0.95", "1.05", "1"]))
    return (price * factor).quantize(Decimal("0.01"))


def make_product(
    rng: random.Random, index: int, shops: list[ShopSpec], shops_by_kind: dict[str, list[int]]
) -> ProductSpec:
    # 7919 is prime and coprime with the shop counts, so products spread evenly over shops.
    primary = (index * 7919) % len(shops)
    seller = shops[primary]
    kind = seller.kind
    _, _top, subcategories, vat_rate, (low, high) = words.KINDS[kind]
    title = f"{rng.choice(words.PRODUCT_NOUNS[kind])} {rng.choice(words.PRODUCT_VARIANTS)}"
    price = make_price(rng, low, high)
    sellers = [primary]
    # About one product in six is also sold by other shops of the same kind.
    if rng.random() < 0.17:
        same_kind = [i for i in shops_by_kind[kind] if i != primary]
        sellers += rng.sample(same_kind, k=min(len(same_kind), rng.randint(1, 2)))
    offers = tuple(
        OfferSpec(
            shop_index=shop_index,
            sku=f"{shops[shop_index].slug[:20]}-{index + 1:06d}",
            price=price if position == 0 else other_shop_price(rng, price),
            vat_rate=vat_rate,
            num_in_stock=rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40]),
        )
        for position, shop_index in enumerate(sellers)
    )
    return ProductSpec(
        upc=make_upc(index, kind),
        title=title,
        kind=kind,
        category=rng.choice(subcategories),
        description=f"{title}, te koop bij {seller.name} in de binnenstad.",
        offers=offers,
    )


def make_person(rng: random.Random, index: int, role: str) -> PersonSpec:
    first_name = rng.choice(words.FIRST_NAMES)
    last_name = rng.choice(words.SURNAMES)
    return PersonSpec(
        email=f"{role}{index + 1:05d}@stadsmarkt.test", first_name=first_name, last_name=last_name
    )


VEHICLES = [
    ("bike", 6, 60),
    ("bike", 6, 60),
    ("cargo_bike", 20, 300),
    ("bike", 6, 60),
    ("cargo_bike", 20, 300),
    ("e_van", 60, 2000),
]


def make_courier(rng: random.Random, index: int) -> CourierSpec:
    vehicle, parts, litres = VEHICLES[index % len(VEHICLES)]
    early = rng.random() < 0.5
    return CourierSpec(
        person=make_person(rng, index, "koerier"),
        vehicle=vehicle,
        capacity_parts=parts,
        capacity_litres=litres,
        shift_starts=time(9, 0) if early else time(12, 0),
        shift_ends=time(17, 0) if early else time(20, 0),
    )


def generate_orders(city: City) -> Iterator[OrderSpec]:
    """Orders over the 90 days before `today`, with exactly `size.order_lines` lines.

    Uses its own random stream so that orders do not shift when other parts change.
    """
    rng = random.Random(city.seed * 1_000_003 + 17)
    lines_left = city.size.order_lines
    number = 0
    products_by_shop: dict[int, list[int]] = {}
    for product_index, product in enumerate(city.products):
        for offer in product.offers:
            products_by_shop.setdefault(offer.shop_index, []).append(product_index)
    shop_indexes = sorted(products_by_shop)
    while lines_left > 0:
        number += 1
        line_count = min(lines_left, rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]))
        lines_left -= line_count
        yield make_order(rng, city, number, line_count, shop_indexes, products_by_shop)


def make_order(rng, city, number, line_count, shop_indexes, products_by_shop) -> OrderSpec:
    shops_in_order = rng.sample(shop_indexes, k=min(len(shop_indexes), rng.choice([1, 1, 2])))
    chosen: dict[tuple[int, int], int] = {}
    for _ in range(line_count):
        shop_index = rng.choice(shops_in_order)
        product_index = rng.choice(products_by_shop[shop_index])
        offers = city.products[product_index].offers
        offer_index = next(i for i, offer in enumerate(offers) if offer.shop_index == shop_index)
        chosen[(product_index, offer_index)] = rng.choice([1, 1, 1, 2, 3])
    # Merged duplicates would lose lines; top up with distinct products of the same shops.
    while len(chosen) < line_count:
        shop_index = rng.choice(shops_in_order)
        for product_index in products_by_shop[shop_index]:
            offers = city.products[product_index].offers
            offer_index = next(i for i, o in enumerate(offers) if o.shop_index == shop_index)
            if (product_index, offer_index) not in chosen:
                chosen[(product_index, offer_index)] = 1
                break
        else:
            shops_in_order = shop_indexes
    day = city.today - timedelta(days=rng.randint(1, 90))
    placed_at = datetime.combine(day, time(rng.randint(9, 20), rng.randint(0, 59)))
    return OrderSpec(
        number=f"D{number:07d}",
        customer_index=rng.randrange(len(city.customers)),
        placed_at=placed_at,
        delivery=rng.random() < 0.4,
        lines=tuple(LineSpec(p, o, q) for (p, o), q in chosen.items()),
    )
