"""The pages: management creates campaigns (bad input names the field and writes nothing);
a shop sees campaigns and its own participation only, and changes only its own; the basket,
checkout and order pages show which campaign applied and how much."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.campaigns.models import Campaign, Participation
from marketplace.ordering.services import confirm_order_paid
from tests.campaigns.conftest import DAY_START, campaign_of, order_of
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory, make_basket, make_owner

pytestmark = pytest.mark.django_db


def form_data(**changes):
    local = timezone.localtime(DAY_START + timedelta(days=7))
    data = {
        "name": "Stadsfeest",
        "kind": "voucher",
        "payer": "shop",
        "percentage": "15",
        "minimum_shops": "",
        "code": "stadsfeest-26",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    return {**data, **changes}


def test_management_creates_a_voucher_campaign(sunday):
    staff = client_for(UserFactory(is_staff=True))
    response = staff.post("/management/campaigns/new/", form_data())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.code, campaign.voucher.code, campaign.percentage) == (
        "STADSFEEST-26",
        "STADSFEEST-26",
        Decimal("15.00"),
    )
    assert campaign.offer.benefit.value == Decimal("15.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "a b<script>"}, "code"),
        ({"percentage": ""}, "percentage"),
        ({"percentage": "120"}, "percentage"),
        ({"kind": "free_delivery", "minimum_shops": ""}, "minimum_shops"),
        ({"name": ""}, "name"),
        ({"ends_at": "2020-01-01T00:00"}, "ends_at"),
        ({"kind": "everything free"}, "kind"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(sunday, changes, field):
    staff = client_for(UserFactory(is_staff=True))
    response = staff.post("/management/campaigns/new/", form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_voucher_code_in_use_is_refused(sunday):
    staff = client_for(UserFactory(is_staff=True))
    staff.post("/management/campaigns/new/", form_data())
    response = staff.post("/management/campaigns/new/", form_data(name="Again"))
    assert "code" in response.context["form"].errors
    assert Campaign.objects.count() == 1


def test_management_pages_are_staff_only(town):
    owner = make_owner(town["books"])
    for url in ("/management/campaigns/", "/management/campaigns/new/"):
        assert client_for(owner).get(url).status_code == 403


def test_a_shop_sees_and_changes_only_its_own_participation(town, monkeypatch):
    set_clock(monkeypatch, DAY_START - timedelta(days=1))
    campaign = campaign_of()
    books, cheese = town["books"], town["cheese"]
    Participation.objects.create(campaign=campaign, shop=cheese)
    owner = client_for(make_owner(books))

    page = owner.get("/shop/campaigns/").content.decode()
    assert "Koopzondag" in page and "Your shop does not take part." in page
    assert cheese.name not in page

    owner.post(
        f"/shop/campaigns/{campaign.pk}/participation/", {"action": "join", "shop": cheese.pk}
    )
    owner.post(
        f"/shop/campaigns/{campaign.pk}/participation/", {"action": "leave", "shop": cheese.pk}
    )
    # The posted shop is ignored: the shop is the signed-in user's. Cheese still takes part.
    assert list(campaign.participations.values_list("shop", flat=True)) == [cheese.pk]

    owner.post(f"/shop/campaigns/{campaign.pk}/participation/", {"action": "join"})
    assert set(campaign.participations.values_list("shop", flat=True)) == {books.pk, cheese.pk}


def test_a_started_campaign_cannot_be_joined(town):
    campaign = campaign_of()  # it is Sunday noon: started
    owner = client_for(make_owner(town["books"]))
    response = owner.post(
        f"/shop/campaigns/{campaign.pk}/participation/", {"action": "join"}, follow=True
    )
    assert "This campaign has started" in response.content.decode()
    assert not campaign.participations.exists()


def test_basket_checkout_and_order_show_the_campaign(town):
    campaign_of(name="Koopzondag <b>10%</b>", shops=[town["books"]])
    user = UserFactory()
    make_basket(user, (town["novel"], 2), (town["gouda"], 1))
    client = client_for(user)

    basket = client.get("/basket/").content.decode()
    assert "Campaign: Koopzondag &lt;b&gt;10%&lt;/b&gt;" in basket
    assert "€4,00" in basket or "€ 4,00" in basket or "€4.00" in basket

    checkout = client.get("/checkout/").content.decode()
    assert "Campaign: Koopzondag &lt;b&gt;10%&lt;/b&gt;" in checkout
    assert "48,50" in checkout or "48.50" in checkout  # 36.00 + 12.50, both collected

    order = order_of(town, ("novel", 2), user=user)
    confirm_order_paid(order_id=order.pk)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Koopzondag &lt;b&gt;10%&lt;/b&gt;" in page
    assert "4,00" in page or "4.00" in page


def test_consumer_adds_the_event_voucher_code_in_the_basket(town):
    from marketplace.campaigns.models import CampaignKind

    campaign_of(CampaignKind.VOUCHER, name="Stadsfeest", code="STADSFEEST", shops=[town["books"]])
    user = UserFactory()
    basket = make_basket(user, (town["novel"], 1))
    client = client_for(user)
    assert 'action="/basket/vouchers/add/"' in client.get("/basket/").content.decode()

    client.post("/basket/vouchers/add/", {"code": "stadsfeest"})

    assert list(basket.vouchers.values_list("code", flat=True)) == ["STADSFEEST"]
    page = client.get("/basket/").content.decode()
    assert "Campaign: Stadsfeest" in page
    order = order_of(town, ("novel", 1), user=user)  # a new basket without the code: full price
    assert order.total_incl_tax == Decimal("20.00")
