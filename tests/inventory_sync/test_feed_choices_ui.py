"""/shop/stock/ with real till exports (issue 17): choose the location once, map unknown
columns once, see what changes, and apply the good rows only when chosen."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model

from inventory_sync import feed_apply
from inventory_sync.connections import feed_settings
from inventory_sync.models import StockFeedUpload, SyncLog, SyncOutcome, UploadStatus
from tests.factories import ShopFactory, make_offer, make_owner

StockRecord = get_model("partner", "StockRecord")
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def owner_client(client, shop):
    client.force_login(make_owner(shop))
    return client


def offer(shop, sku, *, on_hand=1, price="1.00"):
    record = make_offer(shop, on_hand=on_hand, price=price, title=f"Product {sku}")
    StockRecord.objects.filter(pk=record.pk).update(partner_sku=sku)
    return record


def upload(client, name: str, content: bytes | None = None):
    content = content if content is not None else (FIXTURES / name).read_bytes()
    response = client.post("/shop/stock/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return StockFeedUpload.objects.latest("pk"), response.url


def on_hand(*records):
    return [StockRecord.objects.get(pk=r.pk).num_in_stock for r in records]


@pytest.mark.django_db
def test_choose_the_location_once_then_preview_and_apply_the_good_rows(owner_client, shop):
    rood, blauw = offer(shop, "MUTS-ROOD", on_hand=1), offer(shop, "MUTS-BLAUW", on_hand=1)
    stored, url = upload(owner_client, "shopify_inventory.csv")
    assert stored.status == UploadStatus.CHOOSE
    page = owner_client.get(url).content.decode()
    assert "This file has stock for several locations" in page
    assert 'value="Winkel Centrum"' in page and 'value="Magazijn Zuid"' in page

    response = owner_client.post(f"/shop/stock/uploads/{stored.pk}/location/", {"location": "Nope"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()

    owner_client.post(f"/shop/stock/uploads/{stored.pk}/location/", {"location": "Magazijn Zuid"})
    stored.refresh_from_db()
    assert stored.status == UploadStatus.VALIDATED
    assert feed_settings(shop)["location"] == "Magazijn Zuid"
    page = owner_client.get(url).content.decode()
    assert "Read as: Shopify inventory export" in page and "Location: Magazijn Zuid" in page
    assert "Product MUTS-ROOD" in page and "1 → <strong>12</strong>" in page
    # SJAAL-1 and HAND-M-GR are no products of this shop: the good-rows choice is offered.
    assert "Apply the 2 good rows, skip the 2 with problems" in page
    assert on_hand(rood, blauw) == [1, 1]

    result = owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/", {"mode": "good"})
    log = SyncLog.objects.get(shop=shop)
    assert result.url == f"/shop/stock/log/{log.pk}/"
    assert (log.outcome, log.rows_applied) == (SyncOutcome.APPLIED, 2)
    assert on_hand(rood, blauw) == [12, 3]
    assert "the rows with problems were skipped" in owner_client.get(result.url).content.decode()

    # The next file of this shop goes straight to its preview at the remembered location.
    second, _url = upload(owner_client, "shopify_inventory_legacy.csv")
    assert (second.status, second.summary["location"]) == (UploadStatus.VALIDATED, "Magazijn Zuid")


@pytest.mark.django_db
def test_without_the_explicit_choice_a_file_with_problems_changes_nothing(owner_client, shop):
    rood = offer(shop, "MUTS-ROOD", on_hand=1)
    stored, _url = upload(owner_client, "shopify_products.csv")
    assert stored.summary["problems_total"] == 1  # MUTS-BLAUW is not a product of this shop
    owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/")  # no mode: all or nothing
    assert SyncLog.objects.get(shop=shop).outcome == SyncOutcome.REJECTED
    assert on_hand(rood) == [1]


@pytest.mark.django_db
def test_map_unknown_columns_once_and_the_same_headers_are_read_that_way_next_time(
    owner_client, shop
):
    soap = offer(shop, "K-100", on_hand=9, price="5.00")
    stored, url = upload(owner_client, "unknown_columns.csv")
    assert (stored.status, stored.summary["needs"]) == (UploadStatus.CHOOSE, "mapping")
    page = owner_client.get(url).content.decode()
    assert "Which column is which?" in page
    assert (
        "Stuks op plank (e.g. 4, 0, 2)" in page and "Kassacode (e.g. K-100, K-101, K-102)" in page
    )

    mapping_url = f"/shop/stock/uploads/{stored.pk}/columns/"
    refused = owner_client.post(mapping_url, {"sku": "0", "title": "0", "price_excl_vat": "0"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Choose the column with the quantity in stock." in text
    assert "Each column can be chosen once." in text

    owner_client.post(
        mapping_url,
        {"sku": "0", "title": "1", "quantity": "2", "price": "3", "price_excl_vat": "0"},
    )
    stored.refresh_from_db()
    assert stored.status == UploadStatus.VALIDATED
    page = owner_client.get(url).content.decode()
    assert "Read as: your own column choice" in page
    assert "Product code = “Kassacode”" in page and "Quantity = “Stuks op plank”" in page
    assert "9 → <strong>4</strong>" in page and "€ 5.00 → <strong>€ 5.95</strong>" in page

    owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/", {"mode": "good"})
    fresh = StockRecord.objects.get(pk=soap.pk)
    assert (fresh.num_in_stock, fresh.price) == (4, Decimal("5.95"))

    # Same headers, other spelling and new rows: no question asked.
    again = "KASSACODE;naam;Stuks op plank;Bedrag\nK-100;Zeep;6;€ 5,95\n".encode()
    second, _url = upload(owner_client, "kassa.csv", again)
    assert second.status == UploadStatus.VALIDATED
    assert second.summary["changes"][0]["new_quantity"] == 6


@pytest.mark.django_db
def test_prices_without_vat_are_converted_and_the_preview_says_so(owner_client, shop):
    offer(shop, "2001", on_hand=3, price="20.00")
    StockRecord.objects.filter(partner_sku="2001").update(vat_rate=Decimal("9.00"))
    stored, url = upload(owner_client, "dutch_till_excl_vat.csv")
    page = owner_client.get(url).content.decode()
    assert "The prices in this file are without VAT; we add each product's own VAT rate." in page
    # 18.35 + 9% = 20.0015, to the cent 20.00: unchanged.
    assert stored.summary["unchanged_total"] == 1


@pytest.mark.django_db
def test_choices_belong_to_the_shop_and_to_an_upload_that_waits_for_them(owner_client, shop):
    other = ShopFactory()
    theirs, _url = upload(owner_client, "shopify_inventory.csv")
    StockFeedUpload.objects.filter(pk=theirs.pk).update(shop=other)
    for path in ("location", "columns"):
        assert owner_client.post(f"/shop/stock/uploads/{theirs.pk}/{path}/").status_code == 404
        assert owner_client.get(f"/shop/stock/uploads/{theirs.pk}/{path}/").status_code == 404
    mine, url = upload(owner_client, "shopify_inventory.csv")
    response = owner_client.post(f"/shop/stock/uploads/{mine.pk}/columns/", {"sku": "0"})
    assert response.status_code == 302  # not waiting for columns: nothing happens
    mine.refresh_from_db()
    assert mine.summary["needs"] == "location"
    assert feed_settings(shop)["mappings"] == {}


@pytest.mark.django_db
def test_a_location_name_from_the_file_is_shown_escaped(owner_client, shop):
    content = b"Artikelnummer;Voorraad <b>Centrum</b>;Voorraad Zuid\nA;1;2\n"
    stored, url = upload(owner_client, "x.csv", content)
    page = owner_client.get(url).content.decode()
    assert "<b>Centrum</b>" not in page and "&lt;b&gt;Centrum&lt;/b&gt;" in page


@pytest.mark.django_db
def test_the_pages_speak_dutch_to_a_dutch_owner(owner_client, shop):
    offer(shop, "MUTS-ROOD")
    owner_client.cookies["django_language"] = "nl"
    stored, url = upload(owner_client, "shopify_inventory.csv")
    page = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Dit bestand heeft voorraad voor meerdere locaties" in page


@pytest.mark.django_db
def test_a_large_export_is_checked_in_the_task_and_asks_for_its_location_there(
    owner_client, shop, django_capture_on_commit_callbacks
):
    """Over INLINE_PARSE_BYTES a CSV is parsed by the task, like a workbook; the location
    choice sends it back to the task, and its page follows through the status endpoint."""
    rood = offer(shop, "MUTS-ROOD", on_hand=1)
    header, *lines = (FIXTURES / "shopify_inventory.csv").read_text().splitlines()
    filler = [
        f"vul-{n},Vulling {n},Title,Default Title,,,,,VUL-{n},,,Magazijn Zuid,,0,0,0,1,1,"
        for n in range(20_000)
    ]
    content = "\n".join([header, *lines, *filler]).encode()
    assert len(content) > feed_apply.INLINE_PARSE_BYTES
    with django_capture_on_commit_callbacks() as queued:
        stored, url = upload(owner_client, "big.csv", content)
    assert (stored.status, len(queued)) == (UploadStatus.UPLOADED, 1)
    assert 'data-waiting-status="uploaded"' in owner_client.get(url).content.decode()
    queued[0]()  # the worker
    status = owner_client.get(f"/shop/stock/uploads/{stored.pk}/status/").json()
    assert (status["status"], status["progress"]) == ("choose", 100)

    with django_capture_on_commit_callbacks() as queued:
        owner_client.post(
            f"/shop/stock/uploads/{stored.pk}/location/", {"location": "Magazijn Zuid"}
        )
    stored.refresh_from_db()
    assert (stored.status, len(queued)) == (UploadStatus.UPLOADED, 1)
    queued[0]()
    stored.refresh_from_db()
    assert (stored.status, stored.summary["location"]) == (UploadStatus.VALIDATED, "Magazijn Zuid")
    assert stored.summary["rows_total"] == 20_004 and feed_apply.is_large(stored)

    with django_capture_on_commit_callbacks() as queued:
        owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/", {"mode": "good"})
    assert StockFeedUpload.objects.get(pk=stored.pk).status == UploadStatus.APPLYING
    queued[0]()
    assert on_hand(rood) == [12]
    status = owner_client.get(f"/shop/stock/uploads/{stored.pk}/status/").json()
    assert status["progress"] == 100 and status["log_url"]


@pytest.mark.django_db
def test_the_result_page_speaks_the_readers_language_whoever_applied(owner_client, shop):
    offer(shop, "MUTS-ROOD")
    stored, _url = upload(owner_client, "shopify_products.csv")  # MUTS-BLAUW: no product
    result = owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/")  # in English
    english = owner_client.get(result.url).content.decode()
    assert "Nothing was applied: 0 row(s) with errors and 1 unmatched row(s)." in english
    owner_client.cookies["django_language"] = "nl"
    dutch = owner_client.get(result.url).content.decode()
    assert "Nothing was applied" not in dutch
    message = dutch.split('id="sync-message">', 1)[1].split("</p>", 1)[0]
    assert message == (
        "Er is niets verwerkt: 0 regel(s) met fouten en 1 regel(s) zonder passend product. "
        "Een bestand wordt helemaal of helemaal niet verwerkt."
    )
