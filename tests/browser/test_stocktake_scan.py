"""A shop owner without a till counts stock on a phone (issue 17, item 8): takes a photo of a
barcode, sees the product the page finds, types the count and saves it.

The photo is an EAN-13 drawn from its bars (ean13_image.py) and fed to the page's photo input.
Headless Chromium on Linux has no BarcodeDetector, so there the vendored ZXing decodes it;
the test says which decoder the page used."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.gtin import gs1_check_digit
from tests.browser.conftest import shot
from tests.browser.ean13_image import ean13_png
from tests.factories import ShopFactory, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
CODE = "871234567890" + str(gs1_check_digit("871234567890"))


# The page's own choice (static/scan/scanner.js): BarcodeDetector if it reads EAN-13, else ZXing.
WHICH_DECODER = """async () => {
  if (!("BarcodeDetector" in window)) { return "zxing"; }
  const formats = await BarcodeDetector.getSupportedFormats();
  return formats.includes("ean_13") ? "barcode-detector" : "zxing";
}"""


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_photographs_a_barcode_and_saves_the_count(person, capsys):
    shop = ShopFactory()
    soap = make_offer(shop, on_hand=5, title="Zeep lavendel")
    Product.objects.filter(pk=soap.product_id).update(upc=CODE)
    page = person(make_owner(shop), "/shop/stock/count/")
    expect(page.locator("h1, h2").first).to_be_visible()
    assert fits_the_phone(page)
    shot(page, "count-stock")

    decoder = page.evaluate(WHICH_DECODER)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    with page.expect_navigation():
        page.locator("#barcode-photo").set_input_files(
            files=[{"name": "barcode.png", "mimeType": "image/png", "buffer": ean13_png(CODE)}]
        )
    counted = page.locator("#counted")
    expect(counted.locator("#counted-title")).to_have_text("Zeep lavendel")
    on_shelf = counted.locator("#on-hand")
    expect(on_shelf).to_have_text("5")
    assert fits_the_phone(page)
    shot(page, "product-found")

    counted.get_by_label(dutch("Count on the shelf")).fill("7")
    with page.expect_navigation():
        counted.get_by_role("button", name=dutch("Save count")).click()
    expect(on_shelf).to_have_text("7")
    shot(page, "count-saved")
    assert StockRecord.objects.get(pk=soap.pk).num_in_stock == 7
    # The vendored decoder is fetched exactly when the browser has no EAN BarcodeDetector.
    assert any("vendor/zxing/" in url for url in fetched) == (decoder == "zxing")
    with capsys.disabled():
        print(f"\nstocktake: the photo was decoded by {decoder}")
