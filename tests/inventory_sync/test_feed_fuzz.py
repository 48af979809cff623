"""Hostile and malformed stock files: formulas, huge fields, wrong encodings, missing
columns, bad quantities, duplicate SKUs.

Whatever the bytes, the parser raises nothing but FeedError; a bad cell gives a report that
names its row, its column and what is wrong; and a file whose report has any problem
changes no stock when applied.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from inventory_sync import feed_apply
from inventory_sync.feeds import FeedError, parse_stock_file
from inventory_sync.feeds.values import FORMULA_PREFIXES, MAX_QUANTITY, is_not_tracked
from inventory_sync.models import StockFeedUpload, SyncOutcome, UploadStatus
from tests.factories import ShopFactory, make_offer

StockRecord = get_model("partner", "StockRecord")
HEADER = ["Artikelnummer", "EAN", "Voorraad", "Prijs", "Omschrijving"]
FIELD_OF = dict(zip(("sku", "ean", "quantity", "price", "title"), HEADER, strict=True))
VALID_ROW = ["A-1", "8712345678906", "5", "12,95", "Boek"]


def csv_bytes(rows: list[list[str]], *, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def parse_or_feed_error(content: bytes, filename: str = "voorraad.csv"):
    """The parsed feed, or the FeedError's message; any other exception fails the test."""
    try:
        return parse_stock_file(content=content, filename=filename)
    except FeedError as problem:
        assert problem.message.strip()
        return problem.message


def errors_by_cell(feed) -> dict[tuple[int, str], str]:
    return {(error.row_number, error.column): error.message for error in feed.errors}


# --- formulas -------------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd"]


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("field", ["sku", "title"])
def test_a_formula_in_a_text_column_is_refused_naming_row_and_column(formula, field):
    row = dict(zip(FIELD_OF, ["B-2", "", "5", "12,95", "Boek"], strict=True)) | {field: formula}
    feed = parse_stock_file(content=csv_bytes([VALID_ROW, list(row.values())]), filename="v.csv")

    assert [r.row_number for r in feed.rows] == [2]
    [error] = feed.errors
    assert (error.row_number, error.column) == (3, FIELD_OF[field])
    assert error.message == (
        f"{field} '{formula}' starts with '{formula[0]}', which a spreadsheet runs as a "
        "formula; remove that first character"
    )


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("field", ["ean", "quantity", "price"])
def test_a_formula_in_a_number_column_is_not_a_number(formula, field):
    row = dict(zip(FIELD_OF, VALID_ROW, strict=True)) | {field: formula}
    feed = parse_stock_file(content=csv_bytes([list(row.values())]), filename="v.csv")

    assert feed.rows == []
    assert list(errors_by_cell(feed)) == [(2, FIELD_OF[field])]


FORMULA_TEXT = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(FORMULA_PREFIXES),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF), max_size=30),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), FORMULA_TEXT), min_size=1, max_size=8))
def test_no_formula_ever_reaches_a_parsed_row(cells):
    rows = [[f"S-{n}", "", "1", "1,00", "Titel"] for n in range(len(cells))]
    for row, (column, formula) in zip(rows, cells, strict=True):
        row[column] = formula
    feed = parse_or_feed_error(csv_bytes(rows))

    assert not isinstance(feed, str), feed
    for parsed in feed.rows:
        for text in (parsed.sku, parsed.title):
            assert text is None or not text.startswith(FORMULA_PREFIXES)
    # Every row whose sku or title is a formula is reported, at that row and column.
    reported = errors_by_cell(feed)
    for number, (column, _formula) in enumerate(cells, start=2):
        if column in (0, 4):
            assert (number, HEADER[column]) in reported


