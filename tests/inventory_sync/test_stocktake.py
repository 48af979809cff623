"""Stock-taking by hand (issue 17, item 8): scan or type a barcode, set or adjust the count,
unknown barcodes become drafts, bad codes change nothing, another shop is never touched."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from oscar.core.loading import get_model

from inventory_sync.event_models import StockEventMark
from inventory_sync.services import OutOfStock, StockRequest, reserve_stock
from inventory_sync.stocktake import BadBarcode, count_barcode, read_barcode, spellings
from inventory_sync.stocktake_models import StockCount, StockDraft
from marketplace.gtin import gs1_check_digit
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


def ean13(body12: str) -> str:
    return body12 + str(gs1_check_digit(body12))


SOAP = ean13("871234567890")
UNKNOWN = ean13("871234500001")
WRONG_CHECK = SOAP[:-1] + str((int(SOAP[-1]) + 1) % 10)


def offer_with_barcode(shop, code, *, on_hand, title="Zeep lavendel"):
    record = make_offer(shop, on_hand=on_hand, title=title)
    Product.objects.filter(pk=record.product_id).update(upc=code)
    return record


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def owner(shop):
    return client_for(make_owner(shop))


def scan(browser, code, mode="show", token=None):
    return browser.post(
        "/shop/stock/count/", {"code": code, "mode": mode, "token": token or uuid.uuid4()}
    )


def save(browser, code, *, quantity="", change="", token=None):
    return browser.post(
        "/shop/stock/count/save/",
        {"code": code, "quantity": quantity, "change": change, "token": token or uuid.uuid4()},
    )


def on_hand(record) -> int:
    return StockRecord.objects.get(pk=record.pk).num_in_stock


def page_text(browser, code) -> str:
    return browser.get("/shop/stock/count/", {"code": code}).content.decode()


def test_a_scan_shows_the_product_and_a_typed_count_becomes_on_hand(owner, shop):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)

    response = scan(owner, SOAP)
    assert response.status_code == 302 and response.url.endswith(f"?code={SOAP}#counted")
    assert on_hand(soap) == 5  # looking changes nothing
    page = owner.get(response.url).content.decode()
    assert "Zeep lavendel" in page and '<dd class="col-5" id="on-hand">5</dd>' in page

    response = save(owner, SOAP, quantity="7")
    assert response.status_code == 302
    assert on_hand(soap) == 7
    page = owner.get(response.url).content.decode()
    assert "Saved: Zeep lavendel now has 7 on the shelf (was 5)." in page
    assert '<dd class="col-5" id="on-hand">7</dd>' in page
    # Written as a count: a till event from before it can no longer undo it.
    assert StockEventMark.objects.get(stockrecord=soap).last_event_at <= timezone.now()
    count = StockCount.objects.filter(shop=shop).latest("pk")
    assert (count.stockrecord_id, count.before, count.after, count.applied) == (soap.pk, 5, 7, True)


def test_plus_and_minus_one_per_scan_and_a_resent_scan_counts_once(owner, shop):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)
    scan(owner, SOAP, mode="add")
    token = uuid.uuid4()
    scan(owner, SOAP, mode="add", token=token)
    scan(owner, SOAP, mode="add", token=token)  # the phone sent it again
    assert on_hand(soap) == 7
    assert "This count was already saved" in page_text(owner, SOAP)

    scan(owner, SOAP, mode="remove")
    save(owner, SOAP, change="-1")
    save(owner, SOAP, change="1")
    assert on_hand(soap) == 6
    assert owner.session["stocktake_mode"] == "remove"  # the next scan keeps the mode


def test_taking_one_off_never_goes_below_zero(owner, shop):
    soap = offer_with_barcode(shop, SOAP, on_hand=0)
    scan(owner, SOAP, mode="remove")
    assert on_hand(soap) == 0


def test_an_unknown_barcode_becomes_a_draft_outside_the_catalogue(owner, shop):
    response = scan(owner, UNKNOWN, mode="add")
    scan(owner, UNKNOWN, mode="add")

    draft = StockDraft.objects.get(shop=shop)
    assert (draft.gtin, draft.quantity) == (UNKNOWN, 2)
    assert not Product.objects.filter(upc=UNKNOWN).exists()  # nothing the storefront could show
    page = owner.get(response.url).content.decode()
    assert f"Barcode {UNKNOWN} is new to your shop: we made a draft product." in page
    assert "not shown in the shop until you add its name and price" in page

    response = owner.post(
        f"/shop/stock/count/drafts/{draft.pk}/",
        {"title": "Kaars bijenwas", "price": "6.50", "vat_rate": "21.00"},
    )
    assert response.status_code == 302
    record = StockRecord.objects.get(partner=shop.partner, product__upc=UNKNOWN)
    assert (record.num_in_stock, record.price, record.vat_rate) == (
        2,
        Decimal("6.50"),
        Decimal("21.00"),
    )
    assert record.product.title == "Kaars bijenwas" and record.product.is_public
    assert not StockDraft.objects.exists()
    save(owner, UNKNOWN, quantity="4")  # from now on it is counted like any offer
    assert on_hand(record) == 4


def test_a_draft_needs_a_name_and_a_price(owner, shop):
    scan(owner, UNKNOWN)
    draft = StockDraft.objects.get(shop=shop)
    response = owner.post(
        f"/shop/stock/count/drafts/{draft.pk}/", {"title": "", "price": "-1", "vat_rate": "21.00"}
    )
    assert response.status_code == 400
    assert not Product.objects.filter(upc=UNKNOWN).exists()
    assert StockDraft.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (WRONG_CHECK, "its last digit (the check digit) does not match"),
        ("12345", "a barcode (EAN) has 8, 12, 13 or 14 digits"),
        ("<b>87123</b>", "“&lt;b&gt;87123&lt;/b&gt;” is not a barcode"),
        ("", "Scan or type a barcode."),
    ],
)
def test_a_bad_code_gets_a_clear_message_and_changes_nothing(owner, shop, typed, says):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)
    for response in (scan(owner, typed, mode="add"), save(owner, typed, quantity="9")):
        assert response.status_code == 400
        assert says in response.content.decode()
    assert on_hand(soap) == 5
    assert not StockDraft.objects.exists() and not StockCount.objects.exists()


def test_another_shops_product_is_never_touched(owner, shop):
    elsewhere = ShopFactory()
    theirs = offer_with_barcode(elsewhere, SOAP, on_hand=5, title="Hun zeep")
    scan(owner, SOAP, mode="add")
    save(owner, SOAP, quantity="40")

    assert on_hand(theirs) == 5
    draft = StockDraft.objects.get(shop=shop, gtin=SOAP)  # ours: a draft, counted 40
    assert draft.quantity == 40
    assert StockDraft.objects.filter(shop=elsewhere).count() == 0
    # Their draft is not ours to open or delete.
    their_draft = StockDraft.objects.create(shop=elsewhere, gtin=UNKNOWN, quantity=3)
    assert owner.get(f"/shop/stock/count/drafts/{their_draft.pk}/").status_code == 404
    assert owner.post(f"/shop/stock/count/drafts/{their_draft.pk}/delete/").status_code == 404
    assert StockDraft.objects.filter(pk=their_draft.pk).exists()
    # Completing ours makes a second offer of the same product, their record untouched.
    owner.post(
        f"/shop/stock/count/drafts/{draft.pk}/",
        {"title": "ignored", "price": "3.95", "vat_rate": "21.00"},
    )
    ours = StockRecord.objects.get(partner=shop.partner)
    assert ours.product_id == theirs.product_id and ours.num_in_stock == 40
    assert (on_hand(theirs), StockRecord.objects.get(pk=theirs.pk).price) == (5, theirs.price)


def test_a_count_below_what_is_reserved_keeps_the_reservations_and_sells_nothing_more(owner, shop):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)
    with transaction.atomic():
        reserve_stock(requests=[StockRequest(stockrecord_id=soap.pk, quantity=3)])

    response = save(owner, SOAP, quantity="2")
    fresh = StockRecord.objects.get(pk=soap.pk)
    assert (fresh.num_in_stock, fresh.num_allocated) == (2, 3)
    page = owner.get(response.url).content.decode()
    assert "3 of Zeep lavendel are reserved for online orders, more than the 2 you counted" in page
    assert '<dd class="col-5" id="available">0</dd>' in page
    with pytest.raises(OutOfStock), transaction.atomic():
        reserve_stock(requests=[StockRequest(stockrecord_id=soap.pk, quantity=1, title="Zeep")])


def test_a_newer_count_from_the_till_wins_and_the_owner_is_told(owner, shop):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)
    StockEventMark.objects.create(stockrecord=soap, last_event_at=timezone.now() + timedelta(1))
    response = save(owner, SOAP, quantity="9")
    assert on_hand(soap) == 5
    assert (
        "Not saved: your till sent a newer count for Zeep lavendel"
        in owner.get(response.url).content.decode()
    )


def test_a_upc_a_scan_finds_the_product_stored_as_ean_13(shop):
    upc_a = "036000291452"  # a well-known UPC-A
    soap = offer_with_barcode(shop, "0" + upc_a, on_hand=1)
    result = count_barcode(shop=shop, code=read_barcode(upc_a), token=uuid.uuid4(), quantity=3)
    assert (result.record.pk, on_hand(soap)) == (soap.pk, 3)
    assert spellings(upc_a) == [upc_a, "0" + upc_a, "00" + upc_a]


def test_read_barcode_accepts_spaces_and_refuses_wrong_check_digits():
    assert read_barcode(f" {SOAP[:1]} {SOAP[1:7]} {SOAP[7:]} ") == SOAP
    with pytest.raises(BadBarcode):
        read_barcode(WRONG_CHECK)


def test_the_page_speaks_dutch(shop):
    dutch = client_for(make_owner(shop))
    page = dutch.get("/shop/stock/count/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    with translation.override("nl"):
        words = [gettext("Count stock"), gettext("Take a photo of the barcode")]
    assert all(word in page for word in words)


@pytest.mark.parametrize("typed", ["-3", "abc", "100001", "2.5", ""])
def test_a_bad_count_is_refused_at_the_box_and_changes_nothing(owner, shop, typed):
    soap = offer_with_barcode(shop, SOAP, on_hand=5)
    response = save(owner, SOAP, quantity=typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="invalid-feedback d-block" role="alert"' in page and "Zeep lavendel" in page
    assert on_hand(soap) == 5 and not StockCount.objects.exists()


def test_a_drafts_name_is_shown_escaped(owner, shop):
    scan(owner, UNKNOWN, mode="add")
    draft = StockDraft.objects.get(shop=shop)
    response = owner.post(
        f"/shop/stock/count/drafts/{draft.pk}/",
        {"title": "<img src=x onerror=alert(1)>", "price": "2.00", "vat_rate": "9.00"},
    )
    page = owner.get(response.url).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert StockRecord.objects.get(partner=shop.partner).vat_rate == Decimal("9.00")


def test_a_draft_scanned_as_upc_a_and_as_ean_13_is_one_draft(owner, shop):
    upc_a = "036000291452"
    scan(owner, upc_a, mode="add")
    scan(owner, "0" + upc_a, mode="add")
    assert list(StockDraft.objects.values_list("gtin", "quantity")) == [(upc_a, 2)]


@pytest.mark.django_db(transaction=True)
def test_two_phones_adding_at_once_both_count():
    shop = ShopFactory()
    soap = offer_with_barcode(shop, SOAP, on_hand=0)
    start = threading.Barrier(2)

    def phone():
        try:
            start.wait()
            for _ in range(10):
                count_barcode(shop=shop, code=SOAP, token=uuid.uuid4(), change=1)
        finally:
            connection.close()

    phones = [threading.Thread(target=phone) for _ in range(2)]
    for thread in phones:
        thread.start()
    for thread in phones:
        thread.join()
    assert on_hand(soap) == 20
    assert StockCount.objects.filter(shop=shop).count() == 20
