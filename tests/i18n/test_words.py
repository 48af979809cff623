"""Words people read: one Dutch voice ("je", "winkelmand"), one word per meaning."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from inventory_sync.models import SyncOutcome
from shops.models import ShopStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

pytestmark = pytest.mark.django_db
# Formal address and the other word for the basket; \b keeps "uur" or "menu" out.
FORMAL = re.compile(r"\b(u|uw|Uw|U)\b|winkelwagen", re.IGNORECASE)


def test_a_shop_applied_and_a_stock_file_applied_are_different_words():
    with translation.override("nl"):
        assert str(ShopStatus.APPLIED.label) == "Aangemeld"
        assert str(SyncOutcome.APPLIED.label) == "Verwerkt"
        assert gettext("Applied: every row matched a product.").startswith("Verwerkt")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_consumers_pages_speak_informal_dutch_and_say_winkelmand():
    offer = make_offer(ShopFactory(), title="Leesboek")
    consumer = client_for(UserFactory())
    consumer.cookies["django_language"] = "nl"
    consumer.post(f"/basket/add-offer/{offer.pk}/", {"quantity": "1"})
    pages = ["/", "/basket/", "/checkout/", "/accounts/", "/accounts/profile/edit/", "/search/?q=x"]
    pages.append(offer.product.get_absolute_url())
    found = {}
    for path in pages:
        text = visible_text(consumer.get(path, follow=True).content.decode())
        words = sorted(set(match.group(0) for match in FORMAL.finditer(text)))
        if words:
            found[path] = words
    visitor = client_for()
    visitor.cookies["django_language"] = "nl"
    for path in ["/accounts/login/", "/password-reset/", "/shops/", "/catalogue/"]:
        text = visible_text(visitor.get(path, follow=True).content.decode())
        words = sorted(set(match.group(0) for match in FORMAL.finditer(text)))
        if words:
            found[path] = words
    assert found == {}


def test_every_dutch_text_is_translated_and_none_is_a_guess():
    """makemessages marks its guesses "fuzzy" (and Django then shows the English)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "locale/nl/LC_MESSAGES/django.po").read_text()
    entries = [
        entry
        for entry in text.split("\n\n")[1:]
        if "msgid" in entry and "#~ msgid" not in entry  # obsolete ones are not shown
    ]
    guesses = [
        entry for entry in entries if "#, fuzzy" in entry or "#, python-format, fuzzy" in entry
    ]
    missing = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.M)
        and not entry.startswith("#~")
    ]
    assert guesses == [] and missing == []


def test_the_dutch_catalogue_says_je_and_winkelmand():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "locale/nl/LC_MESSAGES/django.po").read_text()
    formal = []
    for entry in text.split("\n\n"):
        if "#~" in entry or "msgstr" not in entry:
            continue
        dutch = entry.split("msgstr", 1)[1]
        if FORMAL.search(dutch) or "mandje" in dutch:
            formal.append(dutch.strip()[:80])
    assert formal == []


def test_my_orders_says_when_an_order_was_placed_not_sent():
    from tests.payments.conftest import unpaid_order

    order = unpaid_order((make_offer(ShopFactory()), 1))
    consumer = client_for(order.user)
    consumer.cookies["django_language"] = "nl"
    text = visible_text(consumer.get("/accounts/orders/").content.decode())
    assert "Besteld op" in text and "Verzonden" not in text


def test_distances_use_the_languages_decimal_mark():
    from django.utils import timezone

    from logistics.models import Route
    from tests.logistics.test_dispatch import make_courier

    today = timezone.localdate()
    Route.objects.create(
        courier=make_courier(today, starts=8, ends=18),
        date=today,
        planned_at=timezone.now(),
        distance_metres=4200,
    )
    staff = client_for(UserFactory(is_staff=True))
    staff.cookies["django_language"] = "nl"
    assert "4,2 km" in staff.get("/management/routes/").content.decode()
    staff.cookies["django_language"] = "en"
    assert "4.2 km" in staff.get("/management/routes/").content.decode()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_form_labels_start_with_a_capital(language):
    from tests.factories import make_owner

    shop = ShopFactory()
    offer = make_offer(shop)
    owner = client_for(make_owner(shop))
    owner.cookies["django_language"] = language
    lower = {}
    for path in ("/shop/profile/", f"/shop/products/{offer.pk}/", "/shop/products/new/"):
        html = owner.get(path).content.decode()
        labels = [
            visible_text(label).strip() for label in re.findall(r"<label\b.*?</label>", html, re.S)
        ]
        bad = [label for label in labels if label and label[0].isalpha() and label[0].islower()]
        if bad:
            lower[path] = bad
    assert lower == {}
