"""Centre management edits the delivery rules; checkout follows them."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from logistics.models import DeliverySettings, DeliverySlot
from logistics.slots import open_slots
from marketplace.ordering.delivery import delivery_fee
from marketplace.payments import gateway
from tests.factories import ShopFactory, UserFactory, make_offer, make_slot, make_zone

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


def test_fee_is_free_from_the_threshold():
    rules = DeliverySettings(fee_incl_vat=Decimal("4.95"), free_from=Decimal("50.00"))
    assert delivery_fee(subtotal=Decimal("49.99"), rules=rules) == Decimal("4.95")
    assert delivery_fee(subtotal=Decimal("50.00"), rules=rules) == Decimal("0.00")
    rules.free_from = None
    assert delivery_fee(subtotal=Decimal("500.00"), rules=rules) == Decimal("4.95")


def test_management_changes_the_fee_in_the_admin_and_bad_input_changes_nothing(client):
    manager = get_user_model().objects.create_superuser("beheer@x.test", "beheer@x.test", "pw")
    client.force_login(manager)
    rules = DeliverySettings.current()
    url = f"/admin/logistics/deliverysettings/{rules.pk}/change/"
    form = {
        "fee_incl_vat": "3.50",
        "free_from": "40.00",
        "vat_rate": "21.00",
        "reservation_minutes": "20",
        "preparation_minutes": "30",
        "uncollected_cancel_days": "7",
    }
    assert client.post(url, form).status_code == 302
    rules.refresh_from_db()
    assert (rules.fee_incl_vat, rules.free_from, rules.reservation_minutes) == (
        Decimal("3.50"),
        Decimal("40.00"),
        20,
    )
    response = client.post(url, {**form, "fee_incl_vat": "gratis"})
    assert response.status_code == 200
    assert "fee_incl_vat" in response.context["adminform"].form.errors
    rules.refresh_from_db()
    assert rules.fee_incl_vat == Decimal("3.50")


def test_slots_past_cutoff_or_full_are_not_offered():
    zone = make_zone()
    open_slot = make_slot(zone, start=10)
    full = make_slot(zone, start=12, capacity=1)
    DeliverySlot.objects.filter(pk=full.pk).update(booked=1)
    from django.utils import timezone

    closed = make_slot(zone, start=14, cutoff=timezone.now())
    offered = set(open_slots())
    assert open_slot in offered and full not in offered and closed not in offered


class RecordingGateway(gateway.OfflineGateway):
    calls: list = []

    def start_payment(self, *, payment) -> str:
        from marketplace.db import in_transaction

        self.calls.append(in_transaction())
        return super().start_payment(payment=payment)


@pytest.mark.django_db(transaction=True)
def test_payment_starts_only_after_the_order_transaction_committed(client, monkeypatch):
    monkeypatch.setitem(gateway.GATEWAYS, "offline", RecordingGateway)
    RecordingGateway.calls = []
    shop = ShopFactory()
    record = make_offer(shop, on_hand=2)
    user = UserFactory()
    client.force_login(user)
    client.post(f"/basket/add-offer/{record.pk}/", {"quantity": "1"})
    response = client.post("/checkout/", {f"method_{shop.partner_id}": "collect"})
    assert response.status_code == 302
    assert RecordingGateway.calls == [False], "no transaction (and no row lock) was open"
    assert Order.objects.filter(user=user).count() == 1
