"""Issue 8: centre management opens the report page and sees its charts drawn, in a browser.

The small town of tests/reports/conftest.py: four charts (over time, methods, per shop, per
category) must be Chart.js instances with pixels on their canvases, and the numbers under
a chart are one click away.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.factories import UserFactory
from tests.reports.conftest import D1, D2, small_town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's
CHARTS = ["chart-over-time", "chart-methods", "chart-shops", "chart-categories"]
INKED_PIXELS = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { inked += 1; } }
  return inked;
}"""


@pytest.mark.usefixtures("small_town")
def test_centre_management_sees_the_charts_and_their_numbers(page, live_server):
    manager = UserFactory(is_staff=True)
    page.goto(f"{live_server.url}/accounts/login/?next=/management/reports/")
    page.fill("#id_login-username", manager.email)
    page.fill("#id_login-password", PASSWORD)
    page.click("button[name=login_submit]")
    page.goto(f"{live_server.url}/management/reports/?start={D1}&end={D2}&granularity=day")
    page.wait_for_function("window.reportCharts && window.reportCharts.length === 4")
    drawn = page.evaluate("window.reportCharts.map((chart) => chart.canvas.id)")
    assert sorted(drawn) == sorted(CHARTS)
    for canvas in CHARTS:
        assert page.evaluate(INKED_PIXELS, canvas) > 500, f"{canvas} is blank"
    shot(page, "report-charts")

    shops = page.locator("#section-shops")
    table = shops.locator("table.report-table")
    expect(table).to_be_hidden()
    shops.locator("summary").click()  # "Show the numbers"
    expect(table).to_be_visible()
    expect(table).to_contain_text("€ 65,05")  # shop A's GMV, in Dutch
    expect(page.locator("#section-summary .report-cards")).to_contain_text("€ 85,05")
    shot(page, "report-numbers")
