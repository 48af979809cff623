"""Measuring a campaign, exact on a small town: Sunday's 10% at the bookshop and the cheese
shop, against Saturday (the day before, same length).

Saturday: A buys a novel (20.00); B buys a gouda (12.50).
Sunday:   A buys 2 novels (40.00 − 4.00); C, new, buys a novel (20.00 − 2.00) and 2 goudas
          (25.00 − 2.50) in one order; D buys boots at the shoe shop (not taking part); E
          places a novel order and never pays (no sale).
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketplace.campaigns.measurement import campaign_figures
from marketplace.campaigns.models import Participation
from marketplace.campaigns.services import opt_in
from marketplace.ordering.services import confirm_order_paid
from tests.campaigns.conftest import DAY_START, SUNDAY, campaign_of, order_of
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def paid(town, *offers, user):
    order = order_of(town, *offers, user=user)
    assert confirm_order_paid(order_id=order.pk)
    return order


@pytest.fixture
def weekend(town, monkeypatch):
    a, b, c, d, e = (UserFactory() for _ in range(5))
    campaign = campaign_of(shops=[town["books"], town["cheese"]])
    set_clock(monkeypatch, SUNDAY - timedelta(days=1))
    paid(town, ("novel", 1), user=a)
    paid(town, ("gouda", 1), user=b)
    set_clock(monkeypatch, SUNDAY)
    paid(town, ("novel", 2), user=a)
    paid(town, ("novel", 1), ("gouda", 2), user=c)
    paid(town, ("boots", 1), user=d)
    order_of(town, ("novel", 1), user=e)
    return campaign


def as_dict(figures):
    return {
        "orders_using": figures.orders_using,
        "discount": figures.discount_given,
        "during": figures.revenue_during,
        "before": figures.revenue_before,
        "extra": figures.extra_revenue,
        "new": figures.new_customers,
        "returning": figures.returning_customers,
        "average_during": figures.average_during,
        "average_before": figures.average_before,
    }


def test_figures_per_shop_and_in_total_are_exact(weekend, town):
    per_shop, total = campaign_figures(weekend)
    books, cheese = sorted(per_shop, key=lambda f: f.label != town["books"].name)

    assert as_dict(books) == {
        "orders_using": 2, "discount": D("6.00"), "during": D("54.00"), "before": D("20.00"),
        "extra": D("34.00"), "new": 1, "returning": 1,
        "average_during": D("27.00"), "average_before": D("20.00"),
    }  # fmt: skip
    assert as_dict(cheese) == {
        "orders_using": 1, "discount": D("2.50"), "during": D("22.50"), "before": D("12.50"),
        "extra": D("10.00"), "new": 1, "returning": 0,
        "average_during": D("22.50"), "average_before": D("12.50"),
    }  # fmt: skip
    assert as_dict(total) == {
        "orders_using": 2, "discount": D("8.50"), "during": D("76.50"), "before": D("32.50"),
        "extra": D("44.00"), "new": 1, "returning": 1,
        "average_during": D("38.25"), "average_before": D("16.25"),
    }  # fmt: skip


def test_report_page_chart_and_exports(weekend, town):
    staff = client_for(UserFactory(is_staff=True))
    page = staff.get("/management/reports/campaigns/", {"campaign": weekend.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="chart-campaign"' in html
    assert "76,50" in html or "76.50" in html

    rows = list(csv.reader(io.StringIO(staff.get(
        "/management/reports/campaigns/export.csv", {"campaign": weekend.pk}
    ).content.decode())))  # fmt: skip
    assert rows[0][:3] == ["Shop", "Orders using it", "Discount given"]
    assert rows[-1] == [
        "All participating shops", "2", "8.50", "76.50", "32.50", "44.00", "1", "1", "38.25",
        "16.25",
    ]  # fmt: skip

    book = load_workbook(io.BytesIO(staff.get(
        "/management/reports/campaigns/export.xlsx", {"campaign": weekend.pk}
    ).content))  # fmt: skip
    last = [cell.value for cell in book.active[book.active.max_row]]
    assert last[0] == "All participating shops" and last[5] == 44.0


def test_report_is_for_staff_only(weekend, town):
    owner = town["books"].partner.users.create(username="owner-books", email="o@b.test")
    response = client_for(owner).get("/management/reports/campaigns/")
    assert response.status_code == 403
    assert client_for(owner).get("/management/reports/campaigns/export.csv").status_code == 403


def test_hostile_names_are_escaped_and_inert_in_exports(town):
    hostile = '=HYPERLINK("http://evil.test")<script>alert(1)</script>'
    town["books"].partner.name = "@SUM(1)<b>boek</b>"
    town["books"].partner.save()
    campaign = campaign_of(name=hostile, shops=[town["books"]])
    staff = client_for(UserFactory(is_staff=True))

    for url in ("/management/campaigns/", f"/management/campaigns/{campaign.pk}/",
                f"/management/reports/campaigns/?campaign={campaign.pk}"):  # fmt: skip
        html = staff.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<b>boek</b>" not in html
        assert "&lt;script&gt;" in html

    text = staff.get(f"/management/reports/campaigns/export.csv?campaign={campaign.pk}")
    rows = list(csv.reader(io.StringIO(text.content.decode())))
    assert rows[1][0] == "'@SUM(1)<b>boek</b>"
    xlsx = staff.get(f"/management/reports/campaigns/export.xlsx?campaign={campaign.pk}")
    cell = load_workbook(io.BytesIO(xlsx.content)).active["A2"]
    assert (cell.value, cell.data_type) == ("'@SUM(1)<b>boek</b>", "s")


def test_opt_in_before_the_start_is_kept(town):
    campaign = campaign_of()
    opt_in(campaign=campaign, shop=town["cheese"], now=DAY_START - timedelta(minutes=1))
    assert list(Participation.objects.values_list("shop", flat=True)) == [town["cheese"].pk]
