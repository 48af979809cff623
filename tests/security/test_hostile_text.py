"""Hostile text written by shop owners, applicants and consumers comes back inert everywhere.

Every field such a person controls gets script payloads; every page, e-mail (HTML part), JSON
block, CSV, XLSX and PDF where the field appears is fetched and read as a browser or
spreadsheet would: no script element, event-handler attribute, `javascript:` URL or SVG from
a payload, and no payload in its raw form. Product descriptions are rich text, cleaned by nh3
to an allow-list on save and again on output (a row written before the fix is safe too).
"""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from oscar.core.loading import get_model

from logistics.emails import send_part_failed
from logistics.models import OrderPart, RouteStop
from logistics.part_states import reject_part
from marketplace.commission.models import CommissionPlan, Settlement
from marketplace.models import SearchRecord
from marketplace.ordering.delivery import DeliveryAddress
from marketplace.ordering.emails import send_order_placed, send_part_update
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.rich_text import clean_rich_text
from marketplace.spreadsheet_cells import neutralise
from shops.dashboard_forms import ProfileForm
from shops.models import OpeningHoursException, Shop
from tests.conftest import client_for
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_owner,
    make_slot,
    make_zone,
    shop_code,
)
from tests.logistics.test_courier_app import act, world  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
BREAKOUT = "</script><script>alert(1)</script>"
PAYLOADS = (SCRIPT, IMG, SVG, BREAKOUT)
HOSTILE = "".join(PAYLOADS)  # 110 characters
SHORT = "<svg onload=alert(1)>"  # for fields of 30 characters
FORMULA = '=HYPERLINK("http://x","y")'
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data):
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def assert_inert(html: str, where: str) -> None:
    """Nothing a payload brought in can run: no script of it, no handler, no javascript:."""
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r} in the page"
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.tags:
        assert not (tag == "img" and attributes.get("src") == "x"), f"{where}: the payload's <img>"
        for name, value in attributes.items():
            assert not (name.startswith("on") and "alert(1)" in value), f"{where}: {name}={value}"
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not value.strip().lower().startswith("javascript:"), f"{where}: {value}"
    for attributes, text in parser.scripts:
        assert "alert(1)" not in text or attributes.get("type", "").startswith("application/"), (
            f"{where}: an executable script holds a payload: {text[:80]!r}"
        )
        if attributes.get("type") in ("application/ld+json", "application/json"):
            json.loads(text)  # the whole block is one JSON value: nothing broke out of it


