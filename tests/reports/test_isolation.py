"""A shop sees its own figures only: on its report page and in every export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from marketplace.reports.tables import TABLES
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.reports.conftest import D1, D2

pytestmark = pytest.mark.django_db
QUERY = f"?start={D1}&end={D2}"


def test_shop_a_page_shows_its_figures_and_nothing_of_shop_b(small_town):
    page = client_for(small_town.owner_a).get(f"/shop/reports/{QUERY}").content.decode()
    assert "€ 65.05" in page  # shop A's GMV
    assert small_town.shop_b.partner.name not in page
    assert "mug" not in page  # shop B's product
    assert "€ 85.05" not in page  # the centre's GMV
    page_b = client_for(small_town.owner_b).get(f"/shop/reports/{QUERY}").content.decode()
    assert "€ 20.00" in page_b
    assert small_town.shop_a.partner.name not in page_b and "novel" not in page_b


@pytest.mark.parametrize("key", sorted(TABLES))
def test_shop_exports_hold_nothing_of_another_shop(small_town, key):
    browser = client_for(small_town.owner_b)
    text = browser.get(f"/shop/reports/export/{key}.csv{QUERY}").content.decode()
    book = load_workbook(
        io.BytesIO(browser.get(f"/shop/reports/export/{key}.xlsx{QUERY}").content)
    ).active
    cells = " ".join(str(v) for row in book.iter_rows(values_only=True) for v in row)
    for leaked in (small_town.shop_a.partner.name, "novel", "pen", "65.05", "85.05"):
        assert leaked not in text and leaked not in cells, (key, leaked)


def test_shop_b_shops_table_is_its_own_row(small_town):
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(small_town.owner_b)
                .get(f"/shop/reports/export/shops.csv{QUERY}")
                .content.decode()
            )
        )
    )
    assert [row[:3] for row in rows[1:]] == [[small_town.shop_b.partner.name, "1", "20.00"]]


def test_only_staff_see_the_centre_report(small_town):
    assert client_for(small_town.owner_a).get("/management/reports/").status_code == 403
    assert client_for(UserFactory()).get("/management/reports/export/shops.csv").status_code == 403
    anonymous = client_for().get("/management/reports/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for(UserFactory()).get("/shop/reports/").status_code == 403


def test_every_table_is_on_the_page_once(small_town):
    staff = UserFactory(is_staff=True)
    page = client_for(staff).get(f"/management/reports/{QUERY}").content.decode()
    for key in TABLES:
        assert page.count(f'data-table="{key}"') == 1, key
