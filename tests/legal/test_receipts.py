"""VAT receipts per shop part: content to the cent, numbering per shop without gaps,
only for the consumer and the shop of the part, and sent with the "ready" e-mail."""

import io
import threading
from decimal import Decimal

import pytest
from django.db import connection
from pypdf import PdfReader

from legal.models import Receipt, ReceiptCounter
from legal.receipts import ReceiptNotAvailable, VatGroup, issue_receipt, vat_groups
from logistics.models import DeliverySettings, OrderPart
from marketplace.ordering import emails
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner

from .conftest import HOSTILE, offer, paid_part, sold_part

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def shop():
    return ShopFactory(
        legal_name="Boekhandel De Brink B.V.",
        vat_number="NL001234567B01",
        chamber_of_commerce_number="12345678",
        street="Brink 10",
        postcode="7411 BR",
        city="Deventer",
    )


def test_a_receipt_splits_vat_per_rate_to_the_cent(shop):
    book = offer(shop, price="19.95", vat_rate="9.00", title="Roman")
    pen = offer(shop, price="3.33", vat_rate="21.00", title="Pen")
    part = sold_part(shop, (book, 2), (pen, 3))
    receipt = issue_receipt(part_id=part.pk)
    content = receipt.content
    # 9%: 39.90 gross, net round(39.90 / 1.09) = 36.61, VAT 3.29
    # 21%: 9.99 gross, net round(9.99 / 1.21) = 8.26, VAT 1.73
    assert content["vat"] == [
        {"rate": "21.00", "gross": "9.99", "net": "8.26", "vat": "1.73"},
        {"rate": "9.00", "gross": "39.90", "net": "36.61", "vat": "3.29"},
    ]
    assert (content["total"], content["total_vat"]) == ("49.89", "5.02")
    assert Decimal(content["total"]) == part.total_incl_vat
    assert [(line["title"], line["quantity"], line["total"]) for line in content["lines"]] == [
        ("Roman", 2, "39.90"),
        ("Pen", 3, "9.99"),
    ]


@pytest.mark.parametrize(
    "amounts",
    [
        [("21", "0.01")],
        [("21", "10.00"), ("9", "0.99"), ("0", "5.00"), ("21", "0.05")],
        [("9", "1234.57"), ("21", "0.03"), ("9", "0.01")],
    ],
)
def test_the_rates_add_up_exactly_to_the_total(amounts):
    pairs = [(Decimal(rate), Decimal(total)) for rate, total in amounts]
    groups = vat_groups(pairs)
    assert sum(g.gross for g in groups) == sum(total for _, total in pairs)
    for group in groups:
        assert group.net + group.vat == group.gross
        expected = (group.gross * group.rate / (100 + group.rate)).quantize(Decimal("0.01"))
        assert abs(group.vat - expected) <= Decimal("0.01")
    assert VatGroup(rate=Decimal("21"), gross=Decimal("12.10")).vat == Decimal("2.10")


def test_the_pdf_names_the_seller_lines_and_vat(shop):
    part = sold_part(shop, (offer(shop, price="12.10", title="Atlas"), 1))
    owner = client_for(make_owner(shop))
    response = owner.get(f"/shop/orders/{part.pk}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Boekhandel De Brink B.V.",
        "Brink 10",
        "7411 BR Deventer",
        "KvK 12345678",
        "VAT NL001234567B01",
        "Receipt 000001",
        part.order.number,
        "Atlas",
        "€ 12.10",
        "€ 10.00",  # excl. VAT at 21%
        "€ 2.10",
    ):
        assert expected in text, expected


def test_hostile_text_prints_as_written(shop):
    shop.legal_name = HOSTILE
    shop.save()
    part = sold_part(shop, (offer(shop, price="5.00", title=HOSTILE), 1))
    response = client_for(part.order.user).get(
        f"/orders/{part.order.number}/receipts/{part.pk}.pdf"
    )
    text = pdf_text(response.content)
    assert '<script>alert("x")</script>' in text
    assert response.content.startswith(b"%PDF")


