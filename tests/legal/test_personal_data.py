"""A consumer downloads all of their own data and deletes their account; their orders stay
for the tax retention period, without them."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from legal.models import AnonymisedOrder
from logistics.models import DeliveryProof, OrderPart
from logistics.part_states import hand_over
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner

from .conftest import HOSTILE, offer, paid_part, sold_part

pytestmark = pytest.mark.django_db
User = get_user_model()
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
UserSearch = get_model("analytics", "UserSearch")
Country = get_model("address", "Country")
Basket = get_model("basket", "Basket")


def netherlands():
    return Country.objects.get_or_create(
        iso_3166_1_a2="NL", defaults={"name": "Nederland", "is_shipping_country": True}
    )[0]


def collected_part(shop, consumer, *offers):
    part = sold_part(shop, *offers, consumer=consumer)
    return hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)


@pytest.fixture
def consumer_with_history():
    """A consumer with an address, a finished order (with a shipping address, delivery
    details and proof), a search; and another consumer with their own."""
    shop = ShopFactory()
    consumer = UserFactory(first_name="Anna", last_name=f"de Vries {HOSTILE}")
    UserAddress.objects.create(
        user=consumer,
        first_name="Anna",
        last_name="de Vries",
        line1="Brink 1",
        line4="Deventer",
        postcode="7411 BR",
        country=netherlands(),
        phone_number="+31612345678",
    )
    part = collected_part(shop, consumer, (offer(shop, price="8.55", title="=HYPERLINK(1)"), 2))
    order = part.order
    order.shipping_address = ShippingAddress.objects.create(
        first_name="Anna",
        last_name="de Vries",
        line1="Brink 1",
        line4="Deventer",
        postcode="7411 BR",
        country=netherlands(),
        phone_number="+31612345678",
        notes="Bel twee keer",
    )
    order.save()
    OrderPart.objects.filter(pk=part.pk).update(
        recipient_name="Anna de Vries",
        address_line="Brink",
        house_number="1",
        postcode="7411 BR",
        city="Deventer",
        phone="0612345678",
        safe_place="Achter de schuur",
    )
    DeliveryProof.objects.create(part=part, kind="recipient", received_by="Anna", note="ok")
    UserSearch.objects.create(user=consumer, query="kaas anna")
    other = UserFactory(first_name="Bram")
    other_part = collected_part(shop, other, (offer(shop, price="1.00", title="Van Bram"), 1))
    UserSearch.objects.create(user=other, query="bram zoekt")
    return {
        "shop": shop,
        "consumer": consumer,
        "part": part,
        "other": other,
        "other_part": other_part,
    }


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_all_of_the_consumers_data_and_nobody_elses(consumer_with_history):
    world = consumer_with_history
    browser = client_for(world["consumer"])
    assert (
        'href="/accounts/your-data/download/"'
        in browser.get("/accounts/your-data/").content.decode()
    )
    response = browser.get("/accounts/your-data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unzip(response.content)
    assert set(files) == {
        "data.json",
        "account.csv",
        "addresses.csv",
        "orders.csv",
        "order_lines.csv",
        "order_parts.csv",
        "searches.csv",
        "product_alerts.csv",
        "emails.csv",
        "consents.csv",
        # The sections of the gift card and community packages (test_personal_data_sections).
        "gift_cards.csv",
        "favourite_shops.csv",
        "reviews.csv",
        "news_by_email.csv",
    }
    data = json.loads(files["data.json"])
    assert data["account"]["email"] == world["consumer"].email
    assert data["account"]["last_name"] == f"de Vries {HOSTILE}"
    assert [(a["line1"], a["postcode"], a["phone_number"]) for a in data["addresses"]] == [
        ("Brink 1", "7411 BR", "+31612345678")
    ]
    (order,) = data["orders"]
    assert order["number"] == world["part"].order.number
    assert order["total"] == "17.10"
    assert order["shipping_address"]["notes"] == "Bel twee keer"
    assert order["lines"] == [
        {
            "shop": world["shop"].partner.name,
            "product": "=HYPERLINK(1)",
            "ean": "",
            "quantity": 2,
            "total": "17.10",
        }
    ]
    assert order["parts"][0]["safe_place"] == "Achter de schuur"
    assert order["parts"][0]["status"] == "collected"
    assert data["searches"][0]["query"] == "kaas anna"
    assert data["consents"] == []
    everything = "\n".join(files.values())
    assert "Bram" not in everything and "bram zoekt" not in everything
    assert world["other_part"].order.number not in everything
    lines = list(csv.reader(io.StringIO(files["order_lines.csv"])))
    assert lines[0] == ["order", "shop", "product", "ean", "quantity", "total"]
    # A formula in a product title stays text in a spreadsheet.
    assert lines[1][2] == "'=HYPERLINK(1)"
    assert list(csv.reader(io.StringIO(files["searches.csv"])))[1][0] == "kaas anna"


def test_the_export_is_for_signed_in_consumers_only():
    response = client_for().get("/accounts/your-data/download/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deleting_the_account_removes_the_login_and_anonymises_the_orders(consumer_with_history):
    world = consumer_with_history
    consumer, part = world["consumer"], world["part"]
    AccessAttempt.objects.create(
        username=consumer.username, ip_address="127.0.0.1", failures_since_start=1
    )
    browser = client_for(consumer)
    response = browser.post("/accounts/your-data/", {"password": "secret-pass-1", "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=consumer.pk).exists()
    assert not UserAddress.objects.filter(line1="Brink 1", user__isnull=False).exists()
    assert not UserSearch.objects.filter(query="kaas anna").exists()
    assert not AccessAttempt.objects.filter(username=consumer.username).exists()
    order = Order.objects.get(pk=part.order_id)
    assert (order.user_id, order.guest_email) == (None, "")
    assert order.total_incl_tax == Decimal("17.10")  # the figures stay
    assert Line.objects.filter(order=order).count() == 1
    address = order.shipping_address
    assert (address.first_name, address.last_name, address.line1, address.postcode) == (
        "",
        "—",
        "—",
        "",
    )
    assert (str(address.phone_number or ""), address.notes) == ("", "")
    kept = OrderPart.objects.get(pk=part.pk)
    assert [kept.recipient_name, kept.address_line, kept.phone, kept.safe_place, kept.city] == [
        ""
    ] * 5
    proof = DeliveryProof.objects.get(part=part)
    assert (proof.received_by, proof.note) == ("", "")
    assert AnonymisedOrder.objects.filter(order=order).exists()
    # The other consumer is untouched, and the old session is signed out.
    assert Order.objects.get(pk=world["other_part"].order_id).user == world["other"]
    assert browser.get("/accounts/your-data/").status_code == 302


def test_a_wrong_password_deletes_nothing(consumer_with_history):
    consumer = consumer_with_history["consumer"]
    response = client_for(consumer).post(
        "/accounts/your-data/", {"password": "not-it", "confirm": "on"}
    )
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=consumer.pk).exists()
    assert Order.objects.get(pk=consumer_with_history["part"].order_id).user == consumer
    assert not AnonymisedOrder.objects.exists()


def test_an_order_still_on_its_way_blocks_deletion():
    shop = ShopFactory()
    consumer = UserFactory()
    part = paid_part(shop, (offer(shop, price="3.00"), 1), consumer=consumer)
    browser = client_for(consumer)
    page = browser.get("/accounts/your-data/").content.decode()
    assert "You have orders that are not finished yet." in page
    response = browser.post("/accounts/your-data/", {"password": "secret-pass-1", "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.filter(pk=consumer.pk).exists()
    assert Order.objects.get(pk=part.order_id).user == consumer


def test_shop_and_management_accounts_are_not_deleted_here():
    for user in (make_owner(ShopFactory()), UserFactory(is_staff=True)):
        client_for(user).post(
            "/accounts/your-data/", {"password": "secret-pass-1", "confirm": "on"}
        )
        assert User.objects.filter(pk=user.pk).exists()


def test_the_account_menu_links_to_your_data():
    html = client_for(UserFactory()).get("/accounts/profile/").content.decode()
    assert 'href="/accounts/your-data/"' in html
