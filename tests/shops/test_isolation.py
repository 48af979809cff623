"""A shop user never sees or changes another shop's data, whatever URL or id they try.

The URLs are read from the URL configuration itself, so a view added later is covered
without editing this test.
"""

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from oscar.core.loading import get_model

from inventory_sync.models import Reservation
from logistics.models import DeliverySlot, OrderPart
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.payments.models import Payment, Refund
from shops.models import OpeningHours, OpeningHoursException, Shop
from tests.conftest import client_for
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_owner,
    make_slot,
    make_zone,
)
from tests.ordering.test_place_order import ADDRESS

Order = get_model("order", "Order")
Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")

# Private areas: the shop's own area, Oscar's dashboard, APIs, centre management, and what a
# consumer owns. Django's admin is staff-only by Django itself and answers with its login.
PRIVATE = re.compile(
    r"^(shop/|dashboard/|api/|management/|orders/|checkout/|accounts/|shops/payouts/)"
)
# Keyed by a public product id, on the visitor's own basket, alerts or wish lists; and Oscar's
# checkout steps, which our checkout shadows with a redirect.
PUBLIC_ACTIONS = re.compile(
    r"^(basket/add|accounts/alerts/create|accounts/wishlists/|checkout/(?!test-payment))"
)
WATCHED = [
    Shop,
    Partner,
    StockRecord,
    Product,
    Order,
    Line,
    OrderPart,
    Reservation,
    Payment,
    Refund,
    OpeningHours,
    OpeningHoursException,
    DeliverySlot,
]


def url_patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL, walking includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def routes_with_ids():
    found = []
    for route, pattern in url_patterns():
        names = list(pattern.pattern.regex.groupindex)
        if names and PRIVATE.match(route.lstrip("^")) and not PUBLIC_ACTIONS.match(route):
            found.append((route, names))
    return found


def fill(route: str, values: dict[str, str]) -> str:
    """Turns `orders/<int:pk>/` or a regex route into a path with the given values."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


@pytest.fixture
def two_shops():
    shop_a, shop_b = ShopFactory(), ShopFactory()
    owner_a, intruder = make_owner(shop_a), make_owner(shop_b)
    offer_a, offer_b = make_offer(shop_a, on_hand=5), make_offer(shop_b, on_hand=5)
    consumer = UserFactory()
    slot = make_slot(make_zone(pc4s=("7411",)))
    mixed = place_order(
        basket=make_basket(consumer, (offer_a, 1), (offer_b, 1)),
        user=consumer,
        choices={
            shop_a.partner_id: PartChoice(method="delivery", slot_id=slot.pk),
            shop_b.partner_id: PartChoice(method="collect"),
        },
        address=ADDRESS,
    )
    only_a = place_order(
        basket=make_basket(consumer, (offer_a, 2)),
        user=consumer,
        choices={shop_a.partner_id: PartChoice(method="collect")},
        address=None,
    )
    for order in (mixed, only_a):
        confirm_order_paid(order_id=order.pk)
    return locals()


def ids_of_shop_a(world) -> dict[str, list[str]]:
    shop_a = world["shop_a"]
    orders = [world["mixed"], world["only_a"]]
    ints = {
        shop_a.pk,
        shop_a.partner_id,
        world["offer_a"].pk,
        world["offer_a"].product_id,
        world["owner_a"].pk,
        world["consumer"].pk,
        *OrderPart.objects.filter(shop=shop_a).values_list("pk", flat=True),
        *Line.objects.filter(partner_id=shop_a.partner_id).values_list("pk", flat=True),
        *(order.pk for order in orders),
        *Payment.objects.filter(order__in=orders).values_list("pk", flat=True),
    }
    ints -= ids_shop_b_may_use(world)
    text = {str(i) for i in ints} | {order.number for order in orders} | {shop_a.slug}
    return {"int": sorted(str(i) for i in ints), "text": sorted(text)}


def ids_shop_b_may_use(world) -> set[int]:
    """Ids that are also shop B's own objects somewhere: trying those proves nothing."""
    shop_b = world["shop_b"]
    return {
        shop_b.pk,
        shop_b.partner_id,
        world["offer_b"].pk,
        world["offer_b"].product_id,
        world["intruder"].pk,
        *OrderPart.objects.filter(shop=shop_b).values_list("pk", flat=True),
        *Line.objects.filter(partner_id=shop_b.partner_id).values_list("pk", flat=True),
        *StockRecord.objects.filter(partner_id=shop_b.partner_id).values_list("pk", flat=True),
    }


def candidates(names, ids) -> list[dict]:
    pools = []
    for name in names:
        if name == "action":
            pools.append(["accept", "reject", "ready", "hand-over"])
        elif name in ("pk", "id") or name.endswith("_id") or name.endswith("pk"):
            pools.append(ids["int"])
        else:
            pools.append(ids["text"])
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*pools)]


def request(client, method: str, path: str) -> int:
    data = {"code": "ABCDEF", "reason": "x", "price": "0.01", "action": "pay"}
    return getattr(client, method)(path, data if method == "post" else None).status_code


def snapshot() -> dict:
    return {model.__name__: sorted(map(repr, model.objects.values())) for model in WATCHED}


@pytest.mark.django_db
def test_another_shops_user_gets_404_or_403_everywhere_and_changes_nothing(two_shops):
    routes = routes_with_ids()
    assert any(route.startswith("shop/orders/") for route, _ in routes), "sanity: routes found"
    assert any(route.startswith("dashboard/") for route, _ in routes)
    ids = ids_of_shop_a(two_shops)
    intruder = client_for(two_shops["intruder"], raise_request_exception=False)
    before = snapshot()
    answers, leaks = {}, {}
    for route, names in routes:
        nowhere = fill(route, {name: "987654" if name != "action" else "accept" for name in names})
        for values in candidates(names, ids):
            path = fill(route, values)
            for method in ("get", "post"):
                status = request(intruder, method, path)
                answers[(method, path)] = status
                # 405 comes before any lookup: it says nothing, if a made-up id gets it too.
                if status not in (403, 404) and not (
                    status == 405 and request(intruder, method, nowhere) == 405
                ):
                    leaks[(method, path)] = status
    assert leaks == {}
    assert len(answers) > 100
    assert snapshot() == before


@pytest.mark.django_db
def test_the_shop_sees_only_its_own_lines_of_a_mixed_order(two_shops):
    owner = client_for(two_shops["owner_a"])
    part = OrderPart.objects.get(order=two_shops["mixed"], shop=two_shops["shop_a"])
    page = owner.get(f"/shop/orders/{part.pk}/")
    lines = list(page.context["lines"])
    assert [line.partner_id for line in lines] == [two_shops["shop_a"].partner_id]
    assert two_shops["offer_b"].partner_sku not in page.content.decode()
    assert str(two_shops["mixed"].total_incl_tax) not in page.content.decode()