# --- huge fields ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 4), st.integers(min_value=300, max_value=120_000))
def test_a_huge_cell_is_a_row_error_with_a_short_shown_value(column, length):
    row = list(VALID_ROW)
    row[column] = "9" * length
    feed = parse_stock_file(content=csv_bytes([row]), filename="v.csv")

    assert feed.rows == []
    [error] = feed.errors
    assert (error.row_number, error.column) == (2, HEADER[column])
    assert len(error.value) <= 60 and len(error.message) < 200


def test_a_cell_beyond_the_csv_field_limit_is_a_feed_error_naming_the_row():
    content = csv_bytes([VALID_ROW, ["B", "", "1", "1", "x" * 200_000]])
    assert parse_or_feed_error(content) == (
        "The CSV file cannot be read at row 3: a cell is longer than 131072 characters."
    )


# --- encodings ------------------------------------------------------------------------------

ENCODINGS = ["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp437", "shift_jis", "koi8-r"]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(ENCODINGS),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40),
)
def test_a_file_in_an_unexpected_encoding_is_read_or_refused_never_crashes(encoding, title):
    text = csv_bytes([["A-1", "", "5", "12,95", title]]).decode()
    content = text.encode(encoding, errors="replace")
    feed = parse_or_feed_error(content)

    if not isinstance(feed, str):
        for error in feed.errors:
            assert error.column in HEADER and error.row_number >= 2 and error.message


def test_utf16_without_bom_is_refused_with_a_clear_message():
    content = "sku;quantity\nA;1\n".encode("utf-16-le")
    assert parse_or_feed_error(content) == (
        "The file contains binary data; upload a CSV or XLSX file."
    )


# --- missing columns ------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(HEADER), min_size=1, max_size=5))
def test_missing_required_columns_are_named(kept):
    header = [name for name in HEADER if name in kept]
    rows = [[VALID_ROW[HEADER.index(name)] for name in header]]
    feed = parse_or_feed_error(csv_bytes(rows, header=header))

    lacks_quantity = "Voorraad" not in kept
    lacks_identity = not kept & {"Artikelnummer", "EAN"}
    if lacks_quantity or lacks_identity:
        assert isinstance(feed, str)
        assert ("a quantity column" in feed) is lacks_quantity
        assert ("a sku or ean column" in feed) is lacks_identity
        assert "Columns found: " in feed
    else:
        assert not isinstance(feed, str) and len(feed.rows) == 1


# --- quantities -----------------------------------------------------------------------------

BAD_QUANTITIES = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=3)
    .filter(lambda d: d != d.to_integral_value())
    .map(str),
    st.text(alphabet="abcxyz€%#,.- ", min_size=1, max_size=12).filter(
        lambda text: text.strip() and not is_not_tracked(text)
    ),
    st.integers(min_value=1_000_001, max_value=10**30).map(str),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(BAD_QUANTITIES, min_size=1, max_size=6))
def test_negative_or_non_numeric_quantities_are_reported_per_row(quantities):
    rows = [[f"S-{n}", "", quantity, "", ""] for n, quantity in enumerate(quantities)]
    feed = parse_or_feed_error(csv_bytes(rows))

    assert not isinstance(feed, str), feed
    assert feed.rows == []
    assert sorted(errors_by_cell(feed)) == [(n, "Voorraad") for n in range(2, len(rows) + 2)]
    for error in feed.errors:
        assert error.message.startswith("quantity must be")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-MAX_QUANTITY, -1), min_size=1, max_size=6))
