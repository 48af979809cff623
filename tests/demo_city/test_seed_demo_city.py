"""The demo city: sizes, valid data, idempotence and determinism."""

import io
import math
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory
from oscar.core.loading import get_model

from logistics.models import Courier, CourierShift, DeliverySlot, DeliveryZone, Hub
from marketplace.commission.models import PartPayout, Settlement, SettlementLine
from marketplace.demo_city.generator import SIZES, generate_city
from marketplace.gtin import is_valid_ean13
from marketplace.models import DemoCitySeed
from marketplace.payments.models import Payment, Transfer
from shops.models import OpeningHours, Shop, ShopKind
from tests.conftest import DEMO_SEED, DEMO_TODAY, seed_demo

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
User = get_user_model()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]

CENTRE = (settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "partners": Partner.objects.count(),
        "shops": Shop.objects.count(),
        "opening_hours": OpeningHours.objects.count(),
        "products": Product.objects.count(),
        "stockrecords": StockRecord.objects.count(),
        "orders": Order.objects.count(),
        "lines": Line.objects.count(),
        "couriers": Courier.objects.count(),
        "shifts": CourierShift.objects.count(),
        "hubs": Hub.objects.count(),
        "slots": DeliverySlot.objects.count(),
        "payouts": PartPayout.objects.count(),
        "transfers": Transfer.objects.count(),
        "payments": Payment.objects.count(),
        "settlements": Settlement.objects.count(),
    }


def test_demo_size_matches_workloads():
    assert Shop.objects.count() == 40
    assert Product.objects.count() == 2_000
    assert Line.objects.count() == 5_000
    assert Courier.objects.count() == 5
    assert Hub.objects.count() == 1
    assert DeliveryZone.objects.count() == 1
    # A week of bookable slots ahead; the past slots belong to the order history.
    assert DeliverySlot.objects.filter(date__gte=DEMO_TODAY).count() == 7 * 5


def test_every_product_has_a_valid_ean13_and_an_offer():
    upcs = list(Product.objects.values_list("upc", flat=True))
    assert len(upcs) == len(set(upcs)) == 2_000
    assert all(is_valid_ean13(upc) for upc in upcs)
    assert not Product.objects.filter(stockrecords__isnull=True).exists()


def test_some_products_are_sold_by_several_shops():
    shared = Product.objects.annotate(sellers=Count("stockrecords")).filter(sellers__gte=2)
    assert 100 <= shared.count() <= 600
    for product in shared[:50]:
        kinds = set(product.stockrecords.values_list("partner__shop__kind", flat=True))
        assert len(kinds) == 1, "a shared product is sold by shops of the same kind"


def test_shops_are_real_kinds_with_hours_within_the_centre():
    assert set(Shop.objects.values_list("kind", flat=True)) == set(ShopKind.values)
    for shop in Shop.objects.all():
        assert shop.chamber_of_commerce_number.isdigit()
        assert len(shop.chamber_of_commerce_number) == 8
        assert shop.opening_hours.filter(weekday=5).exists(), "every shop opens on Saturday"
        assert shop.opening_exceptions.filter(reason="Eerste kerstdag", closed=True).exists()
        assert distance_metres(CENTRE, (float(shop.latitude), float(shop.longitude))) <= 1_510


def test_order_money_adds_up_to_the_cent():
    # Summed in Python: SQLite aggregates decimals as floats.
    for order in Order.objects.prefetch_related("lines"):
        lines = order.lines.all()
        assert order.total_incl_tax == order.shipping_incl_tax + sum(
            line.line_price_incl_tax for line in lines
        )
        assert order.total_excl_tax == order.shipping_excl_tax + sum(
            line.line_price_excl_tax for line in lines
        )
    for line in Line.objects.select_related("stockrecord")[:200]:
        assert line.line_price_incl_tax == line.unit_price_incl_tax * line.quantity
        assert line.line_price_excl_tax <= line.line_price_incl_tax
        assert line.partner_id == line.stockrecord.partner_id
        assert isinstance(line.line_price_incl_tax, Decimal)


