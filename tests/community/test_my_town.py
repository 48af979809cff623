"""The "my town" page: linked in the account menu, signed-in people only, and it shows the
person's own favourites, alerts, gift card balances and news, never another person's."""

from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.community.models import FavouriteShop, NewsPost
from marketplace.giftcards.models import CardStatus, GiftCard
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

ProductAlert = get_model("customer", "ProductAlert")
pytestmark = pytest.mark.django_db


def card(buyer, *, code, amount, balance, status=CardStatus.ACTIVE):
    return GiftCard.objects.create(
        code=code,
        status=status,
        amount=Decimal(amount),
        balance=Decimal(balance),
        title="Stadsbon",
        colour="#8b1e3f",
        buyer=buyer,
        created_at=timezone.now(),
    )


def test_my_town_needs_a_sign_in_and_is_in_the_account_menu():
    assert "/accounts/login/" in client_for().get("/my-town/")["Location"]
    html = client_for(UserFactory()).get("/accounts/", follow=True).content.decode()
    assert 'href="/my-town/"' in html


def test_my_town_shows_only_the_persons_own_things():
    me, other = UserFactory(), UserFactory()
    mine, theirs = ShopFactory(), ShopFactory()
    FavouriteShop.objects.create(user=me, shop=mine)
    FavouriteShop.objects.create(user=other, shop=theirs)
    now = timezone.now()
    NewsPost.objects.create(
        shop=mine, title="Mijn nieuws", text="a", created_at=now, updated_at=now
    )
    NewsPost.objects.create(
        shop=theirs, title="Ander nieuws", text="b", created_at=now, updated_at=now
    )
    lamp = make_offer(mine, on_hand=0, title="Leeslamp")
    vase = make_offer(theirs, on_hand=0, title="Vaas")
    ProductAlert.objects.create(user=me, product=lamp.product, status=ProductAlert.ACTIVE)
    ProductAlert.objects.create(user=other, product=vase.product, status=ProductAlert.ACTIVE)
    card(me, code="AAAABBBBCCCCDDDD", amount="40.00", balance="12.35")
    card(me, code="EEEEFFFFGGGGHHHH", amount="25.00", balance="25.00", status=CardStatus.PENDING)
    card(other, code="JJJJKKKKLLLLMMMM", amount="50.00", balance="50.00")

    html = client_for(me).get("/my-town/").content.decode()
    assert mine.partner.name in html and theirs.partner.name not in html
    assert "Mijn nieuws" in html and "Ander nieuws" not in html
    assert "Leeslamp" in html and "Vaas" not in html
    assert "…DDDD" in html and "€12.35" in html  # the balance, in euros (English page)
    assert "HHHH" not in html  # an unpaid card is no card yet
    assert "MMMM" not in html
