"""Live work for today in the demo city, made through the real services.

The history is rows written in bulk; today is what a visitor tries: paid orders at the two
demo shops in several states, a delivery route for the demo courier, and shop applications
waiting for centre management. Everything goes through checkout, payment, part,
dispatch and onboarding services, so stock, slots, codes and commission stay consistent.

A demo order is found again by its customer and today's date, and a part is only moved
forward to its target state, so a repeated or interrupted seed adds nothing twice.
settings.DEMO_CITY_TODAY = False (the test settings) leaves the city at its history.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from inventory_sync.availability import available_units
from inventory_sync.services import OutOfStock
from logistics import dispatch
from logistics.models import (
    Courier,
    CourierShift,
    DeliverySlot,
    PartMethod,
    PartStatus,
    Route,
)
from logistics.part_states import accept_part, mark_ready
from logistics.slots import open_slots
from marketplace.models import DemoCitySeed
from marketplace.ordering import delivery
from marketplace.ordering.services import (
    CheckoutRefused,
    PartChoice,
    place_order,
    record_payment_success,
)
from marketplace.ordering.views import add_offer_to_basket
from marketplace.payments.models import PaymentStatus
from marketplace.payments.services import choose_method
from shops.hours import schedule_for
from shops.models import Shop
from shops.services import Application, ApplicationRefused, submit_application

from .payment_mix import method_of

User = get_user_model()
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

S = PartStatus
COLLECT, DELIVERY = PartMethod.COLLECT, PartMethod.DELIVERY
STEPS = (S.PLACED, S.ACCEPTED, S.READY)
PLANNING_SECONDS = 1.0  # a handful of parts: VROOM needs far less


@dataclass(frozen=True)
class DemoOrder:
    customer: int  # index in city.customers; 0 is the demo consumer
    address: tuple[str, str]  # street, postcode (used when a part is delivered)
    parts: tuple[tuple[str, str, str], ...]  # (demo owner login, method, target state)


ONE, TWO = "shop owner 1", "shop owner 2"
ORDERS = (
    DemoOrder(
        0, ("Walstraat 3", "7411 AB"), ((ONE, COLLECT, S.ACCEPTED), (TWO, DELIVERY, S.READY))
    ),
    DemoOrder(1, ("Zandpoort 8", "7413 CK"), ((ONE, COLLECT, S.PLACED), (TWO, DELIVERY, S.PLACED))),
    DemoOrder(2, ("Bergstraat 21", "7415 AC"), ((ONE, COLLECT, S.READY),)),
    DemoOrder(
        3, ("Brinkgreverweg 40", "7417 CB"), ((TWO, DELIVERY, S.READY), (ONE, COLLECT, S.PLACED))
    ),
)

APPLICATIONS = (
    (
        "Fietsenmakerij De Spaak",
        "De Spaak Fietsen V.O.F.",
        "90000011",
        "bicycles",
        "Noordenbergstraat 5",
    ),
    ("Bloemenatelier Mos", "Mos Bloemen B.V.", "90000012", "flowers", "Lange Bisschopstraat 30"),
)


def add_today(*, city, logins: dict[str, str]) -> None:
    """Today's orders, route and applications, once; nothing when the city is anchored on
    another day than today (its slots and history would not match the clock)."""
    # Only the seed command's city (it leaves a DemoCitySeed): a city loaded by other code,
    # such as the reports benchmark, keeps exactly its generated figures.
    if not getattr(settings, "DEMO_CITY_TODAY", True) or not DemoCitySeed.objects.exists():
        return
    now = timezone.now()
    today = timezone.localdate(now)
    if city.today != today:
        return
    shops = {
        role: Shop.objects.filter(partner__users__email=logins[role]).first() for role in (ONE, TWO)
    }
    if None in shops.values():
        return
    slot = delivery_slot(now, shop=shops[TWO], courier_email=logins["courier"])
    for index, spec in enumerate(ORDERS):
        email = logins["consumer"] if spec.customer == 0 else city.customers[spec.customer].email
        rng = random.Random(f"{city.seed}-today-{today}-{index}")
        order_today(spec, User.objects.get(username=email), shops, slot, rng, today)
    apply_for_shops()
    if slot is not None and slot.date == today and not Route.objects.filter(date=today).exists():
        plan_demo_route(today, courier_email=logins["courier"])


def plan_demo_route(day, *, courier_email: str) -> None:
    """Centre management's planning with the demo courier as the only rider, so the courier
    login has the route: VROOM would otherwise pick any of the equally good couriers.
    Without time left on their shift, all couriers are planned."""
    own = courier_id_of(courier_email)
    dispatch.plan_day(
        day=day,
        now=timezone.now(),
        time_limit=PLANNING_SECONDS,
        couriers=[own] if own is not None else None,
    )


def courier_id_of(email: str) -> int | None:
    return Courier.objects.filter(user__username=email).values_list("pk", flat=True).first()


def delivery_slot(now: datetime, *, shop: Shop, courier_email: str) -> DeliverySlot | None:
    """Today's first open slot that the delivering shop's hours and the demo courier's shift
    can serve; else any open slot today; late in the day the first open one after today."""
    today = timezone.localdate(now)
    # Room for all the demo's delivered parts, so one slot takes them.
    slots = list(open_slots(now).filter(booked__lte=F("capacity") - 3)[:20])
    todays = [slot for slot in slots if slot.date == today]
    periods = schedule_for(shop).periods_on(today)
    shift = CourierShift.objects.filter(
        courier__user__username=courier_email, weekday=today.weekday()
    ).first()
    served = [slot for slot in todays if pickup_in_time(slot, periods)]
    ridden = [slot for slot in served if shift and shift.starts <= slot.starts < shift.ends]
    return (ridden or served or todays or slots or [None])[0]


def pickup_in_time(slot: DeliverySlot, periods) -> bool:
    """The shop is open in the hour before the slot starts or during it, minus the ride."""
    earliest = (datetime.combine(slot.date, slot.starts) - timedelta(hours=1)).time()
    latest = (datetime.combine(slot.date, slot.ends) - timedelta(minutes=30)).time()
    return any(opens <= latest and closes >= earliest for opens, closes in periods)


def order_today(spec: DemoOrder, user, shops: dict, slot, rng, today) -> None:
    order = todays_order(user, today) or place(spec, user, shops, slot, rng)
    if order is None:
        return
    if order.payment.status == PaymentStatus.PENDING:  # an earlier run stopped before paying
        choose_method(payment_id=order.payment.pk, method=method_of(order.number))
        record_payment_success(order_id=order.pk, reference=f"test-{order.number}")
    targets = {shops[role].pk: target for role, _method, target in spec.parts}
    for part in order.parts.all():
        move_forward(part, targets.get(part.shop_id, S.PLACED))


def todays_order(user, today):
    midnight = timezone.make_aware(datetime.combine(today, time()))
    return (
        Order.objects.filter(
            user=user, date_placed__gte=midnight, date_placed__lt=midnight + timedelta(days=1)
        )
        .order_by("pk")
        .first()
    )


def place(spec: DemoOrder, user, shops: dict, slot, rng):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    choices = {}
    for role, method, _target in spec.parts:
        shop = shops[role]
        if method == DELIVERY and slot is None:
            method = COLLECT  # no slot left this week: the consumer collects instead
        for record, quantity in pick_offers(shop, rng):
            add_offer_to_basket(basket, record, quantity)
        choices[shop.partner_id] = PartChoice(
            method=method, slot_id=slot.pk if method == DELIVERY else None
        )
    try:
        basket = Basket.objects.get(pk=basket.pk)
        basket.strategy = Selector().strategy(user=user)
        return place_order(
            basket=basket,
            user=user,
            choices=choices,
            address=address_for(spec, user),
        )
    except (OutOfStock, delivery.DeliveryRefused, CheckoutRefused):
        # A sold-out pick or a full slot: the demo does without this order.
        Basket.objects.filter(pk=basket.pk).delete()
        return None


def pick_offers(shop: Shop, rng) -> list[tuple]:
    """One or two of the shop's products that have a few units available online."""
    candidates = list(
        StockRecord.objects.filter(
            partner_id=shop.partner_id, num_in_stock__gte=F("num_allocated") + 4
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    chosen = rng.sample(candidates, min(len(candidates), rng.choice((1, 2))))
    return [
        (StockRecord.objects.select_related("product").get(pk=pk), 1)
        for pk in sorted(chosen)
        if available_units(stockrecord_id=pk) >= 1
    ]


def address_for(spec: DemoOrder, user) -> delivery.DeliveryAddress | None:
    street, postcode = spec.address
    area = delivery.locate_in_zone(postcode)
    return delivery.DeliveryAddress(
        recipient_name=user.get_full_name() or user.email,
        address_line=street,
        postcode=delivery.normalise_postcode(postcode),
        city=settings.TOWN_NAME,
        phone="0570 123456",
        latitude=Decimal(area.latitude),
        longitude=Decimal(area.longitude),
    )


def move_forward(part, target: str) -> None:
    """The shop's steps from the part's state up to `target`; a part already there, or
    elsewhere (rejected, collected), is left alone."""
    if part.status not in STEPS or target not in STEPS:
        return
    for step in STEPS[STEPS.index(part.status) + 1 : STEPS.index(target) + 1]:
        if step == S.ACCEPTED:
            accept_part(part_id=part.pk, shop_id=part.shop_id)
        else:
            mark_ready(part_id=part.pk, shop_id=part.shop_id, volume_litres=5)


def apply_for_shops() -> None:
    """Shops asking to join, as the public form submits them, for management to review."""
    hours = [(day, time(9, 30), time(17, 30)) for day in range(6)]
    for name, legal_name, kvk, kind, street in APPLICATIONS:
        if Shop.objects.filter(chamber_of_commerce_number=kvk).exists():
            continue
        application = Application(
            name=name,
            legal_name=legal_name,
            chamber_of_commerce_number=kvk,
            vat_number="",
            street=street,
            postcode="7411 JA",
            city=settings.TOWN_NAME,
            contact_name=f"Eigenaar {name}",
            contact_email=f"aanvraag-{kvk}@stadsmarkt.test",
            phone="0570 654321",
            kind=kind,
            hours=hours,
        )
        try:
            submit_application(application=application)
        except ApplicationRefused:
            continue  # taken meanwhile: that shop has applied already