def test_past_orders_were_paid_with_a_dutch_mix_of_methods_and_their_fees():
    from marketplace.demo_city.payment_mix import method_of

    paid = list(Payment.objects.filter(order__number__gte="D0001000").select_related("order"))
    assert paid, "every order whose goods left a shop has its payment"
    shares = {
        m: sum(p.method == m for p in paid) / len(paid) for m in ("ideal", "bancontact", "card")
    }
    assert 0.6 < shares["ideal"] < 0.8 and 0.05 < shares["bancontact"] < 0.15
    assert 0.13 < shares["card"] < 0.27
    assert all(p.method == method_of(p.order.number) for p in paid), "the same seed, the same mix"
    # An iDEAL order's parts together bear iDEAL's fixed €0.29 (none absorbed here).
    ideal = next(p for p in paid if p.method == "ideal" and p.order.shipping_incl_tax == 0)
    payouts = PartPayout.objects.filter(part__order=ideal.order)
    if payouts.count() == ideal.order.parts.count():
        assert sum(payout.payment_fee for payout in payouts) == Decimal("0.29")


def test_order_history_spans_recent_weeks_and_both_methods():
    dates = Order.objects.values_list("date_placed", flat=True)
    days = {moment.date() for moment in dates}
    assert len(days) > 60
    assert max(days) < DEMO_TODAY
    methods = set(Order.objects.values_list("shipping_code", flat=True))
    assert methods == {"collect", "local-delivery"}


def test_logins_for_each_role_work_and_are_printed(demo_city):
    for email in [
        "consument@stadsmarkt.test",
        "winkelier1@stadsmarkt.test",
        "winkelier2@stadsmarkt.test",
        "koerier@stadsmarkt.test",
        "beheer@stadsmarkt.test",
    ]:
        # As the login page does: with its request (the lockout counts per address).
        login = RequestFactory().post("/accounts/login/")
        assert authenticate(login, username=email, password="stadsmarkt-demo") is not None, email
        assert email in demo_city
    owner = User.objects.get(email="winkelier1@stadsmarkt.test")
    assert owner.partners.count() == 1
    # Shops work in their own /shop/ area; Oscar's dashboard is for centre management only.
    assert not owner.has_perm("partner.dashboard_access")
    assert not owner.is_staff
    assert User.objects.get(email="beheer@stadsmarkt.test").is_staff
    assert Courier.objects.filter(user__email="koerier@stadsmarkt.test").exists()
    assert Order.objects.filter(user__email="consument@stadsmarkt.test").exists()


def test_customers_without_demo_login_cannot_log_in():
    customer = User.objects.get(email="klant00002@stadsmarkt.test")
    assert not customer.has_usable_password()


def test_seeding_again_adds_nothing_even_when_interrupted():
    before = counts()
    seed_demo()
    assert counts() == before
    # Pretend the first run died half-way: the loader itself must not duplicate rows.
    DemoCitySeed.objects.update(completed_at=None)
    # Before its money step, which comes after the orders (payouts protect their parts).
    SettlementLine.objects.all().delete()
    Transfer.objects.all().delete()
    PartPayout.objects.all().delete()
    Settlement.objects.all().delete()
    Payment.objects.filter(order__number__gte="D0001000").delete()  # written with the money
    Line.objects.filter(order__number__gte="D0001000").delete()
    Order.objects.filter(number__gte="D0001000").delete()
    progress = io.StringIO()
    call_command(
        "seed_demo_city",
        size="demo",
        seed=DEMO_SEED,
        today=DEMO_TODAY,
        stdout=io.StringIO(),
        stderr=progress,
    )
    assert counts() == before
    assert "order lines: 5,000/5,000 (100%)" in progress.getvalue(), "progress shows in logs"
    assert DemoCitySeed.objects.get().completed_at is not None


def test_another_seed_is_refused_and_changes_nothing():
    before = counts()
    with pytest.raises(CommandError, match="already holds the demo city with seed 7"):
        call_command("seed_demo_city", size="demo", seed=8, no_progress=True, stdout=io.StringIO())
    assert counts() == before


def test_database_holds_exactly_what_the_generator_made():
    city = generate_city(SIZES["demo"], seed=DEMO_SEED, today=DEMO_TODAY, centre=CENTRE)
    assert sorted(Shop.objects.values_list("slug", flat=True)) == sorted(s.slug for s in city.shops)
    assert set(Product.objects.values_list("upc", "title")) == {
        (p.upc, p.title) for p in city.products
    }
    expected_totals = {}
    for order in city.orders():
        total = sum(
            city.products[line.product_index].offers[line.offer_index].price * line.quantity
            for line in order.lines
        )
        expected_totals[order.number] = total + (Decimal("3.95") if order.delivery else 0)
    assert dict(Order.objects.values_list("number", "total_incl_tax")) == expected_totals


def distance_metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))
