"""A shop's weekly statement with the card's online shares: spent online, refunded onto the
card, set off against a part's transfer; on the page data, the CSV and the PDF."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override
from pypdf import PdfReader

from logistics.models import OrderPart
from marketplace.commission.part_transfers import refund_part_payment, schedule_part_transfer
from marketplace.commission.settlements import period_of, settle_shop
from marketplace.commission.statements import statement_csv, statement_pdf
from marketplace.giftcards.models import ShopStatement

from .online_helpers import card_with, place_with_card

pytestmark = pytest.mark.django_db


def test_the_statement_states_online_shares_returns_and_set_offs(
    django_capture_on_commit_callbacks,
):
    card = card_with("60.00")
    order, books, cheese = place_with_card(card, None)  # the whole € 52.40: paid at once
    book_part = OrderPart.objects.get(order=order, shop=books)
    cheese_part = OrderPart.objects.get(order=order, shop=cheese)
    with django_capture_on_commit_callbacks(execute=False):
        schedule_part_transfer(part=book_part)  # all card: no transfer, its fees set off
        refund_part_payment(part=cheese_part, amount=Decimal("12.50"), key="rejected")
        start, end = period_of(timezone.localdate())
        settlement = settle_shop(shop_id=books.pk, start=start, end=end)
        settle_shop(shop_id=cheese.pk, start=start, end=end)

    book_statement = ShopStatement.objects.get(shop=books)
    cheese_statement = ShopStatement.objects.get(shop=cheese)
    assert book_statement.redeemed == Decimal("39.90")
    # The default 5% commission on € 39.90 (2.00) and its VAT (0.42); no payment fee, the
    # card paid it all: the shop keeps € 37.48, its part's net.
    assert book_statement.set_off == Decimal("2.42")
    assert book_statement.net == Decimal("37.48")
    assert (cheese_statement.redeemed, cheese_statement.returned, cheese_statement.net) == (
        Decimal("12.50"),
        Decimal("12.50"),
        Decimal("0.00"),
    )
    with override("en"):
        csv_text = statement_csv(settlement)
        pdf = PdfReader(io.BytesIO(statement_pdf(settlement)))
    assert "City gift cards: set off against order transfers" in csv_text
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "39.90" in text or "39,90" in text
    assert "set off against order transfers" in text
