"""A shop's life cycle: apply, approve or reject, set up payouts, pause and reopen."""

import re
from datetime import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import include, path
from oscar.core.loading import get_model

import marketplace.urls
from logistics.models import PartStatus
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from shops import services
from shops.models import OpeningHours, Shop, ShopApplication, ShopStatus
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

User = get_user_model()
Partner = get_model("partner", "Partner")

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The project's URLs, with centre management's shop pages at management/shops/ even before
# marketplace/urls.py includes them (then this adds nothing).
urlpatterns = list(marketplace.urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "shop-management" for pattern in urlpatterns):
    urlpatterns.insert(0, path("management/shops/", include("shops.management_urls")))

APPLY_URL = "/shops/apply/"


def application_data(**changes) -> dict:
    data = {
        "name": "Boekhandel De Brink",
        "legal_name": "De Brink Boeken B.V.",
        "chamber_of_commerce_number": "12345678",
        "vat_number": "NL123456789B01",
        "street": "Brink 12",
        "postcode": "7411bt",
        "city": "Deventer",
        "contact_name": "Jan de Vries",
        "contact_email": "jan@debrink.test",
        "phone": "0570 123456",
        "kind": "books",
    }
    for day in range(6):  # Monday to Saturday 9:30-17:30, Sunday closed
        data.update(
            {f"day-{day}-is_open": "on", f"day-{day}-opens": "09:30", f"day-{day}-closes": "17:30"}
        )
    data.update(changes)
    return data


