"""Parts nobody collects: one reminder a day after they were ready, and after management's
days the part is cancelled, refunded once in full, its stock back on sale, and the consumer
told. Every test builds its data at one fixed moment and then moves the clock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory_sync.availability import available_units
from logistics import uncollected
from logistics.models import DeliverySettings, OrderPart, PartStatus, Route, RouteStop
from logistics.part_states import (
    TransitionRefused,
    accept_part,
    cancel_uncollected,
    drop_at_hub,
    hand_over,
    mark_ready,
)
from logistics.tasks import cancel_uncollected_parts, remind_uncollected_parts
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.payments.models import Refund, Transfer
from marketplace.reports.models import DailyShopSales
from tests.conftest import client_for, set_clock
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner
from tests.logistics.test_dispatch import at, make_courier, make_hub

pytestmark = pytest.mark.django_db
S = PartStatus
HOSTILE = '<script>alert("x")</script> & Zn'
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def start(monkeypatch):
    """The moment every test builds its data at: today 10:00, shops open 9-18."""
    moment = at(timezone.localdate(), 10)
    set_clock(monkeypatch, moment)
    return moment


@pytest.fixture
def clock(monkeypatch, start, django_capture_on_commit_callbacks):
    """Moves the clock to `start + offset` and runs a beat task there, its after-commit
    work (e-mails, refunds sent) included."""

    def run(offset: timedelta, task):
        set_clock(monkeypatch, start + offset)
        with django_capture_on_commit_callbacks(execute=True):
            return task()

    return run


def ready_part(shop, *, method="collect", quantity=2, on_hand=5):
    consumer = UserFactory()
    record = make_offer(shop, price="12.50", on_hand=on_hand)
    order = place_order(
        basket=make_basket(consumer, (record, quantity)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method=method)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.get(order=order)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    return OrderPart.objects.get(pk=part.pk), record


def at_hub_part(shop):
    """A hub part the courier has dropped at the hub (its goods left the shop)."""
    part, record = ready_part(shop, method="hub")
    today = timezone.localdate()
    courier = make_courier(today, starts=0, ends=23)
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    for sequence, kind in enumerate(("pickup", "delivery"), start=1):
        RouteStop.objects.create(
            route=route, sequence=sequence, kind=kind, part=part, eta=timezone.now()
        )
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    drop_at_hub(part_id=part.pk, courier_id=courier.pk)
    return OrderPart.objects.get(pk=part.pk), record


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_one_reminder_after_a_day_with_code_address_and_hours(start, clock, mailoutbox):
    shop = ShopFactory(partner__name=HOSTILE, street="Brink 10")
    part, _record = ready_part(shop)
    mailoutbox.clear()  # the "ready" e-mail

    assert clock(23 * HOUR, remind_uncollected_parts) == 0
    assert mailoutbox == []

    assert clock(25 * HOUR, remind_uncollected_parts) == 1
    assert clock(26 * HOUR, remind_uncollected_parts) == 0  # once, not again
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [part.order.user.email]
    assert part.pickup_code in message.subject and part.pickup_code in message.body
    assert "Brink 10" in message.body
    assert "09:00–18:00" in message.body  # the shop's hours until the part is cancelled
    html = html_of(message)
    assert "&lt;script&gt;" in html and "<script>" not in html
    part.refresh_from_db()
    assert part.collect_reminder_sent_at == start + 25 * HOUR
    assert part.status == S.READY


def test_the_reminder_is_claimed_once_even_by_two_runs(start, monkeypatch, mailoutbox):
    shop = ShopFactory()
    part, _record = ready_part(shop)
    set_clock(monkeypatch, start + 25 * HOUR)
    assert uncollected.send_reminders() == 1
    assert uncollected.send_reminders() == 0
    claimed = OrderPart.objects.get(pk=part.pk).collect_reminder_sent_at
    assert claimed == start + 25 * HOUR


def test_after_the_days_the_part_is_cancelled_refunded_once_and_back_on_sale(clock, mailoutbox):
    shop = ShopFactory(partner__name=HOSTILE)
    days = DeliverySettings.current().uncollected_cancel_days
    assert days == 7
    part, record = ready_part(shop, quantity=2, on_hand=5)
    available_before = available_units(stockrecord_id=record.pk)
    assert available_before == 3

    assert clock(days * DAY - HOUR, cancel_uncollected_parts) == 0
    assert OrderPart.objects.get(pk=part.pk).status == S.READY
    mailoutbox.clear()

    assert clock(days * DAY, cancel_uncollected_parts) == 1
    assert clock(days * DAY + HOUR, cancel_uncollected_parts) == 0  # again: nothing more

    part.refresh_from_db()
    assert (part.status, part.reason) == (S.CANCELLED, "not collected")
    refunds = Refund.objects.filter(part=part)
    assert [(r.idempotency_key, r.amount) for r in refunds] == [
        (f"uncollected-part-{part.pk}", Decimal("25.00"))
    ]
    assert part.total_incl_vat == Decimal("25.00")
    assert available_units(stockrecord_id=record.pk) == 5  # the two units are on sale again
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (5, 0)
    # The consumer hears once: cancelled, refunded, how much; the shop's name escaped.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [part.order.user.email]
    assert "25,00" in message.body or "25.00" in message.body  # as the locale writes it
    assert "niet op tijd opgehaald" in message.body
    html = html_of(message)
    assert "&lt;script&gt;" in html and "<script>" not in html
    # The reports count it as a lost part of its day, not a sale.
    sales = DailyShopSales.objects.get(shop=shop, method="collect")
    assert (sales.parts, sales.lost_parts, sales.lost_value) == (0, 1, Decimal("25.00"))


def test_management_sets_the_days(clock):
    DeliverySettings.objects.update_or_create(pk=1, defaults={"uncollected_cancel_days": 3})
    part, _record = ready_part(ShopFactory())
    assert clock(3 * DAY - HOUR, cancel_uncollected_parts) == 0
    assert clock(3 * DAY, cancel_uncollected_parts) == 1
    assert OrderPart.objects.get(pk=part.pk).status == S.CANCELLED


def test_a_cancelled_part_gets_no_reminder_and_a_late_beat_cancels_first(clock, mailoutbox):
    part, _record = ready_part(ShopFactory())
    mailoutbox.clear()
    # The beat was away all week: the part is cancelled, and no reminder follows.
    assert clock(8 * DAY, cancel_uncollected_parts) == 1
    assert clock(8 * DAY, remind_uncollected_parts) == 0
    assert [m.subject for m in mailoutbox if "nog klaar" in m.subject] == []
    assert OrderPart.objects.get(pk=part.pk).collect_reminder_sent_at is None


def test_a_part_collected_meanwhile_is_never_cancelled(clock, monkeypatch, mailoutbox):
    shop = ShopFactory()
    part, record = ready_part(shop)
    real_cancel = uncollected.cancel_uncollected

    def collected_first(*, part_id):
        # The consumer shows their code at the counter between the beat's look and its step.
        hand_over(part_id=part_id, shop_id=shop.pk, code=part.pickup_code)
        return real_cancel(part_id=part_id)

    monkeypatch.setattr(uncollected, "cancel_uncollected", collected_first)
    assert clock(8 * DAY, cancel_uncollected_parts) == 0

    part.refresh_from_db()
    assert part.status == S.COLLECTED
    assert not Refund.objects.filter(part=part).exists()
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (3, 0)  # sold, not released
    with pytest.raises(TransitionRefused):
        cancel_uncollected(part_id=part.pk)


def test_a_part_collected_before_its_reminder_gets_none(clock, monkeypatch, mailoutbox):
    shop = ShopFactory()
    part, _record = ready_part(shop)
    mailoutbox.clear()
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    mailoutbox.clear()
    assert clock(25 * HOUR, remind_uncollected_parts) == 0
    assert mailoutbox == []


def test_a_delivery_part_ready_at_the_shop_is_left_alone(clock):
    from tests.factories import make_slot, make_zone
    from tests.logistics.test_dispatch import delivery_part, tomorrow

    part = delivery_part(ShopFactory(), make_slot(make_zone(), day=tomorrow(), start=10))
    assert clock(25 * HOUR, remind_uncollected_parts) == 0
    assert clock(30 * DAY, cancel_uncollected_parts) == 0
    assert OrderPart.objects.get(pk=part.pk).status == S.READY


def test_a_part_waiting_at_the_hub_is_reminded_then_cancelled_and_its_transfer_reversed(
    clock, mailoutbox
):
    hub = make_hub()
    shop = ShopFactory(partner__name=HOSTILE)
    part, record = at_hub_part(shop)
    assert Transfer.objects.filter(idempotency_key=f"transfer-part-{part.pk}").exists()
    mailoutbox.clear()

    assert clock(25 * HOUR, remind_uncollected_parts) == 1
    reminder = mailoutbox[-1]
    assert part.delivery_code in reminder.body and hub.street in reminder.body
    assert "&lt;script&gt;" in html_of(reminder) and "<script>" not in html_of(reminder)

    assert clock(7 * DAY - HOUR, cancel_uncollected_parts) == 0
    assert clock(7 * DAY, cancel_uncollected_parts) == 1
    assert clock(7 * DAY, cancel_uncollected_parts) == 0
    part.refresh_from_db()
    assert part.status == S.CANCELLED
    refund = Refund.objects.get(part=part)
    assert (refund.idempotency_key, refund.amount) == (
        f"uncollected-part-{part.pk}",
        part.total_incl_vat,
    )
    # The goods left the shop with the courier: its count stays until they are back.
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (3, 0)


def test_the_shop_and_the_consumer_see_the_part_cancelled(clock):
    shop = ShopFactory()
    part, _record = ready_part(shop)
    clock(8 * DAY, cancel_uncollected_parts)

    shop_page = client_for(make_owner(shop)).get(f"/shop/orders/{part.pk}/")
    assert shop_page.status_code == 200
    assert "Not collected in time" in shop_page.content.decode()
    assert "Cancelled" in shop_page.content.decode()
    today = client_for(make_owner(shop)).get("/shop/orders/")
    assert today.status_code == 200
    order_page = client_for(part.order.user).get(f"/orders/{part.order.number}/")
    assert order_page.status_code == 200
    assert "Not collected in time" in order_page.content.decode()


@pytest.mark.parametrize("days", [2, 60])
def test_the_days_may_be_2_to_60(days):
    rules = DeliverySettings.objects.get(pk=DeliverySettings.current().pk)  # as stored
    rules.uncollected_cancel_days = days
    rules.full_clean()


@pytest.mark.parametrize("days", [0, 1, 61, 365])
def test_other_days_are_refused_with_a_clear_error(days):
    rules = DeliverySettings.objects.get(pk=DeliverySettings.current().pk)  # as stored
    rules.uncollected_cancel_days = days
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert refused.value.message_dict == {
        "uncollected_cancel_days": [
            "Uncollected parts: the number of days before cancelling must be between 2 and 60."
        ]
    }


def test_management_edits_the_days_in_the_admin_and_a_bad_value_changes_nothing():
    staff = UserFactory(is_staff=True, is_superuser=True)
    rules = DeliverySettings.current()
    browser = client_for(staff)
    url = f"/admin/logistics/deliverysettings/{rules.pk}/change/"
    form = {
        "fee_incl_vat": "4.95",
        "free_from": "50.00",
        "vat_rate": "21.00",
        "reservation_minutes": "15",
        "preparation_minutes": "30",
    }
    refused = browser.post(url, {**form, "uncollected_cancel_days": "61"})
    assert refused.status_code == 200
    assert "between 2 and 60" in refused.content.decode()
    assert DeliverySettings.current().uncollected_cancel_days == 7

    saved = browser.post(url, {**form, "uncollected_cancel_days": "14"})
    assert saved.status_code == 302
    assert DeliverySettings.current().uncollected_cancel_days == 14


@pytest.mark.parametrize(
    ("entry", "task"),
    [
        ("remind-uncollected-parts", "logistics.tasks.remind_uncollected_parts"),
        ("cancel-uncollected-parts", "logistics.tasks.cancel_uncollected_parts"),
    ],
)
def test_the_beat_runs_both_tasks(settings, entry, task):
    from marketplace.celery import app

    app.loader.import_default_modules()
    scheduled = settings.CELERY_BEAT_SCHEDULE[entry]
    assert scheduled["task"] == task and task in app.tasks
    assert scheduled["schedule"] == 600.0


def test_a_backlog_goes_in_small_batches(clock):
    shop = ShopFactory()
    parts = [ready_part(shop)[0] for _ in range(3)]
    assert clock(8 * DAY, lambda: uncollected.cancel_overdue(limit=2)) == 2
    assert clock(8 * DAY, lambda: uncollected.cancel_overdue(limit=2)) == 1
    statuses = OrderPart.objects.filter(pk__in=[p.pk for p in parts]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {S.CANCELLED}
    assert Refund.objects.filter(part__in=parts).count() == 3


def test_the_apps_listen_to_an_uncollected_part():
    from marketplace import events
    from marketplace.commission import listeners as commission_listeners
    from marketplace.ordering import listeners as ordering_listeners
    from marketplace.reports import listeners as report_listeners

    assert events.PartUncollected.required
    assert events.listeners[events.PartUncollected][:3] == [
        commission_listeners.refund_uncollected_part,
        ordering_listeners.email_uncollected,
        report_listeners.refresh_after_uncollected,
    ]


def test_a_failed_refund_rolls_the_cancel_back_and_the_others_go_on(clock, monkeypatch):
    from marketplace.commission import listeners as commission_listeners

    shop = ShopFactory()
    (first, record), (second, _) = ready_part(shop), ready_part(shop)
    real_refund = commission_listeners.refund_part_payment

    def refuse_first(*, part, **kwargs):
        if part.pk == first.pk:
            raise RuntimeError("the ledger refused")
        return real_refund(part=part, **kwargs)

    monkeypatch.setattr(commission_listeners, "refund_part_payment", refuse_first)
    assert clock(8 * DAY, cancel_uncollected_parts) == 1

    assert OrderPart.objects.get(pk=first.pk).status == S.READY  # tried again next run
    record.refresh_from_db()
    assert record.num_allocated == 2  # its stock still held for it
    assert OrderPart.objects.get(pk=second.pk).status == S.CANCELLED
    assert not Refund.objects.filter(part=first).exists()
