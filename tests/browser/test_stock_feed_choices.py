"""A shop owner uploads their till's export on a phone (issue 17): chooses which location is
their shop, maps the columns of a file nobody recognises, reads what will change and applies
the good rows. The files are the vendor fixtures of tests/inventory_sync/fixtures/."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from inventory_sync.connections import feed_settings
from inventory_sync.models import SyncLog, SyncOutcome
from tests.browser.conftest import shot
from tests.factories import ShopFactory, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)
StockRecord = get_model("partner", "StockRecord")
FIXTURES = Path(__file__).parent.parent / "inventory_sync" / "fixtures"


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def dutch_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("nl"):
        return ngettext(singular, plural, count)


def offer(shop, sku, *, on_hand, price="5.00"):
    record = make_offer(shop, on_hand=on_hand, price=price, title=f"Muts {sku}")
    StockRecord.objects.filter(pk=record.pk).update(partner_sku=sku)
    return record


def upload(page, name: str):
    page.locator("#id_file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": (FIXTURES / name).read_bytes()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name=dutch("Check file")).click()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_picks_the_location_once_and_applies_the_good_rows(person):
    shop = ShopFactory()
    rood, blauw = offer(shop, "MUTS-ROOD", on_hand=1), offer(shop, "MUTS-BLAUW", on_hand=1)
    page = person(make_owner(shop), "/shop/stock/")
    upload(page, "shopify_inventory.csv")

    choice = page.locator("#choose-location")
    expect(choice).to_contain_text(dutch("This file has stock for several locations"))
    assert fits_the_phone(page)
    shot(page, "which-location")
    choice.get_by_label("Magazijn Zuid").check()
    with page.expect_navigation():
        choice.get_by_role("button", name=dutch("Use this location")).click()

    changes = page.locator("#changes")
    expect(changes.locator("tbody tr")).to_have_count(2)
    expect(changes.locator("tr", has_text="Muts MUTS-ROOD")).to_contain_text("1 → 12")
    expect(changes.locator("tr", has_text="Muts MUTS-BLAUW")).to_contain_text("1 → 3")
    assert StockRecord.objects.get(pk=rood.pk).num_in_stock == 1  # a preview changes nothing
    assert fits_the_phone(page)
    shot(page, "what-changes")

    good = dutch_plural(
        "Apply the %(good)s good row, skip the %(skipped)s with problems",
        "Apply the %(good)s good rows, skip the %(skipped)s with problems",
        2,
    ) % {"good": 2, "skipped": 2}
    with page.expect_navigation():
        page.get_by_role("button", name=good).click()
    expect(page.locator("#sync-outcome")).to_contain_text(dutch("Applied"))
    shot(page, "good-rows-applied")
    log = SyncLog.objects.get(shop=shop)
    assert (log.outcome, log.rows_applied) == (SyncOutcome.APPLIED, 2)
    assert [StockRecord.objects.get(pk=r.pk).num_in_stock for r in (rood, blauw)] == [12, 3]
    assert feed_settings(shop)["location"] == "Magazijn Zuid"

    # The next export of this shop is read at that location without a question.
    page.goto(page.url.split("/shop/")[0] + "/shop/stock/")
    upload(page, "shopify_inventory_legacy.csv")
    expect(page.locator("#file-location")).to_contain_text("Magazijn Zuid")
    expect(page.locator("#choose-location")).to_have_count(0)


def test_owner_maps_unknown_columns_on_a_phone(person):
    shop = ShopFactory()
    soap = offer(shop, "K-100", on_hand=9, price="5.00")
    page = person(make_owner(shop), "/shop/stock/")
    upload(page, "unknown_columns.csv")

    form = page.locator("#map-columns")
    expect(form).to_contain_text(dutch("Which column is which?"))
    assert fits_the_phone(page)
    shot(page, "which-column-is-which")

    def column(header, samples):
        return dutch("%(header)s (e.g. %(samples)s)") % {"header": header, "samples": samples}

    form.get_by_label(dutch("Your product code (SKU, article number)")).select_option(
        label=column("Kassacode", "K-100, K-101, K-102")
    )
    form.get_by_label(dutch("Product name")).select_option(
        label=column("Naam", "Zeep lavendel, Zeep citroen, Handcrème")
    )
    form.get_by_label(dutch("Quantity in stock")).select_option(
        label=column("Stuks op plank", "4, 0, 2")
    )
    form.get_by_label(dutch("Selling price")).select_option(
        label=column("Bedrag", "€ 5,95, € 5,95, € 8,50")
    )
    with page.expect_navigation():
        form.get_by_role("button", name=dutch("Read the file this way")).click()

    row = page.locator("#changes tr", has_text="Muts K-100")
    expect(row).to_contain_text("9 → 4")
    shot(page, "mapped-preview")
    good = dutch_plural(
        "Apply the %(good)s good row, skip the %(skipped)s with problems",
        "Apply the %(good)s good rows, skip the %(skipped)s with problems",
        1,
    ) % {"good": 1, "skipped": 2}
    with page.expect_navigation():
        page.get_by_role("button", name=good).click()
    fresh = StockRecord.objects.get(pk=soap.pk)
    assert (fresh.num_in_stock, fresh.price) == (4, Decimal("5.95"))
