"""Real till exports (issue 17): Shopify, Square, Lightspeed X and R, Zettle and Dutch till
CSVs, read without manual work, through the parser and through examine/apply (the service).

The fixture files (tests/inventory_sync/fixtures/) follow each vendor's documented export
columns and carry the quirks real exports have: blank trailing lines, several locations, items
not stocked at a location, negative counts, variant options in their own columns.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from inventory_sync import feed_apply
from inventory_sync.connections import feed_settings, remember_feed_choice
from inventory_sync.feeds import FeedError, parse_stock_file
from inventory_sync.feeds.types import LocationNeeded, MappingNeeded
from inventory_sync.models import StockFeedUpload, SyncOutcome, UploadStatus
from tests.factories import ShopFactory, make_offer

StockRecord = get_model("partner", "StockRecord")
FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, location: str | None = None):
    with translation.override("en"):
        return parse_stock_file(content=fixture(name), filename=name, location=location)


def rows_of(feed) -> list[tuple]:
    return [(r.row_number, r.sku, r.ean, r.quantity, r.price, r.title) for r in feed.rows]


# (file, location) -> (vendor, rows, errors (row, column), notes (row), warnings (row))
EXPECTED = {
    ("shopify_inventory.csv", "Winkel Centrum"): (
        "shopify-inventory",
        [
            (2, "MUTS-ROOD", None, 4, None, "Wollen muts - Rood"),
            (4, "MUTS-BLAUW", None, 0, None, "Wollen muts - Blauw"),
            (8, "HAND-M-GR", None, 2, None, "Handschoen - M / Grijs"),
        ],
        [],
        [6],  # "not stocked" at this location
        [4],  # -2 available
    ),
    ("shopify_inventory.csv", "Magazijn Zuid"): (
        "shopify-inventory",
        [
            (3, "MUTS-ROOD", None, 12, None, "Wollen muts - Rood"),
            (5, "MUTS-BLAUW", None, 3, None, "Wollen muts - Blauw"),
            (7, "SJAAL-1", None, 7, None, "Sjaal"),
            (9, "HAND-M-GR", None, 0, None, "Handschoen - M / Grijs"),
        ],
        [],
        [],
        [],
    ),
    ("shopify_inventory_legacy.csv", "Magazijn Zuid"): (
        "shopify-inventory",
        [
            (2, "MUTS-ROOD", None, 12, None, "Wollen muts - Rood"),
            (3, "MUTS-BLAUW", None, 3, None, "Wollen muts - Blauw"),
            (4, "SJAAL-1", None, 7, None, "Sjaal"),
        ],
        [],
        [],
        [],
    ),
    ("shopify_products.csv", None): (
        "shopify-products",
        [
            (2, "MUTS-ROOD", "8712345678906", 4, D("24.95"), "Wollen muts - Rood"),
            # The title is on the product's first row only; the variant row inherits it.
            (3, "MUTS-BLAUW", None, 3, D("24.95"), "Wollen muts - Blauw"),
        ],
        [],
        [4],  # an image row: no variant, no count
        [],
    ),
    ("square_item_library.csv", "Markt"): (
        "square",
        [
            (3, "KOF-250", None, 0, D("7.95"), "Koffiebonen - 250 g"),
            (4, "KOF-1000", None, 1, D("27.50"), "Koffiebonen - 1 kg"),
            (5, "KOF-500", None, 4, D("14.95"), "Koffiebonen - 500 g"),
        ],
        [],
        [2],
        [3],
    ),
    ("lightspeed_x_products.csv", "Centrum"): (
        "lightspeed-x",
        [
            (2, "SHIRT-S-WIT", None, 3, D("41.28"), "Linnen shirt - S / Wit"),
            (3, "SHIRT-M-WIT", None, 0, D("41.28"), "Linnen shirt - M / Wit"),
            (4, "BOEK-1", None, 8, D("22.94"), "Boek over de stad"),
        ],
        [],
        [],
        [3],
    ),
    ("lightspeed_r_items.csv", "Zuid"): (
        "lightspeed-r",
        [
            (2, "FIETS-BEL", "8712345678906", 2, D("9.95"), "Fietsbel chroom"),
            # No Custom SKU: the manufacturer's; no EAN: the UPC.
            (3, "LAMP-02", "036000291452", 3, D("24.50"), "Fietslamp LED"),
        ],
        [(4, "EAN")],  # a wrong check digit
        [],
        [],
    ),
    ("zettle_products.csv", None): (
        "zettle",
        [
            (2, "BOEK-K", None, 6, D("12.50"), "Bloemen boeket - Klein"),
            (4, "VAAS-1", "8712345678913", 3, D("19.95"), "Vaas"),
        ],
        [],
        [3],
        [],
    ),
    ("dutch_till.csv", None): (
        "",
        [
            (2, "1001", "8712345678906", 12, D("4.95"), "Crème brûlée pot"),
            (3, "1002", "8712345678913", 1, D("12.50"), "Kaasschaaf RVS"),  # "1,0"
            (4, "1003", None, 0, D("2.99"), "Stroopwafels 8 st."),
        ],
        [(6, "Artikelnummer"), (7, "Barcode")],  # 1003 again; a wrong check digit
        [5],
        [4],
    ),
    ("dutch_branches.csv", "Zuid"): (
        "",
        [
            (2, "3001", None, 0, D("3.95"), "Kaars wit"),
            (3, "3002", None, 6, D("3.95"), "Kaars rood"),
        ],
        [],
        [],
        [],
    ),
}


@pytest.mark.parametrize(("name", "location"), list(EXPECTED))
def test_each_vendor_export_is_read_without_manual_work(name, location):
    vendor, rows, errors, notes, warnings = EXPECTED[(name, location)]
    feed = parse(name, location)
    assert feed.vendor == vendor
    assert rows_of(feed) == rows
    assert [(e.row_number, e.column) for e in feed.errors] == errors
    assert [n.row_number for n in feed.notes] == notes
    assert [w.row_number for w in feed.warnings] == warnings
    assert all("not tracked" in n.message for n in feed.notes)
    assert all("read as 0" in w.message for w in feed.warnings)


@pytest.mark.parametrize(
    ("name", "locations"),
    [
        ("shopify_inventory.csv", ("Winkel Centrum", "Magazijn Zuid")),
        ("shopify_inventory_legacy.csv", ("Winkel Centrum", "Magazijn Zuid")),
        ("square_item_library.csv", ("Centrum", "Markt")),
        ("lightspeed_x_products.csv", ("Centrum", "Zuid")),
        ("lightspeed_r_items.csv", ("Centrum", "Zuid")),
        ("dutch_branches.csv", ("Centrum", "Zuid")),
    ],
)
def test_a_file_with_several_locations_asks_which_one_unless_told(name, locations):
    for asked in (None, "Somewhere else"):
        with pytest.raises(LocationNeeded) as need:
            parse(name, asked)
        assert need.value.locations == locations
        assert "choose which one is this shop" in need.value.message
    assert parse(name, locations[0]).location == locations[0]


def test_prices_are_read_with_or_without_vat_as_the_file_says():
    assert parse("dutch_till.csv").price_excl_vat is False
    assert parse("square_item_library.csv", "Centrum").price_excl_vat is False
    assert parse("dutch_till_excl_vat.csv").price_excl_vat is True
    assert parse("lightspeed_x_products.csv", "Centrum").price_excl_vat is True


def test_a_file_whose_columns_are_unknown_asks_for_a_mapping_with_sample_values():
    with pytest.raises(MappingNeeded) as need:
        parse("unknown_columns.csv")
    assert need.value.columns == [
        {"index": 0, "header": "Kassacode", "samples": ["K-100", "K-101", "K-102"]},
        {"index": 1, "header": "Naam", "samples": ["Zeep lavendel", "Zeep citroen", "Handcrème"]},
        {"index": 2, "header": "Stuks op plank", "samples": ["4", "0", "2"]},
        {"index": 3, "header": "Bedrag", "samples": ["€ 5,95", "€ 5,95", "€ 8,50"]},
    ]
    mapping = {"sku": 0, "title": 1, "quantity": 2, "price": 3, "price_excl_vat": False}
    feed = parse_stock_file(
        content=fixture("unknown_columns.csv"),
        filename="x.csv",
        mappings={need.value.signature: mapping},
    )
    assert feed.vendor == "mapping"
    assert rows_of(feed) == [
        (2, "K-100", None, 4, D("5.95"), "Zeep lavendel"),
        (3, "K-101", None, 0, D("5.95"), "Zeep citroen"),
        (4, "K-102", None, 2, D("8.50"), "Handcrème"),
    ]


def test_two_columns_for_one_field_ask_for_a_mapping_rather_than_refuse():
    with pytest.raises(MappingNeeded) as need:
        parse_stock_file(content=b"sku;voorraad;Voorraad\nA;1;2\n", filename="x.csv")
    assert "two quantity columns" in need.value.message
    assert [c["header"] for c in need.value.columns] == ["sku", "voorraad", "Voorraad"]


# --- through the service: examine, then apply ------------------------------------------------


def offer(shop, sku, *, on_hand=1, price="1.00", vat="21.00", upc=None):
    record = make_offer(shop, on_hand=on_hand, price=price, title=f"Product {sku}")
    StockRecord.objects.filter(pk=record.pk).update(partner_sku=sku, vat_rate=D(vat))
    if upc:
        record.product.upc = upc
        record.product.save()
    return record


def stored(shop, name: str) -> StockFeedUpload:
    content = fixture(name)
    with translation.override("en"):
        status, summary = feed_apply.examine(shop=shop, content=content, filename=name, options={})
    return StockFeedUpload.objects.create(
        shop=shop,
        file=ContentFile(content, name=name),
        original_name=name,
        summary=summary,
        status=status,
    )


def state(*records) -> list[tuple]:
    return [
        (r.num_in_stock, r.price)
        for r in StockRecord.objects.filter(pk__in=[r.pk for r in records]).order_by("pk")
    ]


@pytest.mark.django_db
def test_prices_without_vat_get_each_products_own_rate_and_the_preview_says_so():
    shop = ShopFactory()
    remember_feed_choice(shop, location="Centrum")
    shirt = offer(shop, "SHIRT-S-WIT", on_hand=1, price="45.00")
    book = offer(shop, "BOEK-1", on_hand=8, price="25.00", vat="9.00")
    upload = stored(shop, "lightspeed_x_products.csv")
    summary = upload.summary
    assert (upload.status, summary["location"], summary["price_excl_vat"]) == (
        UploadStatus.VALIDATED,
        "Centrum",
        True,
    )
    # 41.28 + 21% = 49.95; 22.94 + 9% = 25.00, as the book already has: unchanged.
    assert summary["changes"] == [
        {
            "row": 2,
            "title": "Product SHIRT-S-WIT",
            "old_quantity": 1,
            "new_quantity": 3,
            "old_price": "45.00",
            "new_price": "49.95",
        }
    ]
    assert summary["unchanged_total"] == 1
    assert summary["rows_unmatched"] == 1  # SHIRT-M-WIT is not a product of this shop
    assert state(shirt, book) == [(1, D("45.00")), (8, D("25.00"))]  # a preview changes nothing
    log = feed_apply.apply_upload(upload.pk, mode=feed_apply.MODE_GOOD)
    assert log.outcome == SyncOutcome.APPLIED
    assert state(shirt, book) == [(3, D("49.95")), (8, D("25.00"))]


@pytest.mark.django_db
def test_all_or_nothing_refuses_a_file_with_problems_and_changes_nothing():
    shop = ShopFactory()
    records = [offer(shop, sku, on_hand=9, price="9.00") for sku in ("1001", "1002", "1003")]
    bad_ean = offer(shop, "1005", on_hand=9, price="9.00")
    upload = stored(shop, "dutch_till.csv")
    before = state(*records, bad_ean)
    log = feed_apply.apply_upload(upload.pk)  # the default: all or nothing
    assert log.outcome == SyncOutcome.REJECTED
    assert state(*records, bad_ean) == before


@pytest.mark.django_db
def test_the_good_rows_choice_applies_them_and_skips_both_rows_of_a_repeated_sku():
    shop = ShopFactory()
    first, second, repeated = (
        offer(shop, s, on_hand=9, price="9.00") for s in ("1001", "1002", "1003")
    )
    bad_ean = offer(shop, "1005", on_hand=9, price="9.00")
    upload = stored(shop, "dutch_till.csv")
    summary = upload.summary
    # 1001 and 1002 are good; 1003 is named twice (rows 4 and 6), 1005 has a bad EAN (row 7).
    assert (summary["rows_good"], summary["rows_skipped"]) == (2, 3)
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [
        (6, "Artikelnummer"),
        (7, "Barcode"),
    ]
    assert [(n["row"], n["value"]) for n in summary["notes"]] == [(5, "")]
    assert [(w["row"], w["value"]) for w in summary["warnings"]] == [(4, "-3")]
    log = feed_apply.apply_upload(upload.pk, mode=feed_apply.MODE_GOOD)
    assert (log.outcome, log.rows_applied, log.report["problems_total"]) == (
        SyncOutcome.APPLIED,
        2,
        2,
    )
    assert state(first, second, repeated, bad_ean) == [
        (12, D("4.95")),
        (1, D("12.50")),
        (9, D("9.00")),
        (9, D("9.00")),
    ]
    # Applied once: a second apply (a re-delivered task) changes nothing more.
    assert feed_apply.apply_upload(upload.pk, mode=feed_apply.MODE_GOOD) == log


@pytest.mark.django_db
def test_the_location_choice_is_remembered_and_used_for_the_next_file():
    shop = ShopFactory()
    muts = offer(shop, "MUTS-ROOD", on_hand=1)
    first = stored(shop, "shopify_inventory.csv")
    assert (first.status, first.summary["needs"], first.summary["locations"]) == (
        UploadStatus.CHOOSE,
        "location",
        ["Winkel Centrum", "Magazijn Zuid"],
    )
    remember_feed_choice(shop, location="Magazijn Zuid")
    assert feed_settings(shop)["location"] == "Magazijn Zuid"
    second = stored(shop, "shopify_inventory_legacy.csv")  # another export, same shop
    assert (second.status, second.summary["location"]) == (UploadStatus.VALIDATED, "Magazijn Zuid")
    feed_apply.apply_upload(second.pk, mode=feed_apply.MODE_GOOD)
    assert state(muts) == [(12, D("1.00"))]


@pytest.mark.django_db
def test_applying_reads_the_file_with_the_options_of_its_preview():
    """The owner's remembered location may change between preview and apply; the upload is
    applied as previewed."""
    shop = ShopFactory()
    muts = offer(shop, "MUTS-ROOD", on_hand=1)
    remember_feed_choice(shop, location="Winkel Centrum")
    upload = stored(shop, "shopify_inventory.csv")
    remember_feed_choice(shop, location="Magazijn Zuid")
    feed_apply.apply_upload(upload.pk, mode=feed_apply.MODE_GOOD)
    assert state(muts) == [(4, D("1.00"))]


# --- fuzz: every format keeps the parser's promises ------------------------------------------

FORMAT_FILES = sorted({name for name, _location in EXPECTED} | {"dutch_till_excl_vat.csv"})
HOSTILE = st.sampled_from(
    ["", "-", "-7", "not stocked", "=1+1", "@x", "1,5", "€ -3", "x" * 300, "\x07", "9" * 30, ";"]
)


def mutated(name: str, draw) -> bytes:
    raw = fixture(name)
    text = raw.decode("utf-8") if name != "dutch_till.csv" and b"\x80" not in raw else None
    encoding = "utf-8" if text is not None else "cp1252"
    text = text if text is not None else raw.decode("cp1252")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    for _ in range(draw(st.integers(1, 6))):
        row = draw(st.integers(0, len(rows) - 1))
        if rows[row]:
            column = draw(st.integers(0, len(rows[row]) - 1))
            rows[row][column] = draw(HOSTILE)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_every_format_with_hostile_cells_raises_nothing_but_a_feed_error(data):
    name = data.draw(st.sampled_from(FORMAT_FILES))
    content = mutated(name, data.draw)
    location = data.draw(st.sampled_from([None, "Centrum", "Zuid", "Magazijn Zuid"]))
    try:
        feed = parse_stock_file(content=content, filename=name, location=location)
    except FeedError as problem:
        assert problem.message.strip()
        return
    lines = content.count(b"\n") + 1
    for report in (*feed.errors, *feed.notes, *feed.warnings):
        assert 2 <= report.row_number <= lines and report.message
    numbers = [r.row_number for r in feed.rows]
    assert len(numbers) == len(set(numbers))
    assert all(r.quantity >= 0 for r in feed.rows)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_refused_vendor_file_changes_no_stock(data):
    shop = ShopFactory()
    remember_feed_choice(shop, location="Centrum")
    skus = ["MUTS-ROOD", "TAART-1", "KOF-250", "SHIRT-S-WIT", "FIETS-BEL", "1001", "1002", "VAAS-1"]
    records = [offer(shop, sku, on_hand=5, price="5.00") for sku in skus]
    name = data.draw(st.sampled_from(FORMAT_FILES))
    content = mutated(name, data.draw)
    status, summary = feed_apply.examine(shop=shop, content=content, filename=name, options={})
    upload = StockFeedUpload.objects.create(
        shop=shop,
        file=ContentFile(content, name=name),
        original_name=name,
        summary=summary,
        status=status,
    )
    if status != UploadStatus.VALIDATED or not summary["problems_total"]:
        return  # nothing refused here; the refusal path is what is under test
    log = feed_apply.apply_upload(upload.pk)  # all or nothing
    assert log.outcome == SyncOutcome.REJECTED
    assert state(*records) == [(5, D("5.00"))] * len(records)


def test_a_vendor_export_saved_as_xlsx_is_read_the_same():
    """Square and Lightspeed offer XLSX too; numeric cells arrive as numbers there."""
    import openpyxl

    text = fixture("square_item_library.csv").decode()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, row in enumerate(csv.reader(io.StringIO(text))):
        sheet.append([_number_or_text(cell) if number else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        feed = parse_stock_file(content=buffer.getvalue(), filename="items.xlsx", location="Markt")
    assert rows_of(feed) == EXPECTED[("square_item_library.csv", "Markt")][1]
    assert [w.row_number for w in feed.warnings] == [3]


def _number_or_text(cell: str):
    try:
        return int(cell)
    except ValueError:
        try:
            return float(cell)
        except ValueError:
            return cell or None
