"""Shops write events and news; management approves them before they show. Reports."""

import pytest

from localinfo.models import Event, NewsItem, ReviewStatus
from tests.conftest import client_for
from tests.factories import UserFactory, make_owner

pytestmark = pytest.mark.django_db

EVENT_FORM = {
    "title": "Signeersessie <script>alert(1)</script>",
    "text": '<p onclick="steal()">Kom langs</p><script>alert(1)</script>',
    "starts_at": "2026-12-05T14:00",
    "ends_at": "2026-12-05T16:00",
    "recurrence": "",
    "address": "",
    "link": "",
}


def test_a_shops_event_waits_for_review_then_shows(town, client):
    owner = make_owner(town["books"])
    shop_browser = client_for(owner)
    response = shop_browser.post("/shop/local/event/new/", EVENT_FORM)
    assert response.status_code == 302
    event = Event.objects.get(title__startswith="Signeersessie")
    assert event.status == ReviewStatus.PENDING
    assert event.shop == town["books"]
    assert event.text == "<p>Kom langs</p>"  # cleaned when saved
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Signeersessie" not in client.get("/api/local/events/").content.decode()

    manager = client_for(UserFactory(is_staff=True))
    waiting = manager.get("/management/local/").content.decode()
    assert "Signeersessie &lt;script&gt;" in waiting and "<script>alert" not in waiting
    manager.post(f"/management/local/event/{event.pk}/approve/")
    event.refresh_from_db()
    assert event.status == ReviewStatus.APPROVED
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Signeersessie" in client.get("/api/local/events/").content.decode()


def test_an_edit_by_the_shop_goes_back_to_review(town):
    owner = make_owner(town["books"])
    event = Event.objects.get(slug="voorleesmiddag")
    form = {**EVENT_FORM, "title": "Voorleesmiddag (nieuw)"}
    client_for(owner).post(f"/shop/local/event/{event.pk}/", form)
    event.refresh_from_db()
    assert (event.title, event.status) == ("Voorleesmiddag (nieuw)", ReviewStatus.PENDING)


def test_a_shop_cannot_see_or_edit_another_shops_item(town):
    other_owner = make_owner(town["fashion"])
    event = Event.objects.get(slug="voorleesmiddag")  # the bookshop's
    browser = client_for(other_owner)
    assert browser.get(f"/shop/local/event/{event.pk}/").status_code == 404
    assert browser.post(f"/shop/local/event/{event.pk}/", EVENT_FORM).status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Voorleesmiddag voor kinderen"
    assert "Voorleesmiddag" not in browser.get("/shop/local/").content.decode()


def test_bad_dates_are_refused_and_nothing_is_saved(town):
    owner = make_owner(town["books"])
    before = Event.objects.count()
    form = {**EVENT_FORM, "ends_at": "2026-12-05T13:00", "recurrence": "WEEKLY"}
    page = client_for(owner).post("/shop/local/event/new/", form)
    assert page.status_code == 200
    body = page.content.decode()
    assert "The end must be after the start." in body
    assert "Say until when the event repeats." in body
    assert Event.objects.count() == before


def test_rejecting_tells_the_shop_why_and_a_second_click_changes_nothing(town):
    item = NewsItem.objects.create(
        slug="actie",
        title="Actie",
        text="Korting",
        published_at=town["now"],
        shop=town["fashion"],
    )
    manager = client_for(UserFactory(is_staff=True))
    manager.post(f"/management/local/news/{item.pk}/reject/", {"message": "Geen reclame"})
    manager.post(f"/management/local/news/{item.pk}/approve/")
    item.refresh_from_db()
    assert (item.status, item.review_message) == (ReviewStatus.REJECTED, "Geen reclame")
    shop_page = client_for(make_owner(town["fashion"])).get("/shop/local/").content.decode()
    assert "Rejected: Geen reclame" in shop_page


def test_review_pages_are_for_management_only(town):
    item = Event.objects.get(slug="modeshow-najaar")
    owner = client_for(make_owner(town["fashion"]))
    assert owner.get("/management/local/").status_code == 403
    assert owner.post(f"/management/local/event/{item.pk}/approve/").status_code == 403
    assert Event.objects.get(pk=item.pk).status == ReviewStatus.PENDING


def test_report_counts_requests_per_partner_and_most_viewed_events(town, client):
    client.get("/api/local/shops/", {"partner": "vvv"})
    client.get("/api/local/events/", {"partner": "vvv"})
    client.get("/local/widget/", {"partner": "stadsapp"})
    client.get("/local/events.ics")
    for _ in range(3):
        client.get("/local/events/stadswandeling/")
    client.get("/local/events/weekmarkt-brink/")
    body = client_for(UserFactory(is_staff=True)).get("/management/local/report/").content.decode()
    table = body[body.index('id="channel-use"') : body.index('id="viewed-events"')]
    assert '<td>VVV Deventer</td><td>API</td><td class="text-right">2</td>' in table
    assert '<td>Stadsapp</td><td>Widget</td><td class="text-right">1</td>' in table
    assert "<td>No partner named</td><td>Feeds and open data</td>" in table
    viewed = body[body.index('id="viewed-events"') :]
    assert viewed.index("Stadswandeling") < viewed.index("Weekmarkt")
    assert '<td class="text-right">3</td>' in viewed


def test_a_shops_news_is_published_when_approved(town, client, monkeypatch):
    from datetime import timedelta

    from tests.conftest import set_clock

    owner = make_owner(town["fashion"])
    form = {"title": "Uitverkoop", "text": "Alles moet weg", "link": ""}
    assert client_for(owner).post("/shop/local/news/new/", form).status_code == 302
    item = NewsItem.objects.get(title="Uitverkoop")
    assert item.status == ReviewStatus.PENDING
    later = town["now"] + timedelta(hours=2)
    set_clock(monkeypatch, later)
    client_for(UserFactory(is_staff=True)).post(f"/management/local/news/{item.pk}/approve/")
    item.refresh_from_db()
    assert (item.status, item.published_at) == (ReviewStatus.APPROVED, later)
    assert "Uitverkoop" in client.get("/api/local/news/").content.decode()


def test_management_writes_events_in_the_admin_and_they_show_at_once(town, client):
    admin = client_for(UserFactory(is_staff=True, is_superuser=True))
    assert admin.get("/admin/localinfo/event/add/").status_code == 200
    response = admin.post(
        "/admin/localinfo/event/add/",
        {
            "title": "Kerstmarkt",
            "text": "<p>Op de Brink</p><img src=x onerror=alert(1)>",
            "starts_at_0": "2026-12-12",
            "starts_at_1": "10:00",
            "ends_at_0": "2026-12-12",
            "ends_at_1": "18:00",
            "recurrence": "",
            "address": "Brink",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="Kerstmarkt")
    assert (event.status, event.shop, event.slug) == (ReviewStatus.APPROVED, None, "kerstmarkt")
    assert event.text == "<p>Op de Brink</p>"
    assert client.get("/local/events/kerstmarkt/").status_code == 200