def test_only_the_consumer_and_the_shop_of_the_part_get_the_receipt(shop):
    part = sold_part(shop, (offer(shop, price="5.00"), 1))
    consumer_url = f"/orders/{part.order.number}/receipts/{part.pk}.pdf"
    shop_url = f"/shop/orders/{part.pk}/receipt.pdf"
    order_page = client_for(part.order.user).get(f"/orders/{part.order.number}/")
    assert f'href="{consumer_url}"' in order_page.content.decode()
    part_page = client_for(make_owner(shop)).get(f"/shop/orders/{part.pk}/")
    assert f'href="{shop_url}"' in part_page.content.decode()
    assert client_for(part.order.user).get(consumer_url).status_code == 200
    assert client_for(make_owner(shop)).get(shop_url).status_code == 200
    assert client_for(UserFactory()).get(consumer_url).status_code == 404
    other_shop = ShopFactory()
    assert client_for(make_owner(other_shop)).get(shop_url).status_code == 404
    # Another shop's owner cannot reach it as a consumer either.
    assert client_for(make_owner(other_shop)).get(consumer_url).status_code == 404
    assert client_for().get(consumer_url).status_code == 302  # to sign in
    assert Receipt.objects.count() == 1


def test_a_part_not_yet_ready_has_no_receipt_and_takes_no_number(shop):
    part = paid_part(shop, (offer(shop, price="5.00"), 1))
    url = f"/orders/{part.order.number}/receipts/{part.pk}.pdf"
    assert (
        url not in client_for(part.order.user).get(f"/orders/{part.order.number}/").content.decode()
    )
    assert client_for(part.order.user).get(url).status_code == 404
    with pytest.raises(ReceiptNotAvailable):
        issue_receipt(part_id=part.pk)
    assert not Receipt.objects.exists()
    assert not ReceiptCounter.objects.filter(last_number__gt=0).exists()


def test_numbers_run_per_shop_and_a_second_request_gets_the_same_receipt(shop):
    other = ShopFactory()
    parts = [sold_part(shop, (offer(shop, price="1.00"), 1)) for _ in range(3)]
    elsewhere = sold_part(other, (offer(other, price="1.00"), 1))
    numbers = [issue_receipt(part_id=part.pk).number for part in parts]
    assert numbers == [1, 2, 3]
    assert issue_receipt(part_id=elsewhere.pk).number == 1
    assert issue_receipt(part_id=parts[1].pk).number == 2
    assert Receipt.objects.filter(shop=shop).count() == 3


def test_the_ready_email_carries_the_receipt(shop, mailoutbox):
    part = sold_part(shop, (offer(shop, price="7.50", title="Kaart"), 1))
    mailoutbox.clear()
    emails.send_part_update(part.pk, "ready")
    (message,) = mailoutbox
    # (file name, content, type); the QR code is an inline MIME image, not a tuple.
    pdfs = [a for a in message.attachments if isinstance(a, tuple) and a[2] == "application/pdf"]
    assert len(pdfs) == 1
    name, content, _type = pdfs[0]
    assert name == f"bon-{part.order.number}-000001.pdf"
    assert "Kaart" in pdf_text(content)
    assert f"/orders/{part.order.number}/receipts/{part.pk}.pdf" in message.body
    html = message.alternatives[0][0]
    assert f"/orders/{part.order.number}/receipts/{part.pk}.pdf" in html


@pytest.mark.django_db(transaction=True)
def test_numbering_has_no_gaps_under_concurrent_requests():
    shop = ShopFactory()
    parts = [sold_part(shop, (offer(shop, price="2.00"), 1)) for _ in range(8)]
    # Two requests for the same part race too: it must keep one number.
    targets = [part.pk for part in parts] + [parts[0].pk, parts[3].pk]
    start = threading.Barrier(len(targets))
    errors = []

    def issue(part_id):
        try:
            start.wait(timeout=30)
            issue_receipt(part_id=part_id)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(pk,)) for pk in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Receipt.objects.filter(shop=shop).values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    assert ReceiptCounter.objects.get(shop=shop).last_number == 8
    assert set(Receipt.objects.values_list("part_id", flat=True)) == {p.pk for p in parts}


def test_the_delivery_fee_is_a_line_at_the_delivery_vat_rate(shop):
    book = offer(shop, price="10.00", vat_rate="9.00", title="Boek")
    part = sold_part(shop, (book, 1))
    OrderPart.objects.filter(pk=part.pk).update(delivery_fee_incl_vat=Decimal("4.95"))
    DeliverySettings.objects.update_or_create(pk=1, defaults={"vat_rate": Decimal("21")})
    content = issue_receipt(part_id=part.pk).content
    assert (content["delivery_fee"], content["delivery_vat_rate"]) == ("4.95", "21.00")
    # 21%: 4.95 -> net 4.09, VAT 0.86; 9%: 10.00 -> net 9.17, VAT 0.83
    assert content["vat"] == [
        {"rate": "21.00", "gross": "4.95", "net": "4.09", "vat": "0.86"},
        {"rate": "9.00", "gross": "10.00", "net": "9.17", "vat": "0.83"},
    ]
    assert (content["total"], content["total_vat"]) == ("14.95", "1.69")
