"""The export and the account deletion cover what the newer packages keep of a person: the
gift cards they bought, their favourite shops, reviews and news choice."""

import json

import pytest

from legal.accounts import delete_account
from legal.personal_data import personal_data_zip
from marketplace.community.models import FavouriteShop, NewsPreference, Review, ReviewStatus
from marketplace.giftcards.models import GiftCard
from tests.factories import ShopFactory, UserFactory
from tests.giftcards.online_helpers import card_with

from .conftest import HOSTILE
from .test_personal_data import unzip

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular():
    """Anna bought a gift card, follows a shop, asked for its news and reviewed it."""
    shop = ShopFactory()
    anna, bram = UserFactory(first_name="Anna"), UserFactory(first_name="Bram")
    card = card_with("25.00")
    GiftCard.objects.filter(pk=card.pk).update(buyer=anna, email="anna@example.nl", message=HOSTILE)
    FavouriteShop.objects.create(user=anna, shop=shop)
    NewsPreference.objects.create(user=anna, news_by_email=True)
    review = Review.objects.create(
        user=anna,
        shop=shop,
        rating=4,
        text=f"=HYPERLINK({HOSTILE})",
        status=ReviewStatus.APPROVED,
        created_at=card.created_at,
        updated_at=card.created_at,
    )
    FavouriteShop.objects.create(user=bram, shop=shop)
    return {"anna": anna, "bram": bram, "card": card, "review": review, "shop": shop}


def test_the_export_has_the_gift_cards_favourites_reviews_and_news_choice(regular):
    files = unzip(personal_data_zip(user=regular["anna"]))
    data = json.loads(files["data.json"])

    [card] = data["gift_cards"]
    assert (card["amount"], card["balance"], card["sent_to"]) == (
        "25.00",
        "25.00",
        "anna@example.nl",
    )
    assert card["card"] == f"…{regular['card'].code[-4:]}", "never the whole code"
    assert [f["shop"] for f in data["favourite_shops"]] == [regular["shop"].partner.name]
    [review] = data["reviews"]
    assert (review["rating"], review["text"]) == (4, f"=HYPERLINK({HOSTILE})")
    assert data["news_by_email"][0]["news_by_email"] is True
    # One CSV per section; a cell a spreadsheet would run is text.
    assert "'=HYPERLINK(" in files["reviews.csv"]
    assert {"gift_cards.csv", "favourite_shops.csv", "news_by_email.csv"} <= set(files)


def test_deleting_the_account_keeps_the_card_without_its_buyer_and_removes_the_rest(regular):
    anna, card = regular["anna"], regular["card"]

    delete_account(user=anna)

    card.refresh_from_db()
    assert (card.buyer_id, card.email, card.message) == (None, "", "")
    assert card.balance == card.amount, "the money on it stays spendable"
    assert not Review.objects.filter(pk=regular["review"].pk).exists()
    assert not NewsPreference.objects.exists()
    assert list(FavouriteShop.objects.values_list("user", flat=True)) == [regular["bram"].pk]