def page(browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def html_parts(messages) -> list[tuple[str, str]]:
    parts = []
    for message in messages:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                parts.append((message.subject, content))
    return parts


def json_ld(html: str) -> list[dict]:
    parser = Elements()
    parser.feed(html)
    return [
        json.loads(text)
        for attributes, text in parser.scripts
        if attributes.get("type") == "application/ld+json"
    ]


@pytest.fixture
def hostile_shop(db):
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    shop = ShopFactory(
        description=HOSTILE,
        pickup_instructions=HOSTILE,
        street=HOSTILE[:200],
        city=HOSTILE[:100],
        phone=SHORT,
    )
    shop.partner.name = HOSTILE
    shop.partner.save()
    today = timezone.localdate()
    OpeningHoursException.objects.create(shop=shop, date=today, closed=True, reason=SHORT)
    OpeningHoursException.objects.create(
        shop=shop, date=today + timedelta(days=2), closed=True, reason=SCRIPT
    )
    offer = make_offer(shop, title=HOSTILE)
    # Written straight to the table: a description from before the fix, never cleaned.
    Product.objects.filter(pk=offer.product_id).update(description=HOSTILE)
    return Shop.objects.select_related("partner").get(pk=shop.pk), offer


def test_rich_text_keeps_formatting_and_drops_everything_executable():
    cleaned = clean_rich_text(
        '<p>Een <strong>mooi</strong> boek <a href="https://example.test/">lees meer</a></p>'
        + HOSTILE
        + '<a href="javascript:alert(1)">x</a><p style="x" onclick="alert(1)">y</p>'
    )
    assert "<strong>mooi</strong>" in cleaned
    assert 'href="https://example.test/"' in cleaned
    assert_inert(cleaned, "cleaned rich text")
    assert "javascript" not in cleaned and "onclick" not in cleaned


def test_storefront_pages_show_hostile_shop_and_product_text_inert(hostile_shop):
    shop, offer = hostile_shop
    browser = client_for()
    product_page = page(browser, offer.product.get_absolute_url())
    assert_inert(product_page, "product page")
    assert "product-description" in product_page
    shop_page = page(browser, f"/shops/{shop.slug}/")
    assert_inert(shop_page, "shop page")
    [business] = json_ld(shop_page)
    assert business["name"] == HOSTILE  # the name is data inside the JSON, whole
    assert business["address"]["streetAddress"] == HOSTILE
    for url in ("/", "/shops/", "/catalogue/", f"/search/?q={HOSTILE}"):
        assert_inert(page(browser, url), url)
    browser.post(f"/basket/add-offer/{offer.pk}/", {"quantity": 1})
    assert_inert(page(browser, "/basket/"), "basket")


def test_reviews_and_managements_dashboard_show_hostile_text_inert(hostile_shop):
    """Oscar's reviews are open to visitors; its dashboard lists shops, products, reviews."""
    shop, offer = hostile_shop
    product = offer.product
    base = f"/catalogue/{product.slug}_{product.pk}/reviews/"
    visitor = client_for()
    posted = visitor.post(
        f"{base}add/",
        {
            "title": HOSTILE,
            "score": 5,
            "body": HOSTILE,
            "name": HOSTILE[:100],
            "email": "a@example.test",
        },
    )
    assert posted.status_code == 302
    assert get_model("reviews", "ProductReview").objects.filter(product=product).exists()
    assert_inert(page(visitor, base), "reviews")
    manager = client_for(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/dashboard/reviews/",
        "/dashboard/catalogue/",
        "/dashboard/partners/",
        f"/dashboard/catalogue/products/{product.pk}/",
    ):
        assert_inert(page(manager, url), url)


def test_the_shop_areas_product_form_stores_a_cleaned_description(hostile_shop):
    shop, _ = hostile_shop
    owner = client_for(make_owner(shop))
    category = get_model("catalogue", "Category").add_root(name="Boeken").add_child(name="Romans")
    response = owner.post(
        "/shop/products/new/",
        {
            "ean": "9789021234564",
            "title": HOSTILE,
            "category": category.pk,
            "description": "<p>Mooi <em>boek</em></p>" + HOSTILE,
            "price": "12.50",
            "vat_rate": "21.00",
            "num_in_stock": 3,
            "partner_sku": "sku-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(upc="9789021234564")
    assert product.description.startswith("<p>Mooi <em>boek</em></p>")
    assert_inert(product.description, "stored description")
    assert_inert(page(client_for(), product.get_absolute_url()), "new product page")
    for url in ("/shop/", "/shop/products/", "/shop/profile/"):
        assert_inert(page(owner, url), url)
    profile = ProfileForm(instance=shop, data={"website": "javascript:alert(1)"})
    assert not profile.is_valid() and "website" in profile.errors


def test_editing_an_offer_stores_a_cleaned_description(hostile_shop):
    shop, offer = hostile_shop
    owner = client_for(make_owner(shop))
    response = owner.post(
        f"/shop/products/{offer.pk}/",
        {
            "price": "10.00",
            "vat_rate": "21.00",
            "num_in_stock": 10,
            "partner_sku": offer.partner_sku,
            "product-title": "Boek",
            "product-description": '<p>Nu <a href="javascript:alert(1)">met</a></p>' + HOSTILE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    description = Product.objects.get(pk=offer.product_id).description
    assert description.startswith("<p>Nu <a")
    assert "javascript" not in description
    assert_inert(description, "edited description")
    assert_inert(page(owner, f"/shop/products/{offer.pk}/"), "offer form")


def test_a_stock_feed_with_hostile_titles_is_inert_in_preview_and_as_a_product(hostile_shop):
    """Feed rows (CSV here, XLSX reads into the same rows) name products shops may create."""
    shop, offer = hostile_shop
    owner = client_for(make_owner(shop))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["artikelnummer", "ean", "titel", "aantal", "prijs"])
    writer.writerow([offer.partner_sku, "", HOSTILE, "4", "9,95"])
    writer.writerow(["nieuw-1", "9789021234564", HOSTILE, "2", "12,50"])
    uploaded = owner.post(
        "/shop/stock/",
        {"file": SimpleUploadedFile("stock.csv", buffer.getvalue().encode("utf-8"))},
    )
    assert uploaded.status_code == 302
    preview = page(owner, uploaded.url)
    assert_inert(preview, "feed preview")
    upload_pk = int(uploaded.url.rstrip("/").rsplit("/", 1)[1])
    assert owner.post(f"/shop/stock/uploads/{upload_pk}/rows/3/create/").status_code == 302
    created = Product.objects.get(upc="9789021234564")
    assert created.title == HOSTILE  # plain text, kept as written and escaped when shown
    assert_inert(page(client_for(), created.get_absolute_url()), "product from a feed row")
    assert_inert(page(owner, "/shop/stock/log/"), "stock log")


def hostile_order(shop, offer):
    consumer = UserFactory()
    slot = make_slot(make_zone(), capacity=5)
    address = DeliveryAddress(
        recipient_name=HOSTILE,
        address_line=HOSTILE,
        postcode="7411 AB",
        city="Deventer",
        phone=SHORT,
        latitude=Decimal("52.255100"),
        longitude=Decimal("6.159900"),
    )
    order = place_order(
        basket=make_basket(consumer, (offer, 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="delivery", slot_id=slot.pk)},
        address=address,
    )
    confirm_order_paid(order_id=order.pk)
    return consumer, order


def test_orders_pages_and_emails_show_hostile_consumer_and_shop_text_inert(
    hostile_shop, django_capture_on_commit_callbacks
):
    shop, offer = hostile_shop
    owner = make_owner(shop)
    consumer, order = hostile_order(shop, offer)
    part = OrderPart.objects.get(order=order)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_order_placed(order.pk)
        send_part_update(part.pk, "ready")
        send_part_failed(part.pk, HOSTILE)
        reject_part(part_id=part.pk, shop_id=shop.pk, reason=HOSTILE)
    sent = html_parts(mail.outbox)
    assert len(sent) >= 4
    for subject, html in sent:
        assert_inert(html, f"e-mail {subject!r}")
    assert_inert(page(client_for(consumer), f"/orders/{order.number}/"), "order page")
    owner_browser = client_for(owner)
    assert_inert(page(owner_browser, "/shop/orders/"), "shop's orders")
    assert_inert(page(owner_browser, f"/shop/orders/{part.pk}/"), "shop's order part")
    assert_inert(page(client_for(UserFactory(is_staff=True)), "/management/routes/"), "routes")


def test_a_courier_failure_reason_is_inert_on_the_route_pages_and_in_emails(
    world,  # noqa: F811 (the courier tests' fixture)
    django_capture_on_commit_callbacks,
):
    part, courier_browser = world["part"], world["client"]
    OrderPart.objects.filter(pk=part.pk).update(recipient_name=HOSTILE, address_line=HOSTILE)
    world["shop"].partner.name = HOSTILE
    world["shop"].partner.save()
    act(courier_browser, world["pickup"], "picked-up", code=shop_code(world["pickup"]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(courier_browser, world["delivery"], "failed", reason=HOSTILE)
    assert RouteStop.objects.get(pk=world["delivery"].pk).failure_reason == HOSTILE
    sent = html_parts(mail.outbox)
    assert len(sent) == 2
    for subject, html in sent:
        assert_inert(html, f"e-mail {subject!r}")
    assert_inert(page(courier_browser, "/courier/"), "courier route")
    manager = client_for(UserFactory(is_staff=True))
    assert_inert(page(manager, "/management/routes/"), "management routes")
    owner = client_for(make_owner(world["shop"]))
    assert_inert(page(owner, f"/shop/orders/{part.pk}/"), "shop's failed part")


def test_an_application_with_hostile_fields_is_inert_for_management_and_in_emails(
    client, django_capture_on_commit_callbacks
):
    data = {
        "name": HOSTILE,
        "legal_name": HOSTILE,
        "chamber_of_commerce_number": "12345678",
        "vat_number": "NL123456789B01",
        "street": HOSTILE,
        "postcode": "7411bt",
        "city": HOSTILE[:100],
        "contact_name": HOSTILE,
        "contact_email": "jan@debrink.test",
        "phone": "0570 123456",
        "kind": "books",
    }
    for day in range(6):
        data.update(
            {f"day-{day}-is_open": "on", f"day-{day}-opens": "09:30", f"day-{day}-closes": "17:30"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/shops/apply/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shop = Shop.objects.get()
    manager = client_for(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(f"/management/shops/{shop.pk}/reject/", {"message": HOSTILE})
    for subject, html in html_parts(mail.outbox):
        assert_inert(html, f"e-mail {subject!r}")
    assert len(html_parts(mail.outbox)) == 2
    for url in ("/management/shops/", f"/management/shops/{shop.pk}/"):
        assert_inert(page(manager, url), url)


# --- spreadsheets: formula injection ---------------------------------------------------------


def report_query() -> str:
    today = timezone.localdate()
    return f"?start={today - timedelta(days=1)}&end={today}&granularity=day"


def test_a_hostile_search_is_inert_on_the_report_page_and_neutralised_in_both_exports(db):
    for query in (FORMULA, HOSTILE[:200], "@SUM(1+1)", "+1+2", "-2+3", "\tfoo"):
        SearchRecord.objects.create(query=query, normalised_query=query, result_count=0)
    manager = client_for(UserFactory(is_staff=True))
    assert_inert(page(manager, f"/management/reports/{report_query()}"), "centre reports")
    csv_response = manager.get(f"/management/reports/export/searches.csv{report_query()}")
    queries = [row[0] for row in csv.reader(io.StringIO(csv_response.content.decode()))][1:]
    assert f"'{FORMULA}" in queries
    assert {"'@SUM(1+1)", "'+1+2", "'-2+3", "'\tfoo"} <= set(queries)
    xlsx = manager.get(f"/management/reports/export/searches.xlsx{report_query()}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert f"'{FORMULA}" in [cell.value for cell in cells]
    for cell in cells:
        assert cell.data_type == "s", f"{cell.value!r} stored as {cell.data_type}"
        assert not str(cell.value).startswith(("=", "+", "-", "@"))
    counts = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "n" for cell in counts), "counts stay numbers"


def test_shop_names_starting_with_at_or_plus_are_neutralised_in_report_exports(db):
    from tests.reports.conftest import order_of

    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    at_shop, plus_shop = ShopFactory(), ShopFactory()
    for shop, name in ((at_shop, "@Winkel"), (plus_shop, "+Winkel")):
        shop.partner.name = name
        shop.partner.save()
        order_of(
            UserFactory(),
            {shop.partner_id: PartChoice(method="collect")},
            (make_offer(shop), 1),
            paid_at=timezone.now(),
        )
    from marketplace.reports.services import rebuild_sales_rollups

    rebuild_sales_rollups()
    manager = client_for(UserFactory(is_staff=True))
    text = manager.get(f"/management/reports/export/shops.csv{report_query()}").content.decode()
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert {"'@Winkel", "'+Winkel"} <= set(names), names
    xlsx = manager.get(f"/management/reports/export/shops.xlsx{report_query()}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert {"'@Winkel", "'+Winkel"} <= set(values)


def test_a_statement_neutralises_the_shop_name_and_keeps_its_figures_numbers(db):
    shop = ShopFactory()
    shop.partner.name = '+cmd|"/c calc"!A1'
    shop.partner.save()
    start = date(2026, 11, 16)
    settlement = Settlement.objects.create(
        shop=shop,
        period_start=start,
        period_end=start + timedelta(days=7),
        **dict.fromkeys(
            ("gross", "refunds", "commission", "vat_on_commission", "payment_fees", "net"),
            Decimal("0.00"),
        ),
    )
    owner = client_for(make_owner(shop))
    rows = list(
        csv.reader(
            io.StringIO(owner.get(f"/shop/money/{settlement.pk}/statement.csv").content.decode())
        )
    )
    assert rows[0][1] == '\'+cmd|"/c calc"!A1'
    assert rows[-1][2:] == ["0.00"] * 6
    pdf = owner.get(f"/shop/money/{settlement.pk}/statement.pdf").content
    assert pdf.startswith(b"%PDF")
    assert b"/JavaScript" not in pdf and b"/URI" not in pdf and b"/Launch" not in pdf


def test_the_cell_helper_touches_text_only():
    assert neutralise(FORMULA) == "'" + FORMULA
    assert neutralise("\rfoo") == "'\rfoo"
    assert neutralise("Boekhandel") == "Boekhandel"
    assert neutralise(Decimal("-12.50")) == Decimal("-12.50")
    assert neutralise(-3) == -3
    assert neutralise(date(2026, 1, 1)) == date(2026, 1, 1)
