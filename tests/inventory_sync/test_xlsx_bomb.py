# ruff: noqa: E501  (the XML parts of a workbook, as Excel writes them)
"""An XLSX that unpacks to far more than it weighs is refused fast and cheaply, and the
message says which limit it broke (issue 15, item 5)."""

import io
import time
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inventory_sync import feed_apply
from inventory_sync.feeds import FeedError, parse_stock_file, readers
from inventory_sync.models import StockFeedUpload, UploadStatus
from tests.factories import ShopFactory, make_owner

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Stock" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(*, shared_strings: bytes, sheet_rows: bytes) -> bytes:
    """A minimal valid XLSX, written by hand so its parts can be any size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
            + shared_strings
            + b"</sst>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
            + sheet_rows
            + b"</sheetData></worksheet>",
        )
    return out.getvalue()


HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>quantity</t></is></c></row>'
)


def good_rows(count: int) -> bytes:
    return HEADER_ROW + b"".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>SKU-{n}</t></is></c>'
        f'<c r="B{n}"><v>{n}</v></c></row>'.encode()
        for n in range(2, count + 2)
    )


def shared_strings_bomb() -> bytes:
    # Three million one-letter strings: 51 MB of XML, about 150 KB zipped.
    return workbook(shared_strings=b"<si><t>a</t></si>" * 3_000_000, sheet_rows=HEADER_ROW)


@pytest.fixture
def owner_client(client):
    shop = ShopFactory()
    client.force_login(make_owner(shop))
    return client


def upload(client, content: bytes):
    return client.post("/shop/stock/", {"file": SimpleUploadedFile("stock.xlsx", content)})


@pytest.mark.django_db
def test_a_shared_strings_bomb_is_refused_within_2_s_and_100_mb(owner_client):
    bomb = shared_strings_bomb()
    assert len(bomb) < 400_000
    # Warm: the first request of a process imports every view and template (seconds on a
    # loaded machine); the refusal is what is timed.
    assert owner_client.get("/shop/stock/").status_code == 200

    started = time.perf_counter()
    response = upload(owner_client, bomb)
    seconds = time.perf_counter() - started

    assert response.status_code == 200  # the form again, with the reason at the field
    message = response.context["form"].errors["file"][0]
    assert "unpack" in message.lower() or "uitgepakt" in message.lower(), message
    assert StockFeedUpload.objects.count() == 0
    assert seconds < 2.0, seconds

    tracemalloc.start()
    try:
        upload(owner_client, bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, peak


def refusal(content: bytes) -> str:
    with pytest.raises(FeedError) as refused:
        parse_stock_file(content=content, filename="stock.xlsx")
    return refused.value.message


def test_too_many_shared_strings_are_refused_by_count(monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHARED_STRINGS", 1000)
    strings = b"".join(f"<si><t>title {n:07d}</t></si>".encode() for n in range(1500))
    message = refusal(workbook(shared_strings=strings, sheet_rows=good_rows(3)))
    assert "1000" in message or "1.000" in message, message


def test_what_a_workbook_unpacks_to_is_limited(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 200_000)
    message = refusal(workbook(shared_strings=b"", sheet_rows=good_rows(5000)))
    assert "MB" in message, message


def test_a_sheet_of_endless_blank_rows_is_refused_by_rows_read(monkeypatch):
    monkeypatch.setattr(readers, "MAX_RATIO", 10_000)  # let it past the ratio check
    monkeypatch.setattr(readers, "MAX_ROWS_SCANNED", 5000)
    blank = b"".join(f'<row r="{n}"><c r="A{n}"/></row>'.encode() for n in range(2, 20_000))
    message = refusal(workbook(shared_strings=b"", sheet_rows=HEADER_ROW + blank))
    assert "5000" in message or "5.000" in message, message


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_CELLS", 500)
    message = refusal(workbook(shared_strings=b"", sheet_rows=good_rows(400)))
    assert "500" in message, message


def test_an_ordinary_workbook_still_reads():
    parsed = parse_stock_file(
        content=workbook(shared_strings=b"<si><t>x</t></si>", sheet_rows=good_rows(50)),
        filename="stock.xlsx",
    )
    assert len(parsed.rows) == 50 and not parsed.errors


# --- The workbook's parse runs in a task with a time limit, not in the request ---


@pytest.mark.django_db
def test_a_workbook_is_parsed_in_a_time_limited_task_and_its_page_follows_it(
    owner_client, django_capture_on_commit_callbacks, monkeypatch
):
    from inventory_sync import tasks

    parse_calls = []
    monkeypatch.setattr(
        feed_apply,  # examine() parses for the check (issue 17)
        "parse_stock_file",
        lambda **kwargs: parse_calls.append(kwargs) or parse_stock_file(**kwargs),
    )
    content = workbook(shared_strings=b"", sheet_rows=good_rows(3))

    with django_capture_on_commit_callbacks() as queued:
        response = upload(owner_client, content)

    stored = StockFeedUpload.objects.get()
    assert response["Location"] == f"/shop/stock/uploads/{stored.pk}/"
    assert (stored.status, stored.summary, parse_calls) == (UploadStatus.UPLOADED, {}, [])
    page = owner_client.get(response["Location"]).content.decode()
    assert 'data-waiting-status="uploaded"' in page and "upload_progress.js" in page
    assert owner_client.get(f"/shop/stock/uploads/{stored.pk}/status/").json()["status"] == (
        "uploaded"
    )
    assert len(queued) == 1 and tasks.check_stock_upload.soft_time_limit == 30
    assert tasks.check_stock_upload.time_limit == 45

    queued[0]()  # the worker runs the check

    stored.refresh_from_db()
    assert (stored.status, stored.summary["rows_total"], len(parse_calls)) == (
        UploadStatus.VALIDATED,
        3,
        1,
    )
    assert owner_client.get(f"/shop/stock/uploads/{stored.pk}/status/").json()["status"] == (
        "validated"
    )


@pytest.mark.django_db
def test_a_workbook_refused_by_the_task_shows_why_and_applies_nothing(
    owner_client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(readers, "MAX_CELLS", 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(owner_client, workbook(shared_strings=b"", sheet_rows=good_rows(20)))

    stored = StockFeedUpload.objects.get()
    assert stored.status == UploadStatus.REJECTED
    page = owner_client.get(response["Location"]).content.decode()
    assert "upload-refused" in page and stored.summary["error"] in page
    assert owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/").status_code == 302
    assert StockFeedUpload.objects.get().status == UploadStatus.REJECTED


@pytest.mark.django_db
def test_a_task_over_its_soft_limit_refuses_the_file(owner_client, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from inventory_sync import tasks, upload_checks

    upload(owner_client, workbook(shared_strings=b"", sheet_rows=good_rows(3)))
    stored = StockFeedUpload.objects.get()

    def slow(**_kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(feed_apply, "parse_stock_file", slow)
    tasks.check_stock_upload(stored.pk)

    stored.refresh_from_db()
    assert stored.status == UploadStatus.REJECTED
    assert stored.summary["error"] == upload_checks.took_too_long()


@pytest.mark.django_db
def test_a_check_that_never_answers_is_given_up_after_the_hard_limit(owner_client):
    from inventory_sync import upload_checks

    upload(owner_client, workbook(shared_strings=b"", sheet_rows=good_rows(3)))
    stored = StockFeedUpload.objects.get()
    StockFeedUpload.objects.filter(pk=stored.pk).update(
        created_at=timezone.now() - upload_checks.STUCK_AFTER - timedelta(seconds=1)
    )

    status = owner_client.get(f"/shop/stock/uploads/{stored.pk}/status/").json()

    assert status["status"] == UploadStatus.REJECTED
