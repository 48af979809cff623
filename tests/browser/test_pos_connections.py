"""A shop owner connects their POS system, in a browser (the phone-sized Dutch page).

The connection page (/shop/stock/connection/) is where the owner picks the type of POS,
fills in its address and secrets, and reads back the webhook URL to paste into the POS; the
secrets are only ever shown masked. Saving the settings of a polled POS polls it once, right
after the commit (Celery is eager in tests, so the poll runs in the live server's request):
Square is pointed at http://127.0.0.1:9, where nothing listens, so that poll fails at once and
the page says so; Shopify is pointed at the fake POS of tests/inventory_sync, so its poll
brings POS items that match no product, which the owner turns into offers of their shop.
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from inventory_sync.event_models import PosItem
from inventory_sync.models import (
    ConnectionStatus,
    PosConnection,
    PosKind,
    StockFeedUpload,
    SyncKind,
    SyncLog,
    SyncOutcome,
)
from tests.browser.conftest import shot
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.inventory_sync.fake_pos import RunningPos
from tests.inventory_sync.pos_helpers import SECRET, connect

pytestmark = pytest.mark.django_db(transaction=True)
StockRecord = get_model("partner", "StockRecord")
CONNECTION = "/shop/stock/connection/"
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: the first poll fails at once
ACCESS_TOKEN = "sq-access-token-A1B2C3D4"
SIGNING_KEY = "sq-signature-key-W5X6Y7Z8"
GOOD_EAN, BAD_EAN = "8712345678906", "8712345678907"  # the second's check digit is wrong


def dutch(message) -> str:
    """`message` (a msgid or a lazy label) as the nl-NL browser sees it."""
    with translation.override("nl"):
        return gettext(message) if isinstance(message, str) else str(message)


def masked(secret: str) -> str:
    return "••••" + secret[-4:]


def choose_kind(page, kind):
    form = page.locator("form").filter(has=page.locator("#id_kind"))
    form.locator("#id_kind").select_option(kind)
    with page.expect_navigation():
        form.locator("button").click()


def save_settings(page, **fields):
    """Opens "POS settings", types the fields (by name) and saves."""
    details = page.locator("details").filter(has=page.locator("#id_base_url"))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    for name, value in fields.items():
        details.locator(f"#id_{name}").fill(value)
    with page.expect_navigation():
        details.locator("button").click()


def open_connection_page(page):
    """The nav tab: a fresh GET, not the page a POST answered with."""
    with page.expect_navigation():
        page.get_by_role("link", name=dutch("POS connection"), exact=True).click()


def status(page):
    return page.locator("#connection-status")


def test_owner_connects_square_sees_the_webhook_url_and_only_masked_secrets(person):
    shop = ShopFactory()
    page = person(make_owner(shop), CONNECTION)
    expect(status(page)).to_contain_text(dutch("None: stock is kept by hand"))
    assert not PosConnection.objects.filter(shop=shop).exists()
    shot(page, "no-connection-yet")

    # The type first: the connection is made, with a webhook key of its own.
    choose_kind(page, PosKind.SQUARE)
    expect(page.locator("body")).to_contain_text(dutch("Saved."))
    expect(status(page)).to_contain_text(dutch(PosKind.SQUARE.label))
    expect(status(page)).to_contain_text(dutch(ConnectionStatus.NEW.label))
    connection = PosConnection.objects.get(shop=shop)
    assert (connection.kind, connection.settings, connection.secrets) == (PosKind.SQUARE, {}, {})
    webhook_url = (
        f"{settings.SITE_URL.rstrip('/')}/api/pos/webhooks/square/{connection.webhook_key}/"
    )
    expect(page.locator("#webhook-url")).to_have_text(webhook_url)

    # Then where Square is and the secrets Square gave the shop.
    save_settings(
        page,
        base_url=UNREACHABLE,
        location_id="L-BRINK",
        access_token=ACCESS_TOKEN,
        signing_secret=SIGNING_KEY,
    )
    expect(page.locator("body")).to_contain_text(dutch("Saved."))
    expect(page.locator("#webhook-url")).to_have_text(webhook_url)
    expect(status(page)).to_contain_text(masked(ACCESS_TOKEN))
    expect(status(page)).to_contain_text(masked(SIGNING_KEY))
    html = page.content()
    assert ACCESS_TOKEN not in html and SIGNING_KEY not in html
    expect(page.locator("#id_access_token")).to_have_value("")  # write-only fields
    expect(page.locator("#id_signing_secret")).to_have_value("")
    shot(page, "square-saved")
    connection.refresh_from_db()
    assert (
        connection.settings.items() >= {"base_url": UNREACHABLE, "location_id": "L-BRINK"}.items()
    )
    assert connection.secrets == {"access_token": ACCESS_TOKEN}
    assert connection.signing_secret == SIGNING_KEY

    # Saving queued the first poll; Square could not be reached, and the page says so.
    open_connection_page(page)
    expect(status(page)).to_contain_text(dutch(ConnectionStatus.FAILING.label))
    expect(status(page)).to_contain_text(dutch("The till system could not be reached."))
    expect(page.locator("#backoff")).to_be_visible()
    html = page.content()
    assert ACCESS_TOKEN not in html and SIGNING_KEY not in html
    shot(page, "square-unreachable")
    connection.refresh_from_db()
    assert (connection.status, connection.failures) == (ConnectionStatus.FAILING, 1)
    poll = SyncLog.objects.get(shop=shop)
    assert (poll.kind, poll.outcome) == (SyncKind.POLL, SyncOutcome.FAILED)


def test_a_bad_pos_address_is_explained_at_the_field_and_saves_nothing(person):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, base_url=UNREACHABLE, location_id="9")
    before = (connection.settings, connection.secrets, connection.signing_secret)
    page = person(make_owner(shop), CONNECTION)

    # "http://kassa" passes the browser's own check of a URL field, not the server's.
    save_settings(page, base_url="http://kassa", location_id="12", access_token="shpat-new-1234")
    field = page.locator("#id_base_url")
    expect(field).to_be_visible()  # the settings stay open, the typed address kept
    expect(field).to_have_value("http://kassa")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "id_base_url_error")
    error = page.locator("#id_base_url_error")
    expect(error).to_be_visible()
    expect(error).to_have_text(dutch("Enter a valid URL."))
    # The message at the top names the field as the owner reads it, not "base_url".
    expect(page.locator("body")).to_contain_text(
        dutch("Please check the settings: %(errors)s")
        % {"errors": f"{dutch('POS address')}: {dutch('Enter a valid URL.')}"}
    )
    expect(page.locator("body")).not_to_contain_text(dutch("Saved."))
    expect(page.locator("#id_access_token")).to_have_value("")  # a secret is never echoed
    assert "shpat-new-1234" not in page.content()
    shot(page, "bad-address")

    connection.refresh_from_db()
    assert (connection.settings, connection.secrets, connection.signing_secret) == before
    assert not SyncLog.objects.filter(shop=shop).exists()  # no poll was queued either


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


def shopify_variant(inventory_item, sku, barcode, price):
    return {
        "id": inventory_item * 10,
        "title": "Default Title",
        "sku": sku,
        "barcode": barcode,
        "price": price,
        "inventory_item_id": inventory_item,
    }


def test_owner_turns_unmatched_pos_items_into_offers(person, pos):
    shop = ShopFactory()
    sold = make_offer(shop, on_hand=1, title="Atlas")
    pos.shopify_products = [
        {"id": 1, "title": "Atlas", "variants": [shopify_variant(101, sold.partner_sku, "", "20")]},
        {
            "id": 2,
            "title": "Kaasschaaf",
            "variants": [shopify_variant(102, "KS-1", GOOD_EAN, "12.95")],
        },
        {"id": 3, "title": "Zeepje", "variants": [shopify_variant(103, "ZP-1", BAD_EAN, "3.50")]},
    ]
    pos.shopify_levels = [
        {"inventory_item_id": item, "location_id": 9, "available": 5} for item in (101, 102, 103)
    ]
    page = person(make_owner(shop), CONNECTION)
    choose_kind(page, PosKind.SHOPIFY)
    save_settings(page, base_url=pos.url, location_id="9", access_token=pos.token)
    expect(page.locator("body")).to_contain_text(dutch("Saved."))

    # The first poll ran once the settings were committed: one item matched, two did not.
    open_connection_page(page)
    expect(status(page)).to_contain_text(dutch(ConnectionStatus.OK.label))
    assert StockRecord.objects.get(pk=sold.pk).num_in_stock == 5
    rows = page.locator("li").filter(
        has=page.get_by_role("button", name=dutch("Create product from this row"))
    )
    expect(rows).to_have_count(2)
    shot(page, "unmatched-pos-items")

    # One click: the Kaasschaaf becomes an offer of this shop, linked to its POS item.
    with page.expect_navigation():
        rows.filter(has_text="Kaasschaaf").get_by_role("button").click()
    expect(page).to_have_url(re.compile(re.escape(CONNECTION) + "$"))
    expect(page.locator("body")).to_contain_text(
        dutch("Product created: %(title)s.") % {"title": "Kaasschaaf"}
    )
    expect(rows).to_have_count(1)
    offer = StockRecord.objects.get(partner=shop.partner, partner_sku="KS-1")
    assert (offer.product.title, offer.product.upc, offer.price) == (
        "Kaasschaaf",
        GOOD_EAN,
        Decimal("12.95"),
    )
    assert PosItem.objects.get(external_id="102").stockrecord_id == offer.pk
    shot(page, "product-created")

    # The Zeepje's barcode is wrong: refused, with the reason, and nothing is made.
    with page.expect_navigation():
        rows.filter(has_text="Zeepje").get_by_role("button").click()
    expect(page.locator("body")).to_contain_text(
        dutch("EAN %(ean)s is not a valid barcode (check digit).") % {"ean": BAD_EAN}
    )
    expect(rows).to_have_count(1)
    shot(page, "bad-ean-refused")
    assert not StockRecord.objects.filter(partner=shop.partner, partner_sku="ZP-1").exists()
    assert StockRecord.objects.filter(partner=shop.partner).count() == 2
    assert PosItem.objects.get(external_id="103").stockrecord_id is None


def test_owner_turns_an_unmatched_upload_row_into_an_offer(person):
    shop = ShopFactory()
    page = person(make_owner(shop), "/shop/stock/")
    content = f"sku;ean;aantal;prijs;omschrijving\nNEW-1;{GOOD_EAN};4;12,95;Kaas\nNEW-2;;2;;Zeep\n"
    page.locator("#id_file").set_input_files(
        files=[{"name": "voorraad.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name=dutch("Check file")).click()
    rows = page.locator("#unmatched-rows li")
    expect(rows).to_have_count(2)  # neither SKU is one of the shop's products yet
    shot(page, "unmatched-upload-rows")

    with page.expect_navigation():
        rows.filter(has_text="NEW-1").get_by_role("button").click()
    expect(page.locator("body")).to_contain_text(
        dutch("Product created: %(title)s.") % {"title": "Kaas"}
    )
    offer = StockRecord.objects.get(partner=shop.partner, partner_sku="NEW-1")
    assert (offer.product.upc, offer.num_in_stock, offer.price) == (
        GOOD_EAN,
        4,
        Decimal("12.95"),
    )

    with page.expect_navigation():
        rows.filter(has_text="NEW-2").get_by_role("button").click()
    expect(page.locator("body")).to_contain_text(
        dutch("This row has no price; add the product by hand.")
    )
    shot(page, "row-without-price-refused")
    assert list(StockRecord.objects.filter(partner=shop.partner)) == [offer]


def test_another_shops_owner_sees_nothing_of_the_connection_or_its_rows(person, live_server):
    shop = ShopFactory()
    owner = make_owner(shop)
    connection = connect(shop, PosKind.SQUARE, base_url=UNREACHABLE, location_id="L1")
    item = PosItem.objects.create(
        connection=connection, external_id="V1", sku="ALLEEN-A", title="Alleen van A"
    )
    client_for(owner).post(
        "/shop/stock/",
        {
            "file": SimpleUploadedFile(
                "a.csv", b"sku;aantal;prijs;omschrijving\nRIJ-A;3;9,95;Van A\n"
            )
        },
    )
    upload = StockFeedUpload.objects.get(shop=shop)
    assert [row["sku"] for row in upload.summary["unmatched_rows"]] == ["RIJ-A"]

    intruder = make_owner(ShopFactory())
    page = person(intruder, CONNECTION)
    expect(status(page)).to_contain_text(dutch("None: stock is kept by hand"))
    html = page.content()
    for secret in (connection.webhook_key, masked(SECRET), masked("pos-token"), "ALLEEN-A"):
        assert secret not in html
    shot(page, "intruder-own-page")
    response = page.goto(f"{live_server.url}/shop/stock/uploads/{upload.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("RIJ-A")

    other = client_for(intruder)
    assert other.post(f"{CONNECTION}items/{item.pk}/create/").status_code == 404
    assert other.post(f"/shop/stock/uploads/{upload.pk}/rows/2/create/").status_code == 404
    assert client_for(UserFactory()).get(CONNECTION).status_code == 403  # not shop staff
    assert not StockRecord.objects.exists()
    assert PosItem.objects.get(pk=item.pk).stockrecord_id is None
    assert not PosConnection.objects.exclude(pk=connection.pk).exists()
