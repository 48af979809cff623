"""Issue 15: under the Content-Security-Policy, Chromium blocks nothing on the storefront's
home and product pages, the courier's route page and Oscar's dashboard: no violation event
and no "Refused to ..." console message."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from logistics.models import Route, RouteStop
from tests.factories import ShopFactory, UserFactory, make_offer, make_slot, make_zone
from tests.logistics.test_dispatch import delivery_part, make_courier, tomorrow

pytestmark = pytest.mark.django_db(transaction=True)
ProductCategory = get_model("catalogue", "ProductCategory")

# Recorded in every page before its own scripts run (init scripts are not subject to CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page) -> list[str]:
    """Console messages about the policy, for pages opened from now on."""
    refused = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return refused


def visit(page, url: str, refused: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # late scripts (maps, widgets) have run
    assert "script-src" in response.headers["content-security-policy"], url
    violations = page.evaluate("window.__cspViolations")
    assert (violations, refused) == ([], []), url


def test_no_page_of_any_area_has_anything_blocked(live_server, page, person):
    shop = ShopFactory()
    offer = make_offer(shop, title="Stadsgids")
    ProductCategory.objects.create(
        product=offer.product, category=create_from_breadcrumbs("Boeken")
    )
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow()))
    courier = make_courier(timezone.localdate(), starts=8, ends=18, name="Fenna")
    route = Route.objects.create(
        courier=courier, date=timezone.localdate(), planned_at=timezone.now()
    )
    eta = timezone.localtime().replace(hour=10, minute=5, second=0, microsecond=0)
    RouteStop.objects.create(route=route, sequence=1, kind="pickup", part=part, eta=eta)
    RouteStop.objects.create(
        route=route, sequence=2, kind="delivery", part=part, eta=eta + timedelta(minutes=20)
    )
    manager = UserFactory(is_staff=True, is_superuser=True)

    refused = watch(page)
    visit(page, f"{live_server.url}/", refused)
    visit(page, f"{live_server.url}{offer.product.get_absolute_url()}", refused)

    courier_page = person(courier.user, "/courier/")
    refused = watch(courier_page)
    visit(courier_page, f"{live_server.url}/courier/", refused)

    dashboard = person(manager, "/dashboard/")
    refused = watch(dashboard)
    visit(dashboard, f"{live_server.url}/dashboard/", refused)
    visit(dashboard, f"{live_server.url}/dashboard/catalogue/products/{offer.product_id}/", refused)
    assert dashboard.evaluate("typeof window.jQuery") == "function"  # served by our own site
