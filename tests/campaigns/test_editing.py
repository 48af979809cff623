"""Management changes a campaign before it starts (name, period, discount, payer, code):
its Oscar offer and voucher follow; once it has started its terms are fixed."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from oscar.apps.offer.applicator import Applicator
from oscar.core.loading import get_model

from marketplace.campaigns.editing import edit_campaign
from marketplace.campaigns.models import Campaign, CampaignKind
from marketplace.campaigns.services import CampaignTerms, Refused
from tests.campaigns.conftest import DAY_START, SUNDAY, campaign_of
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory, make_basket

pytestmark = pytest.mark.django_db
Voucher = get_model("voucher", "Voucher")
SATURDAY_EVENING = DAY_START - timedelta(hours=3)


def form_of(page: str) -> dict:
    """The values the edit form shows, as the browser would send them back."""
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    for name, chosen in re.findall(
        r'<select[^>]*name="(\w+)".*?<option value="([^"]*)"[^>]*selected', page, re.S
    ):
        fields[name] = chosen
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def total_now(town) -> Decimal:
    user = UserFactory()
    basket = make_basket(user, (town["novel"], 1))
    Applicator().apply(basket, user)
    return basket.total_incl_tax


def test_management_changes_an_upcoming_campaign_and_the_basket_follows(town, monkeypatch):
    set_clock(monkeypatch, SATURDAY_EVENING)
    campaign = campaign_of(shops=[town["books"]])
    staff = client_for(UserFactory(is_staff=True))
    detail = staff.get(f"/management/campaigns/{campaign.pk}/").content.decode()
    assert f"/management/campaigns/{campaign.pk}/edit/" in detail

    page = staff.get(f"/management/campaigns/{campaign.pk}/edit/").content.decode()
    shown = form_of(page)
    assert shown["name"] == "Koopzondag"
    assert shown["starts_at"] == "2026-11-29T00:00" and shown["ends_at"] == "2026-11-30T00:00"
    assert shown["percentage"] == "10.00"
    response = staff.post(
        f"/management/campaigns/{campaign.pk}/edit/",
        {**shown, "name": "Koopzondag XL", "percentage": "25", "ends_at": "2026-11-29T18:00"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/management/campaigns/{campaign.pk}/"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.percentage) == ("Koopzondag XL", Decimal("25.00"))
    assert campaign.ends_at == DAY_START + timedelta(hours=18)
    assert campaign.offer.name == f"Koopzondag XL #{campaign.pk}"
    set_clock(monkeypatch, SUNDAY)
    assert total_now(town) == Decimal("15.00")  # 25% off, books opted in before the change
    set_clock(monkeypatch, DAY_START + timedelta(hours=18))
    assert total_now(town) == Decimal("20.00")  # the new end


def test_a_voucher_gets_its_new_code_and_a_code_in_use_is_refused_changing_nothing(
    town, monkeypatch
):
    set_clock(monkeypatch, SATURDAY_EVENING)
    festival = campaign_of(CampaignKind.VOUCHER, code="CITYFEST-26", shops=[town["books"]])
    campaign_of(CampaignKind.VOUCHER, code="WINTER-26", name="Winter")
    staff = client_for(UserFactory(is_staff=True))
    address = f"/management/campaigns/{festival.pk}/edit/"
    shown = form_of(staff.get(address).content.decode())
    assert shown["code"] == "CITYFEST-26"

    refused = staff.post(address, {**shown, "code": "winter-26", "name": "Stadsfeest"})
    assert refused.status_code == 200
    assert "The voucher code WINTER-26 is already in use." in refused.content.decode()
    festival.refresh_from_db()
    assert (festival.name, festival.code) == ("Koopzondag", "CITYFEST-26")
    assert Voucher.objects.get(pk=festival.voucher_id).code == "CITYFEST-26"

    assert staff.post(address, {**shown, "code": "STADSFEEST-26"}).status_code == 302
    voucher = Voucher.objects.get(pk=festival.voucher_id)
    assert voucher.code == "STADSFEEST-26"
    assert not Voucher.objects.filter(code="CITYFEST-26").exists()


def test_a_started_campaign_cannot_be_changed_nor_a_campaigns_kind(town, monkeypatch):
    set_clock(monkeypatch, SATURDAY_EVENING)
    campaign = campaign_of(shops=[town["books"]])
    staff = client_for(UserFactory(is_staff=True))
    address = f"/management/campaigns/{campaign.pk}/edit/"
    shown = form_of(staff.get(address).content.decode())
    # The kind is shown but not sent: a changed one is ignored.
    staff.post(address, {**shown, "kind": CampaignKind.FREE_DELIVERY, "minimum_shops": "2"})
    assert Campaign.objects.get(pk=campaign.pk).kind == CampaignKind.PERCENTAGE
    terms = CampaignTerms(
        name="Ander soort",
        kind=CampaignKind.FREE_DELIVERY,
        payer=campaign.payer,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
    )
    with pytest.raises(Refused):
        edit_campaign(campaign_id=campaign.pk, terms=terms)

    set_clock(monkeypatch, SUNDAY)  # it runs now
    page = staff.get(f"/management/campaigns/{campaign.pk}/").content.decode()
    assert "edit-campaign" not in page
    answer = staff.post(address, {**shown, "percentage": "50"}, follow=True)
    assert "its terms can no longer change" in answer.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).percentage == Decimal("10.00")
    with pytest.raises(Refused):
        edit_campaign(
            campaign_id=campaign.pk,
            terms=CampaignTerms(**{**terms.__dict__, "kind": CampaignKind.PERCENTAGE}),
        )


def test_a_hostile_name_is_escaped_on_the_edit_page(town, monkeypatch):
    set_clock(monkeypatch, SATURDAY_EVENING)
    campaign = campaign_of(name='<script>alert("x")</script>')
    page = client_for(UserFactory(is_staff=True)).get(f"/management/campaigns/{campaign.pk}/edit/")
    html = page.content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_only_management_opens_the_edit_page(town, monkeypatch):
    set_clock(monkeypatch, SATURDAY_EVENING)
    campaign = campaign_of()
    address = f"/management/campaigns/{campaign.pk}/edit/"
    assert client_for(UserFactory()).get(address).status_code in (302, 403)
    assert client_for(UserFactory()).post(address, {"name": "x"}).status_code in (302, 403)
    assert Campaign.objects.get(pk=campaign.pk).name == "Koopzondag"
