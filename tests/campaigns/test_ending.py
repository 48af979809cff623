"""Management ends a running campaign (it stops applying at once and its report covers the
days it ran) or withdraws one that has not started (with the shops' opt-ins)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from oscar.apps.offer.applicator import Applicator

from marketplace.campaigns.ending import end_campaign
from marketplace.campaigns.models import Campaign, Participation
from marketplace.campaigns.services import Refused
from tests.campaigns.conftest import DAY_START, SUNDAY, campaign_of
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory, make_basket

pytestmark = pytest.mark.django_db

ConditionalOffer = Campaign._meta.get_field("offer").related_model


def total_now(town, user) -> Decimal:
    basket = make_basket(user, (town["novel"], 1))
    Applicator().apply(basket, user)
    return basket.total_incl_tax


def test_ending_a_running_campaign_stops_the_discount_at_once(town, monkeypatch):
    campaign = campaign_of(shops=[town["books"]])
    user = UserFactory()
    assert total_now(town, user) == Decimal("18.00")

    staff = client_for(UserFactory(is_staff=True))
    response = staff.post(f"/management/campaigns/{campaign.pk}/end/")

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.ends_at == SUNDAY
    assert total_now(town, UserFactory()) == Decimal("20.00")
    page = staff.get(f"/management/campaigns/{campaign.pk}/").content.decode()
    assert "end-campaign" not in page, "an ended campaign offers no second end"
    # Later the same day it stays ended, and ending it again is refused with a reason.
    set_clock(monkeypatch, SUNDAY + timedelta(hours=2))
    with pytest.raises(Refused):
        end_campaign(campaign_id=campaign.pk)


def test_withdrawing_a_campaign_before_it_starts_removes_it_and_its_opt_ins(town, monkeypatch):
    set_clock(monkeypatch, DAY_START - timedelta(hours=3))
    campaign = campaign_of(shops=[town["books"], town["cheese"]])
    offer_id = campaign.offer_id
    staff = client_for(UserFactory(is_staff=True))
    assert (
        "Withdraw this campaign"
        in staff.get(f"/management/campaigns/{campaign.pk}/").content.decode()
    )

    response = staff.post(f"/management/campaigns/{campaign.pk}/end/")

    assert response.status_code == 302 and response["Location"] == "/management/campaigns/"
    assert not Campaign.objects.exists()
    assert not Participation.objects.exists()
    assert not ConditionalOffer.objects.filter(pk=offer_id).exists()
    set_clock(monkeypatch, SUNDAY)
    assert total_now(town, UserFactory()) == Decimal("20.00")


def test_only_staff_end_a_campaign(town):
    campaign = campaign_of(shops=[town["books"]])
    response = client_for(UserFactory()).post(f"/management/campaigns/{campaign.pk}/end/")
    assert response.status_code in (302, 403)
    campaign.refresh_from_db()
    assert campaign.ends_at == DAY_START + timedelta(days=1)
