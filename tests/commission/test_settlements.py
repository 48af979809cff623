"""Weekly settlements: exact figures, made once, paying nothing twice; statements as CSV and
PDF; a shop sees only its own; management sees all with their transfer status.

One shop (5% plan), two orders collected last week, through Stripe (the local fake):
A: 2 × 19.95 = 39.90: commission 2.00, VAT 0.42, card fee 0.60 + 0.25 -> transfer 36.63.
B: 12.50: commission 0.63, VAT 0.13, card fee 0.19 + 0.25 -> 11.30; then refunded in full,
so the transfer is reversed and every fee on it too.
Statement: gross 52.40, refunds 12.50, commission 2.00, VAT 0.42, card fees 0.85, net 36.63.
"""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from logistics.part_states import accept_part, hand_over, mark_ready
from marketplace.commission.models import PartPayout, Settlement
from marketplace.commission.part_transfers import refund_part_payment
from marketplace.commission.settlements import period_of, settle_shop, settle_shops
from marketplace.payments.models import Transfer, TransferStatus
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory, make_offer, make_owner
from tests.payments.conftest import (  # noqa: F401 (fixtures used by name)
    connected_shop,
    default_plan,
    event,
    fake_stripe,
    intent_succeeded,
    post_event,
    stripe_on,
    unpaid_order,
)

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 11, 25)  # a Wednesday; last week is 16–22 November
LAST_WEEK = datetime(2026, 11, 18, 15, 0)


def collected_order(shop, price, quantity, *, intent):
    order = unpaid_order((make_offer(shop, price=price), quantity))
    paid = intent_succeeded(order, intent=intent, charge=f"ch_{intent}")
    post_event(client_for(), event("payment_intent.succeeded", paid))
    part = order.parts.get()
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    return part


@pytest.fixture
def week(stripe_on, monkeypatch):  # noqa: F811
    # Ordered, paid, handed over and refunded last week; then it is TODAY, a morning.
    set_clock(monkeypatch, timezone.make_aware(LAST_WEEK), ticking=True)
    default_plan()
    shop = connected_shop()
    stripe_on.fail_next("/v1/transfers")  # A's transfer fails at hand-over: left pending
    part_a = collected_order(shop, "19.95", 2, intent="pi_a")
    part_b = collected_order(shop, "12.50", 1, intent="pi_b")
    with transaction.atomic():
        refund_part_payment(part=part_b, amount=Decimal("12.50"), key="refund-b")
    set_clock(monkeypatch, timezone.make_aware(datetime.combine(TODAY, time(9))), ticking=True)
    return {"shop": shop, "a": part_a, "b": part_b, "fake": stripe_on}


def test_the_weekly_settlement_has_exact_figures_and_pays_nothing_twice(week):
    fake = week["fake"]
    assert Transfer.objects.get(payout__part=week["a"]).status == TransferStatus.PENDING
    transfer_calls = len(fake.calls("/v1/transfers"))  # A failed, B sent

    [settlement] = settle_shops(today=TODAY)

    assert (settlement.period_start, settlement.period_end) == (
        date(2026, 11, 16),
        date(2026, 11, 23),
    )
    figures = (
        settlement.gross,
        settlement.refunds,
        settlement.commission,
        settlement.vat_on_commission,
        settlement.payment_fees,
        settlement.net,
    )
    assert figures == tuple(Decimal(x) for x in ("52.40", "12.50", "2.00", "0.42", "0.85", "36.63"))
    assert settlement.parts.count() == 2
    calls = fake.calls("/v1/transfers")
    assert len(calls) == transfer_calls + 1
    assert calls[-1].idempotency_key == f"transfer-part-{week['a'].pk}"
    assert calls[-1].form["amount"] == "3663"
    assert Transfer.objects.get(payout__part=week["a"]).status == TransferStatus.SENT

    assert settle_shops(today=TODAY) == [settlement]
    assert (
        settle_shop(shop_id=week["shop"].pk, start=date(2026, 11, 16), end=date(2026, 11, 23))
        == settlement
    )
    assert Settlement.objects.count() == 1
    assert len(fake.calls("/v1/transfers")) == transfer_calls + 1, "the second run paid nothing"