def test_negative_counts_become_zero_with_a_warning_per_row(counts):
    rows = [[f"S-{n}", "", str(count), "", ""] for n, count in enumerate(counts)]
    feed = parse_or_feed_error(csv_bytes(rows))

    assert not isinstance(feed, str), feed
    assert feed.errors == []
    assert [(row.row_number, row.quantity) for row in feed.rows] == [
        (n, 0) for n in range(2, len(rows) + 2)
    ]
    assert [(w.row_number, w.column, w.value) for w in feed.warnings] == [
        (n, "Voorraad", str(count)) for n, count in enumerate(counts, start=2)
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["", " ", "-", "not stocked", "Not Stocked", "n.v.t."]), min_size=1)
)
def test_an_empty_or_not_stocked_count_skips_the_row_with_a_note(cells):
    rows = [[f"S-{n}", "", cell, "", ""] for n, cell in enumerate(cells)] + [
        ["OK", "", "3", "", ""]
    ]
    feed = parse_or_feed_error(csv_bytes(rows))

    assert not isinstance(feed, str), feed
    assert feed.errors == [] and [row.sku for row in feed.rows] == ["OK"]
    assert [note.row_number for note in feed.notes] == list(range(2, len(cells) + 2))


# --- duplicate SKUs -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=2, max_size=12))
def test_each_repeated_sku_names_the_row_that_had_it_first(skus):
    feed = parse_or_feed_error(csv_bytes([[sku, "", "1", "", ""] for sku in skus]))

    first: dict[str, int] = {}
    expected_rows, expected_errors = [], {}
    for number, sku in enumerate(skus, start=2):
        if sku in first:
            expected_errors[(number, "Artikelnummer")] = (
                f"sku '{sku}' already appears in row {first[sku]}"
            )
        else:
            first[sku] = number
            expected_rows.append(number)
    assert [row.row_number for row in feed.rows] == expected_rows
    assert errors_by_cell(feed) == expected_errors


# --- end to end: a report with problems applies nothing -------------------------------------

BAD_CELLS = {
    "quantity": st.sampled_from(["-1,5", "drie", "2,5", "=1+1", "99999999"]),
    "price": st.sampled_from(["gratis", "-3,00", "12,345", "€€"]),
    "sku": st.sampled_from(['=HYPERLINK("x")', "@x", "x" * 70, "A\x07B"]),
    "ean": st.sampled_from(["123", "8712345678900", "abc"]),
}


@st.composite
def feeds_with_problems(draw, skus: list[str]):
    """Rows for the shop's own SKUs with new quantities, at least one of them broken."""
    rows = [[sku, "", str(draw(st.integers(0, 500))), "9,95", ""] for sku in skus]
    broken = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3, unique=True))
    for index in broken:
        field = draw(st.sampled_from([*BAD_CELLS, "unknown sku", "repeat"]))
        if field == "unknown sku":
            rows[index][0] = "NOT-OURS"
        elif field == "repeat":
            rows.append(list(rows[index]))
        else:
            rows[index][list(FIELD_OF).index(field)] = draw(BAD_CELLS[field])
    return rows


@pytest.fixture
def shop_records():
    shop = ShopFactory()
    return shop, [make_offer(shop, on_hand=7, price="5.00") for _ in range(4)]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_feed_whose_report_has_problems_changes_no_stock(shop_records, data):
    shop, records = shop_records
    rows = data.draw(feeds_with_problems([record.partner_sku for record in records]))
    content = csv_bytes(rows)
    parsed = parse_stock_file(content=content, filename="v.csv")
    upload = StockFeedUpload.objects.create(
        shop=shop,
        file=ContentFile(content, name="v.csv"),
        original_name="v.csv",
        summary=feed_apply.summarise(partner_id=shop.partner_id, parsed=parsed),
        status=UploadStatus.VALIDATED,
    )
    assert upload.summary["problems_total"] >= 1
    for problem in upload.summary["problems"]:
        assert problem["row"] >= 2 and problem["column"] in HEADER and problem["message"]

    log = feed_apply.apply_upload(upload.pk)

    assert log.outcome == SyncOutcome.REJECTED
    assert log.message.startswith("Nothing was applied:")
    assert log.report["problems"] == upload.summary["problems"]
    current = StockRecord.objects.filter(pk__in=[r.pk for r in records])
    assert sorted(current.values_list("num_in_stock", "price")) == [(7, Decimal("5.00"))] * 4
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REJECTED
