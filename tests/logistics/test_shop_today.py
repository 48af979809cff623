"""The shop's home: today's work in three lists with due times, the couriers coming, and
a box for the pickup code a consumer shows at the counter."""

import pytest
from django.utils import timezone

from logistics.models import OrderPart, PartStatus
from logistics.part_states import accept_part, mark_ready
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner
from tests.payments.conftest import unpaid_order

pytestmark = pytest.mark.django_db


def placed(shop, title):
    order = unpaid_order((make_offer(shop, title=title), 1))
    part = order.parts.get()
    OrderPart.objects.filter(pk=part.pk).update(status=PartStatus.PLACED, placed_at=timezone.now())
    return OrderPart.objects.get(pk=part.pk)


@pytest.fixture
def counter():
    shop = ShopFactory()
    parts = [placed(shop, title) for title in ("Kaas", "Brood", "Wijn")]
    accept_part(part_id=parts[1].pk, shop_id=shop.pk)
    accept_part(part_id=parts[2].pk, shop_id=shop.pk)
    mark_ready(part_id=parts[2].pk, shop_id=shop.pk)
    return shop, parts, client_for(make_owner(shop))


def test_the_home_lists_todays_work_with_due_times(counter):
    shop, parts, client = counter
    page = client.get("/shop/")
    work = page.context["work"]
    assert [[task.part.pk for task in work[key]] for key in ("accept", "prepare", "hand_over")] == [
        [parts[0].pk],
        [parts[1].pk],
        [parts[2].pk],
    ]
    assert all(task.due is not None for tasks in work.values() for task in tasks)
    html = page.content.decode()
    for part in parts:
        assert part.order.number in html
    assert 'action="/shop/orders/code/"' in html


def test_the_counter_code_finds_the_ready_order_and_hands_it_over(counter):
    shop, parts, client = counter
    ready = OrderPart.objects.get(pk=parts[2].pk)
    code = f" {ready.pickup_code.lower()} "  # as typed at a counter
    found = client.post("/shop/orders/code/", {"code": code})
    assert found.status_code == 302
    assert found["Location"] == f"/shop/orders/{ready.pk}/?code={ready.pickup_code}"
    page = client.get(found["Location"]).content.decode()
    assert f'value="{ready.pickup_code}"' in page
    client.post(f"/shop/orders/{ready.pk}/hand-over/", {"code": ready.pickup_code})
    assert OrderPart.objects.get(pk=ready.pk).status == PartStatus.COLLECTED


def test_a_wrong_or_another_shops_code_finds_nothing(counter):
    shop, parts, client = counter
    elsewhere = ShopFactory()
    other = placed(elsewhere, "Elders")
    accept_part(part_id=other.pk, shop_id=elsewhere.pk)
    mark_ready(part_id=other.pk, shop_id=elsewhere.pk)
    for code in ("ZZZZZZ", OrderPart.objects.get(pk=other.pk).pickup_code, "<b>x</b>"):
        refused = client.post("/shop/orders/code/", {"code": code}, follow=True)
        assert refused.redirect_chain[-1][0] == "/shop/"
        html = refused.content.decode()
        assert "No order is ready for pickup here" in html and "<b>x</b>" not in html


def test_the_order_list_shows_customer_items_due_time_and_a_badge_per_state(counter):
    shop, parts, client = counter
    page = client.get("/shop/orders/")
    tasks = {task.part.pk: task for task in page.context["tasks"]}
    assert len({tasks[part.pk].badge for part in parts}) == 3  # placed, accepted, ready
    html = page.content.decode()
    assert "1 item" in html and "due" in html
    for part in parts:
        assert tasks[part.pk].due is not None
        assert tasks[part.pk].customer in html


def test_a_part_shows_the_ean_of_each_line(counter):
    shop, parts, client = counter
    part = parts[0]
    line = part.order.lines.get()
    line.upc = "8712345678906"
    line.save()
    html = client.get(f"/shop/orders/{part.pk}/").content.decode()
    assert '<td class="line-ean">8712345678906</td>' in html