def test_statements_as_csv_and_pdf_carry_the_exact_figures(week):
    [settlement] = settle_shops(today=TODAY)
    owner = client_for(make_owner(week["shop"]))

    csv_response = owner.get(f"/shop/money/{settlement.pk}/statement.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_response.content.decode().splitlines()
    number_a, number_b = week["a"].order.number, week["b"].order.number
    assert lines == [
        f"Shop,{week['shop'].partner.name}",
        f"Invoice number,{settlement.invoice_number}",
        "Period,2026-11-16,2026-11-22",
        "Order,Date,Gross sales,Refunds,Commission,VAT on commission,Payment fees,Net paid out",
        f"{number_a},2026-11-18,39.90,0.00,2.00,0.42,0.85,36.63",
        f"{number_b},2026-11-18,12.50,12.50,0.00,0.00,0.00,0.00",
        "Total,,52.40,12.50,2.00,0.42,0.85,36.63",
    ]

    pdf_response = owner.get(f"/shop/money/{settlement.pk}/statement.pdf")
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")
    text = pdf_text(pdf_response.content)
    for figure in ("52.40", "12.50", "2.00", "0.42", "0.85", "36.63", number_a):
        assert figure in text
    # The web page and the PDF name the same last day of the period.
    assert "22 November 2026" in text
    assert "22 November 2026" in owner.get("/shop/money/").content.decode()


def test_a_dutch_statement_is_read_by_dutch_spreadsheets_and_prints_any_name(week):
    shop = week["shop"]
    shop.partner.name = "Bakkerij Ça Va — Ørsted & Zoë 🍞 Ελλάδα"
    shop.partner.save()
    shop.vat_number = "NL123456789B01"
    shop.save()
    [settlement] = settle_shops(today=TODAY)
    owner = client_for(make_owner(shop))
    owner.cookies["django_language"] = "nl"

    lines = owner.get(f"/shop/money/{settlement.pk}/statement.csv").content.decode().splitlines()
    assert lines[0] == f"\ufeffWinkel;{shop.partner.name}"
    assert lines[-1].split(";")[2:] == ["52,40", "12,50", "2,00", "0,42", "0,85", "36,63"]

    text = pdf_text(owner.get(f"/shop/money/{settlement.pk}/statement.pdf").content)
    assert "Ça Va — Ørsted & Zoë" in text and "Ελλάδα" in text
    assert settlement.invoice_number in text and "NL123456789B01" in text
    assert shop.street in text and "36,63" in text and "22 november 2026" in text


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_shop_sees_only_its_own_money(week):
    [settlement] = settle_shops(today=TODAY)
    owner = client_for(make_owner(week["shop"]))
    page = owner.get("/shop/money/")
    assert page.status_code == 200
    assert list(page.context["settlements"]) == [settlement]
    assert owner.get(f"/shop/money/{settlement.pk}/").status_code == 200

    stranger = client_for(make_owner(connected_shop()))
    assert list(stranger.get("/shop/money/").context["settlements"]) == []
    for url in ("", "statement.pdf", "statement.csv"):
        assert stranger.get(f"/shop/money/{settlement.pk}/{url}").status_code == 404
    assert client_for(UserFactory()).get("/shop/money/").status_code == 403


def test_management_sees_every_settlement_and_its_transfers(week):
    Transfer.objects.filter(payout__part=week["a"]).update(status=TransferStatus.HELD)
    [settlement] = settle_shops(today=TODAY)
    staff = client_for(UserFactory(is_staff=True))
    page = staff.get("/management/settlements/")
    assert page.status_code == 200
    row = page.context["settlements"][0]
    assert (row.pk, row.parts_count, row.transfers_sent, row.transfers_held) == (
        settlement.pk,
        2,
        1,
        1,
    )
    assert "1 of 2 sent" in page.content.decode()
    assert "1 waiting for the payout account" in page.content.decode()
    assert client_for(make_owner(week["shop"])).get("/management/settlements/").status_code == 403


def test_periods_are_weeks_from_monday():
    assert period_of(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 23))
    assert period_of(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 30))
    assert period_of(date(2026, 11, 23), days=1) == (date(2026, 11, 23), date(2026, 11, 24))
    assert period_of(date(2026, 11, 25))[0] - timedelta(days=7) == date(2026, 11, 16)


def test_a_refund_after_the_statement_comes_on_the_next_one_and_the_first_stays(week):
    [first] = settle_shops(today=TODAY)
    with transaction.atomic():
        refund_part_payment(part=week["a"], amount=Decimal("19.95"), key="late-refund-a")
    owner = client_for(make_owner(week["shop"]))
    before = owner.get(f"/shop/money/{first.pk}/statement.csv").content

    [second] = settle_shops(today=TODAY + timedelta(days=7))

    # Of 19.95 back: commission 1.00, VAT 0.21, card fee 0.43 reversed; the shop gives 18.31.
    assert (second.gross, second.refunds, second.commission, second.vat_on_commission) == (
        Decimal("0.00"),
        Decimal("19.95"),
        Decimal("-1.00"),
        Decimal("-0.21"),
    )
    assert (second.payment_fees, second.net) == (Decimal("-0.43"), Decimal("-18.31"))
    lines = owner.get(f"/shop/money/{second.pk}/statement.csv").content.decode().splitlines()
    assert lines[4] == f"{week['a'].order.number},later refund,0.00,19.95,-1.00,-0.21,-0.43,-18.31"
    assert owner.get(f"/shop/money/{first.pk}/statement.csv").content == before
    assert settle_shops(today=TODAY + timedelta(days=14)) == []
    # Over both statements the part adds up to its ledger.
    payout = PartPayout.objects.get(part=week["a"])
    assert first.net + second.net == payout.transferred - payout.transfer_reversed