def apply(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(APPLY_URL, application_data(**changes))


def nothing_created():
    return not (
        Shop.objects.exists()
        or Partner.objects.exists()
        or ShopApplication.objects.exists()
        or OpeningHours.objects.exists()
        or mail.outbox
    )


@pytest.fixture
def staff(client):
    manager = UserFactory(is_staff=True)
    client.force_login(manager)
    return manager


@pytest.fixture
def applied_shop(client, django_capture_on_commit_callbacks):
    response = apply(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    mail.outbox.clear()
    return Shop.objects.get()


def post_action(client, shop, action, capture, **data):
    with capture(execute=True):
        return client.post(f"/management/shops/{shop.pk}/{action}/", data)


# --- applying -------------------------------------------------------------------------


def test_form_shows_every_field_and_the_seven_days(client):
    content = client.get(APPLY_URL).content.decode()
    for field in application_data():
        if not field.startswith("day-"):
            assert f'name="{field}"' in content
    assert all(f'name="day-{day}-closes"' in content for day in range(7))


def test_a_good_application_creates_the_shop_and_confirms_by_email(
    client, django_capture_on_commit_callbacks
):
    response = apply(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/shops/apply/thanks/"
    shop = Shop.objects.select_related("partner", "application").get()
    assert shop.partner.name == "Boekhandel De Brink"
    assert (shop.slug, shop.status, shop.kind) == (
        "boekhandel-de-brink",
        ShopStatus.APPLIED,
        "books",
    )
    assert (shop.legal_name, shop.chamber_of_commerce_number, shop.vat_number) == (
        "De Brink Boeken B.V.",
        "12345678",
        "NL123456789B01",
    )
    assert (shop.street, shop.postcode, shop.city) == ("Brink 12", "7411 BT", "Deventer")
    assert shop.phone == "+31 570 123 456"
    assert (shop.latitude, shop.longitude) == (Decimal("52.255100"), Decimal("6.159900"))
    assert (shop.application.contact_name, shop.application.contact_email) == (
        "Jan de Vries",
        "jan@debrink.test",
    )
    assert shop.application.decided_at is None
    assert list(shop.opening_hours.values_list("weekday", "opens", "closes")) == [
        (day, time(9, 30), time(17, 30)) for day in range(6)
    ]
    assert not shop.partner.users.exists()
    assert Partner.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["jan@debrink.test"]]
    assert "Boekhandel De Brink" in mail.outbox[0].subject
    assert "Centre management reviews your application" in mail.outbox[0].body


def test_a_second_shop_of_the_same_name_gets_its_own_slug(
    client, django_capture_on_commit_callbacks
):
    ShopFactory(slug="boekhandel-de-brink")
    apply(client, django_capture_on_commit_callbacks)
    assert Shop.objects.get(status=ShopStatus.APPLIED).slug == "boekhandel-de-brink-2"


def test_a_shop_called_apply_does_not_hide_the_form(client, django_capture_on_commit_callbacks):
    apply(client, django_capture_on_commit_callbacks, name="Apply")
    assert Shop.objects.get().slug == "apply-2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"chamber_of_commerce_number": "1234567"},
            "chamber_of_commerce_number",
            "A chamber of commerce (KvK) number has exactly 8 digits.",
        ),
        (
            {"chamber_of_commerce_number": "1234567a"},
            "chamber_of_commerce_number",
            "A chamber of commerce (KvK) number has exactly 8 digits.",
        ),
        (
            {"vat_number": "NL12345678B01"},
            "vat_number",
            "Enter a Dutch VAT number in the format NL123456789B01",
        ),
        ({"vat_number": "DE123456789"}, "vat_number", "NL123456789B01"),
        ({"postcode": "741 BT"}, "postcode", "Enter a Dutch postcode like &quot;1234 AB&quot;."),
        ({"postcode": "0411 BT"}, "postcode", "Enter a Dutch postcode like &quot;1234 AB&quot;."),
        ({"phone": "12"}, "phone", "Enter a valid phone number"),
        ({"contact_email": "jan@"}, "contact_email", "Enter a valid email address."),
        ({"kind": "casino"}, "kind", "Select a valid choice."),
        ({"name": ""}, "name", "This field is required."),
        (
            {"day-2-opens": "18:00", "day-2-closes": "09:00"},
            "day-2-closes",
            "The closing time must be after the opening time.",
        ),
        (
            {"day-4-closes": "09:30"},
            "day-4-closes",
            "The closing time must be after the opening time.",
        ),
        ({"day-0-opens": ""}, "day-0-opens", "Give the opening time, or untick Open."),
        ({"day-1-closes": "25:00"}, "day-1-closes", "Enter a valid time."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_creates_nothing(
    client, django_capture_on_commit_callbacks, changes, field, message
):
    response = apply(client, django_capture_on_commit_callbacks, **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    form = response.context["form"]
    days = {
        f"day-{day.weekday}-{name}": errors
        for day in response.context["days"]
        for name, errors in day.errors.items()
    }
    errors = {**form.errors, **days}
    assert list(errors) == [field]
    assert nothing_created()


def test_a_taken_kvk_number_is_refused_with_a_clear_message(
    client, django_capture_on_commit_callbacks
):
    ShopFactory(chamber_of_commerce_number="12345678")
    response = apply(client, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["chamber_of_commerce_number"]
    assert "This chamber of commerce (KvK) number is already registered." in (
        response.content.decode()
    )
    assert Shop.objects.count() == 1 and Partner.objects.count() == 1
    assert not ShopApplication.objects.exists() and not mail.outbox


def test_a_week_without_an_open_day_is_refused(client, django_capture_on_commit_callbacks):
    closed = {f"day-{day}-is_open": "" for day in range(7)}
    response = apply(client, django_capture_on_commit_callbacks, **closed)
    assert response.status_code == 400
    assert "Tick at least one day on which the shop is open." in response.content.decode()
    assert nothing_created()


def test_the_kvk_race_is_decided_by_the_database():
    """Two applications with one KvK number at once: the second gets the form's message."""
    ShopFactory(chamber_of_commerce_number="12345678")
    form_checked = services.Application(
        name="Tweede",
        legal_name="Tweede B.V.",
        chamber_of_commerce_number="12345678",
        vat_number="NL123456789B01",
        street="Brink 1",
        postcode="7411 BT",
        city="Deventer",
        contact_name="Piet",
        contact_email="piet@example.test",
        phone="+31 570 123 456",
        kind="books",
        hours=[(0, time(9), time(17))],
    )
    with pytest.raises(services.ApplicationRefused) as refused:
        services.submit_application(application=form_checked)
    assert refused.value.field == "chamber_of_commerce_number"
    assert Shop.objects.count() == 1 and not ShopApplication.objects.exists()


# --- approving ------------------------------------------------------------------------


def test_approval_makes_an_owner_who_sets_a_password_and_signs_in(
    client, staff, applied_shop, django_capture_on_commit_callbacks
):
    response = post_action(
        client, applied_shop, "approve", django_capture_on_commit_callbacks, message="Welkom!"
    )
    assert response.status_code == 302

    shop = Shop.objects.get(pk=applied_shop.pk)
    assert shop.status == ShopStatus.ACTIVE
    owner = User.objects.get(email="jan@debrink.test")
    assert (owner.first_name, owner.last_name) == ("Jan", "de Vries")
    assert not owner.has_usable_password() and not owner.is_staff
    assert list(shop.partner.users.all()) == [owner]
    # The shop works in /shop/; Oscar's dashboard (which shows whole orders) stays staff-only.
    assert not owner.has_perm("partner.dashboard_access")
    application = ShopApplication.objects.get(shop=shop)
    assert (application.decided_by, application.decision_message) == (staff, "Welkom!")
    assert application.decided_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jan@debrink.test"]
    assert "Welkom!" in message.body
    password_link = link_in(message.body, "/password-reset/confirm/")
    payout_link = link_in(message.body, "/shops/payouts/")
    assert payout_link == f"/shops/payouts/{shop.slug}/offline/"

    owner_browser = client_with_english(client)
    set_password = owner_browser.get(password_link, follow=True)
    assert set_password.status_code == 200
    form_url = set_password.redirect_chain[-1][0]
    done = owner_browser.post(
        form_url, {"new_password1": "Kaas-en-boeken-42", "new_password2": "Kaas-en-boeken-42"}
    )
    assert done.status_code == 302 and "/password-reset/complete/" in done["Location"]
    signed_in = owner_browser.post(
        "/accounts/login/",
        {
            "login-username": "jan@debrink.test",
            "login-password": "Kaas-en-boeken-42",
            "login_submit": "1",
        },
    )
    assert signed_in.status_code == 302
    assert owner_browser.get("/shop/orders/").status_code == 200


def test_the_payout_link_works_for_the_owner_only(
    client, staff, applied_shop, django_capture_on_commit_callbacks
):
    post_action(client, applied_shop, "approve", django_capture_on_commit_callbacks)
    payout_link = link_in(mail.outbox[0].body, "/shops/payouts/")
    owner = User.objects.get(email="jan@debrink.test")
    other_owner = make_owner(ShopFactory())

    client.force_login(other_owner)
    assert client.get(payout_link).status_code == 404
    assert client.post(payout_link).status_code == 404
    assert Shop.objects.get(pk=applied_shop.pk).stripe_account_id == ""

    client.logout()
    assert client.get(payout_link)["Location"].startswith("/accounts/login/")

    client.force_login(owner)
    assert client.get(payout_link).status_code == 200
    assert client.post(payout_link).status_code == 302
    expected = f"offline-{applied_shop.slug}"
    assert Shop.objects.get(pk=applied_shop.pk).stripe_account_id == expected
    assert expected in client.get(payout_link).content.decode()


def test_a_second_approval_changes_nothing(
    client, staff, applied_shop, django_capture_on_commit_callbacks
):
    post_action(client, applied_shop, "approve", django_capture_on_commit_callbacks, message="Ja")
    decided = ShopApplication.objects.values().get(shop=applied_shop)

    again = post_action(
        client, applied_shop, "approve", django_capture_on_commit_callbacks, message="Nog eens"
    )
    assert again.status_code == 302
    assert ShopApplication.objects.values().get(shop=applied_shop) == decided
    assert User.objects.filter(email="jan@debrink.test").count() == 1
    assert len(mail.outbox) == 1
    assert services.approve_shop(shop_id=applied_shop.pk, decided_by=staff, message="") is False
    assert services.reject_shop(shop_id=applied_shop.pk, decided_by=staff, message="Nee") is False
    assert Shop.objects.get(pk=applied_shop.pk).status == ShopStatus.ACTIVE


def test_approval_reuses_an_existing_account_of_that_email(
    client, staff, applied_shop, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="Jan@DeBrink.test", username="jan-klant")
    post_action(client, applied_shop, "approve", django_capture_on_commit_callbacks)

    assert list(Shop.objects.get(pk=applied_shop.pk).partner.users.all()) == [customer]
    assert User.objects.filter(email__iexact="jan@debrink.test").count() == 1
    assert customer.has_usable_password()  # their password still works
    assert "/password-reset/confirm/" not in mail.outbox[0].body
    assert "Sign in with your existing account" in mail.outbox[0].body


# --- rejecting ------------------------------------------------------------------------


def test_rejection_sends_the_message_and_closes_the_application(
    client, staff, applied_shop, django_capture_on_commit_callbacks
):
    reason = "We hebben al drie boekhandels in het centrum; probeer het volgend jaar weer."
    response = post_action(
        client, applied_shop, "reject", django_capture_on_commit_callbacks, message=reason
    )

    assert response.status_code == 302
    assert Shop.objects.get(pk=applied_shop.pk).status == ShopStatus.CLOSED
    assert not User.objects.filter(email="jan@debrink.test").exists()
    assert [message.to for message in mail.outbox] == [["jan@debrink.test"]]
    assert reason in mail.outbox[0].body
    assert ShopApplication.objects.get(shop=applied_shop).decision_message == reason


def test_rejection_needs_a_message(client, staff, applied_shop, django_capture_on_commit_callbacks):
    response = post_action(client, applied_shop, "reject", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "Tell the applicant why their shop is not approved." in response.content.decode()
    assert Shop.objects.get(pk=applied_shop.pk).status == ShopStatus.APPLIED
    assert not mail.outbox


# --- pausing and reopening ------------------------------------------------------------


@pytest.fixture
def shop_with_open_order():
    shop = ShopFactory(kind="cheese")
    owner = make_owner(shop)
    gouda = make_offer(shop, price="12.50", on_hand=5, title="Oude Goudse Paused Test")
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (gouda, 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    assert confirm_order_paid(order_id=order.pk, reference="t1") is True
    assert order.parts.get().status == PartStatus.PLACED
    return shop, owner, order


def test_pause_hides_the_shop_but_keeps_its_open_orders_and_reopen_brings_it_back(
    client, staff, shop_with_open_order, django_capture_on_commit_callbacks
):
    shop, owner, order = shop_with_open_order
    assert "Oude Goudse Paused Test" in client.get("/catalogue/").content.decode()

    assert post_action(client, shop, "pause", django_capture_on_commit_callbacks).status_code == 302
    assert Shop.objects.get(pk=shop.pk).status == ShopStatus.PAUSED
    assert "Oude Goudse Paused Test" not in client.get("/catalogue/").content.decode()
    assert client.get(shop.get_absolute_url()).status_code == 404
    assert shop.partner.name not in client.get("/shops/").content.decode()
    client.force_login(owner)
    assert order.number in client.get("/shop/orders/").content.decode()

    client.force_login(staff)
    assert post_action(client, shop, "pause", django_capture_on_commit_callbacks).status_code == 302
    assert Shop.objects.get(pk=shop.pk).status == ShopStatus.PAUSED  # second click: no change
    assert (
        post_action(client, shop, "reopen", django_capture_on_commit_callbacks).status_code == 302
    )
    assert Shop.objects.get(pk=shop.pk).status == ShopStatus.ACTIVE
    assert "Oude Goudse Paused Test" in client.get("/catalogue/").content.decode()
    assert client.get(shop.get_absolute_url()).status_code == 200
    client.force_login(owner)
    assert order.number in client.get("/shop/orders/").content.decode()


def test_only_applied_shops_can_be_decided_and_only_active_ones_paused():
    applied, closed = ShopFactory(status=ShopStatus.APPLIED), ShopFactory(status=ShopStatus.CLOSED)
    assert services.pause_shop(shop_id=applied.pk) is False
    assert services.reopen_shop(shop_id=applied.pk) is False
    assert services.reopen_shop(shop_id=closed.pk) is False
    assert services.approve_shop(shop_id=closed.pk, decided_by=None) is False
    assert set(Shop.objects.values_list("status", flat=True)) == {"applied", "closed"}


# --- management pages -----------------------------------------------------------------


def test_management_lists_applications_with_a_status_filter(client, staff, applied_shop):
    active = ShopFactory(partner__name="Kaashuis Actief")
    applications = client.get("/management/shops/").content.decode()
    assert "Boekhandel De Brink" in applications and "Kaashuis Actief" not in applications
    actives = client.get("/management/shops/?status=active").content.decode()
    assert "Kaashuis Actief" in actives and "Boekhandel De Brink" not in actives
    everything = client.get("/management/shops/?status=all").content.decode()
    assert "Kaashuis Actief" in everything and "Boekhandel De Brink" in everything
    detail = client.get(f"/management/shops/{applied_shop.pk}/").content.decode()
    assert "jan@debrink.test" in detail and "12345678" in detail
    assert client.get(f"/management/shops/{active.pk}/").status_code == 200


MANAGEMENT_PAGES = ["/management/shops/", "/management/shops/{pk}/"]
ACTIONS = ["approve", "reject", "pause", "reopen"]


def test_non_staff_get_no_access(client, applied_shop, django_capture_on_commit_callbacks):
    shop_owner = make_owner(ShopFactory())
    for page in MANAGEMENT_PAGES:
        url = page.format(pk=applied_shop.pk)
        assert client.get(url)["Location"].startswith("/accounts/login/")
    for action in ACTIONS:
        response = post_action(
            client, applied_shop, action, django_capture_on_commit_callbacks, message="x"
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    for user in (UserFactory(), shop_owner):
        client.force_login(user)
        for page in MANAGEMENT_PAGES:
            assert client.get(page.format(pk=applied_shop.pk)).status_code == 403
        for action in ACTIONS:
            response = post_action(
                client, applied_shop, action, django_capture_on_commit_callbacks, message="x"
            )
            assert response.status_code == 403
    assert Shop.objects.get(pk=applied_shop.pk).status == ShopStatus.APPLIED
    assert not ShopApplication.objects.filter(decided_at__isnull=False).exists()
    assert not mail.outbox


def test_actions_are_post_only_with_csrf(staff, applied_shop):
    from tests.conftest import client_for

    browser = client_for(staff, enforce_csrf_checks=True)
    url = f"/management/shops/{applied_shop.pk}/approve/"
    assert browser.get(url).status_code == 405
    assert browser.post(url, {"message": ""}).status_code == 403
    assert Shop.objects.get(pk=applied_shop.pk).status == ShopStatus.APPLIED


# --- helpers --------------------------------------------------------------------------


def link_in(body: str, path_start: str) -> str:
    """The path of the first link in an e-mail that starts with `path_start`."""
    match = re.search(re.escape(settings.SITE_URL + path_start) + r"\S*", body)
    assert match, f"no {path_start} link in the e-mail"
    return match.group(0).removeprefix(settings.SITE_URL)


def client_with_english(client):
    client.logout()
    return client
