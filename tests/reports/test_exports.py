"""Every table exports as CSV and XLSX holding the same figures as the page's table."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketplace.reports.selectors import Period, Scope
from marketplace.reports.tables import TABLES, Request
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.reports.conftest import D1, D2

pytestmark = pytest.mark.django_db
QUERY = f"?start={D1}&end={D2}&granularity=day"


def staff():
    return UserFactory(is_staff=True)


def as_text(value) -> str:
    """A figure as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone().replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else str(value)


@pytest.mark.parametrize("key", sorted(TABLES))
def test_csv_and_xlsx_hold_the_tables_figures(small_town, key):
    table = TABLES[key](Request(Scope(), Period(start=D1, end=D2)))
    browser = client_for(staff())
    csv_response = browser.get(f"/management/reports/export/{key}.csv{QUERY}")
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[0] == [column.label for column in table.columns]
    assert len(rows) - 1 == len(table.rows)
    xlsx_response = browser.get(f"/management/reports/export/{key}.xlsx{QUERY}")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert list(cells[0]) == rows[0]
    for row, csv_row, xlsx_row in zip(table.rows, rows[1:], cells[1:], strict=True):
        for value, written, stored in zip(row, csv_row, xlsx_row, strict=True):
            if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                assert Decimal(written) == Decimal(str(value))
                assert Decimal(str(stored)).quantize(Decimal("0.01")) == Decimal(value).quantize(
                    Decimal("0.01")
                )
            elif not isinstance(value, datetime):
                assert written == as_text(value)


def test_the_key_figures_export_says_what_the_page_says(small_town):
    browser = client_for(staff())
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(f"/management/reports/export/summary.csv{QUERY}").content.decode()
            )
        )
    )
    by_figure = {row[0]: row[1:] for row in rows[1:]}
    assert by_figure["GMV incl. VAT"] == ["85.05", "15.00", "467.0"]
    assert by_figure["Commission earned"] == ["3.75", "0.75", "400.0"]
    assert by_figure["Orders"] == ["2", "1", "100.0"]
    sheet = load_workbook(
        io.BytesIO(browser.get(f"/management/reports/export/summary.xlsx{QUERY}").content)
    ).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["GMV incl. VAT"] == (85.05, 15.0, 467.0)
    assert sheet["B2"].number_format == "#,##0.00"
    page = browser.get(f"/management/reports/{QUERY}")
    assert "€ 85.05" in page.content.decode()


def test_a_bad_period_exports_nothing_and_says_why(small_town):
    response = client_for(staff()).get(
        f"/management/reports/export/summary.csv?start={D2}&end={D1}"
    )
    assert response.status_code == 400
    assert b"Until: The end date must be on or after the start date." in response.content
    page = client_for(staff()).get(f"/management/reports/?start={D2}&end={D1}")
    assert page.status_code == 200
    assert b"The end date must be on or after the start date." in page.content
    assert b"report-charts" not in page.content


def test_an_unknown_table_or_format_is_not_found(small_town):
    browser = client_for(staff())
    assert browser.get(f"/management/reports/export/secrets.csv{QUERY}").status_code == 404
    assert browser.get(f"/management/reports/export/summary.pdf{QUERY}").status_code == 404
