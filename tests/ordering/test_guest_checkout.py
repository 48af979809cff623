"""Checkout without an account: e-mail and phone only, the order page by a signed link in
the e-mails, an account made from the order afterwards."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from legal.personal_data import orders_of
from legal.retention import remove_expired_personal_data, years_before
from logistics.emails import send_courier_next, send_part_failed
from logistics.models import OrderPart, PartStatus
from marketplace.ordering.emails import PART_EMAILS, send_late_payment, send_part_update
from marketplace.payments.models import Payment, PaymentStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner, make_slot, make_zone
from tests.logistics.test_rebooking import fail, world  # noqa: F401 - a fixture

Order = get_model("order", "Order")
User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)

GUEST = "gast@example.nl"
PASSWORD = "kaas-en-boeken-2026"


@pytest.fixture(autouse=True)
def fresh_counts():
    """The throttle's counts per e-mail are real: each test starts from none."""
    cache.clear()


@pytest.fixture
def town():
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    return {
        "books": books,
        "cheese": cheese,
        "novel": make_offer(books, price="19.95", on_hand=4, title="De stille stad"),
        "gouda": make_offer(cheese, price="12.50", on_hand=6, title="Oude Goudse"),
        "slot": make_slot(make_zone(pc4s=("7411",))),
        "books_owner": make_owner(books),
        "cheese_owner": make_owner(cheese),
    }


def guest_form(town, **changes):
    books, cheese = town["books"], town["cheese"]
    form = {
        f"method_{books.partner_id}": "collect",
        f"method_{cheese.partner_id}": "delivery",
        f"slot_{cheese.partner_id}": str(town["slot"].pk),
        "recipient_name": "Gea Gast",
        "address_line": "Walstraat 3",
        "postcode": "7411 AB",
        "city": "Deventer",
        "email": GUEST,
        "phone": "06 12345678",
    }
    return {**form, **changes}


def fill_basket(browser, town):
    browser.post(f"/basket/add-offer/{town['novel'].pk}/", {"quantity": "2"})
    browser.post(f"/basket/add-offer/{town['gouda'].pk}/", {"quantity": "1"})


def place_as_guest(town, browser=None, **changes):
    browser = browser or client_for()
    fill_basket(browser, town)
    response = browser.post("/checkout/", guest_form(town, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return browser, Order.objects.get(number=response["Location"].rstrip("/").split("/")[-1])


def pay(browser, order):
    response = browser.post(f"/checkout/test-payment/{order.number}/", {"action": "pay"})
    assert response["Location"] == f"/orders/{order.number}/"


def links_in(text: str, number: str) -> list[str]:
    """The order's addresses in an e-mail, as path and query (the test client's site)."""
    found = re.findall(r"https?://[^\s\"'<>]+", text)
    return [
        urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        for url in found
        if f"/orders/{number}/" in url
    ]


def mail_link(order) -> str:
    message = next(m for m in mail.outbox if order.number in m.subject and GUEST in m.to)
    (link,) = set(links_in(message.body, order.number))
    return link


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_a_signed_out_basket_offers_guest_checkout_beside_sign_in(town):
    browser = client_for()
    fill_basket(browser, town)
    page = browser.get("/basket/").content.decode()
    assert "Check out as guest" in page and "Sign in and check out" in page
    assert 'href="/accounts/login/?next=/checkout/"' in page
    checkout = browser.get("/checkout/")
    assert checkout.status_code == 200
    assert 'name="email"' in checkout.content.decode()


def test_a_guest_places_and_pays_with_e_mail_and_phone(town):
    browser, order = place_as_guest(town)

    assert order.user is None and order.guest_email == GUEST
    assert set(order.parts.values_list("phone", flat=True)) == {"06 12345678"}
    assert Reservation.objects.filter(state=ReservationState.ACTIVE).count() == 2
    pay(browser, order)
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert set(order.parts.values_list("status", flat=True)) == {PartStatus.PLACED}
    page = browser.get(f"/orders/{order.number}/").content.decode()
    assert "guest-order" in page and "guest-account-hint" in page
    # The link shown on the page and the one e-mailed both open the order.
    (placed,) = [m for m in mail.outbox if order.number in m.subject]
    assert placed.to == [GUEST]
    link = mail_link(order)
    assert "?t=m." in link and f'value="http://127.0.0.1/orders/{order.number}/?t=v.' in page


def test_the_guest_fields_are_checked_with_an_error_each(town):
    browser = client_for()
    fill_basket(browser, town)

    missing = browser.post("/checkout/", guest_form(town, email="", phone=""))
    wrong = browser.post("/checkout/", guest_form(town, email="gast@", phone="12ab"))

    assert missing.status_code == wrong.status_code == 200
    assert "Needed to order without an account: we send the order here." in missing.content.decode()
    assert "the shop or courier calls it if needed." in missing.content.decode()
    wrong_page = wrong.content.decode()
    assert "Enter an e-mail address like name@example.nl." in wrong_page
    assert "Enter a phone number of 10 to 15 digits" in wrong_page
    assert 'href="#id_email"' in wrong_page and 'href="#id_phone"' in wrong_page
    assert not Order.objects.exists() and not Reservation.objects.exists()


def test_guest_checkout_is_throttled_per_e_mail(town, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "guest_checkout_email": "1/hour"}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "g"}
    }
    browser = client_for()
    fill_basket(browser, town)
    browser.post("/checkout/", guest_form(town, phone=""))  # refused, and counted

    again = browser.post("/checkout/", guest_form(town))

    assert again.status_code == 429
    assert "Too many attempts" in again.content.decode()
    assert not Order.objects.exists()


def test_the_e_mailed_link_opens_the_order_in_another_browser(town):
    browser, order = place_as_guest(town)
    pay(browser, order)
    elsewhere = client_for()

    assert elsewhere.get(f"/orders/{order.number}/")["Location"].startswith("/accounts/login/")
    opened = elsewhere.get(mail_link(order))
    assert opened.status_code == 302 and opened["Location"] == f"/orders/{order.number}/"
    page = elsewhere.get(f"/orders/{order.number}/")
    assert page.status_code == 200 and "De stille stad" in page.content.decode()
    assert elsewhere.get(f"/payments/orders/{order.number}/pay/").status_code == 200


def test_an_unpaid_guest_order_is_paid_again_from_its_pages(town):
    browser, order = place_as_guest(town)
    assert browser.get(f"/checkout/test-payment/{order.number}/").status_code == 200
    again = browser.post(f"/payments/orders/{order.number}/pay/")
    assert again["Location"] == f"/checkout/test-payment/{order.number}/"
    pay(browser, order)


def test_a_wrong_link_or_another_person_gets_a_404(town):
    browser, order = place_as_guest(town)
    pay(browser, order)
    link = mail_link(order)
    other_browser, other = place_as_guest(town, email="ander@example.nl")
    token = link.split("?t=")[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    stranger = client_for()

    for address in (
        f"/orders/{order.number}/?t={tampered}",
        f"/orders/{order.number}/?t=v{token[1:]}",  # the mail signature as a view token
        f"/orders/{other.number}/?t={token}",  # this order's token on another order
        f"/orders/999999/?t={token}",
        f"/payments/orders/{order.number}/pay/?t={tampered}",
        f"/checkout/test-payment/{order.number}/?t=",
    ):
        assert stranger.get(address).status_code == 404, address
    signed_in = client_for(UserFactory(email="iemand@example.nl"))
    assert signed_in.get(f"/orders/{order.number}/").status_code == 404
    assert signed_in.get(f"/payments/orders/{order.number}/pay/").status_code == 404
    # The other guest's browser has its own order, not this one.
    assert other_browser.get(f"/orders/{order.number}/").status_code == 302


def test_every_order_e_mail_gives_the_guest_a_link_that_opens_the_order(town):
    browser, order = place_as_guest(town)
    pay(browser, order)
    collect = order.parts.get(shop=town["books"])
    delivery = order.parts.get(shop=town["cheese"])
    OrderPart.objects.filter(pk=collect.pk).update(status=PartStatus.READY)
    OrderPart.objects.filter(pk=delivery.pk).update(status=PartStatus.HANDED_OVER)
    mail.outbox.clear()
    for kind in sorted(PART_EMAILS):
        send_part_update(collect.pk, kind)
    send_part_failed(delivery.pk, "nobody home")
    send_courier_next(delivery.pk)
    send_late_payment(order.pk)

    to_guest = [m for m in mail.outbox if m.to == [GUEST]]
    assert len(to_guest) == len(PART_EMAILS) + 3
    receipt_links = 0
    for message in to_guest:
        links = set(links_in(html_of(message), order.number) + links_in(message.body, order.number))
        assert links, message.subject
        for link in links:
            assert "?t=m." in link, (message.subject, link)
            fresh = client_for()
            opened = fresh.get(link)
            assert opened.status_code == 302, (message.subject, link)
            followed = fresh.get(opened["Location"])
            assert followed.status_code == 200, (message.subject, link)
            receipt_links += link.split("?")[0].endswith(".pdf")
    assert receipt_links  # the "ready" e-mail's receipt opens as well
    to_shop = [m for m in mail.outbox if m.to != [GUEST]]
    assert to_shop and all("?t=" not in m.body + html_of(m) for m in to_shop)


def test_a_guest_makes_an_account_from_the_order_by_the_e_mailed_link(town):
    browser, order = place_as_guest(town)
    pay(browser, order)
    # An earlier guest order of the same e-mail, from another browser: not attached.
    _first_browser, earlier = place_as_guest(town, email=GUEST.upper())
    # Only the mailed link proves the mailbox: the page's own link does not offer it.
    refused = browser.post(f"/orders/{order.number}/account/", {"password1": PASSWORD})
    assert refused.status_code == 404 and not User.objects.filter(email=GUEST).exists()
    reader = client_for()
    reader.get(mail_link(order))
    page = reader.get(f"/orders/{order.number}/").content.decode()
    assert "guest-account-form" in page and f'value="{GUEST}" readonly' in page

    mismatch = reader.post(
        f"/orders/{order.number}/account/",
        {"password1": PASSWORD, "password2": "anders", "email": "kaper@example.nl"},
    )
    assert mismatch.status_code == 400 and not User.objects.filter(email=GUEST).exists()
    assert "guest-account-form" in mismatch.content.decode()
    made = reader.post(
        f"/orders/{order.number}/account/",
        {"password1": PASSWORD, "password2": PASSWORD, "email": "kaper@example.nl"},
    )

    assert made["Location"] == f"/orders/{order.number}/"
    user = User.objects.get(email=GUEST)
    assert not User.objects.filter(email="kaper@example.nl").exists()
    assert user.email == GUEST and user.check_password(PASSWORD)
    assert Order.objects.get(pk=order.pk).user == user
    assert Order.objects.get(pk=earlier.pk).user is None
    assert reader.get("/accounts/profile/").status_code == 200  # signed in
    assert [o["number"] for o in orders_of(user)] == [order.number]
    assert any(m.to == [GUEST] and "account" in m.subject.lower() for m in mail.outbox)
    # The old link now asks to sign in; signed in, the order is simply theirs.
    assert client_for().get(mail_link(order))["Location"].startswith("/accounts/login/")
    assert reader.get(f"/orders/{order.number}/").status_code == 200


def test_an_e_mail_with_an_account_signs_in_first_and_then_adds_the_order(town):
    owner = UserFactory(email=GUEST, username=GUEST)
    browser, order = place_as_guest(town)
    pay(browser, order)
    assert orders_of(owner) == []  # a guest order is nobody's until attached
    reader = client_for()
    reader.get(mail_link(order))
    page = reader.get(f"/orders/{order.number}/").content.decode()
    assert "guest-sign-in" in page and "guest-account-form" not in page
    reader.post(f"/orders/{order.number}/account/", {"password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.filter(email__iexact=GUEST).count() == 1
    assert Order.objects.get(pk=order.pk).user is None

    someone_else = client_for(UserFactory(email="ander@example.nl"))
    someone_else.get(mail_link(order))
    assert "guest-attach-form" not in someone_else.get(f"/orders/{order.number}/").content.decode()
    someone_else.post(f"/orders/{order.number}/account/")
    assert Order.objects.get(pk=order.pk).user is None

    reader.force_login(owner)  # signing in keeps what the session was given
    assert "guest-attach-form" in reader.get(f"/orders/{order.number}/").content.decode()
    added = reader.post(f"/orders/{order.number}/account/")

    assert added["Location"] == f"/orders/{order.number}/"
    assert Order.objects.get(pk=order.pk).user == owner
    assert [o["number"] for o in orders_of(owner)] == [order.number]


def test_retention_anonymises_an_old_guest_order_and_its_link_stops(town, settings):
    browser, order = place_as_guest(town)
    pay(browser, order)
    link = mail_link(order)
    placed = years_before(timezone.now(), settings.ORDER_RETENTION_YEARS) - timedelta(days=1)
    Order.objects.filter(pk=order.pk).update(date_placed=placed)

    assert remove_expired_personal_data()["orders_anonymised"] == 1

    assert Order.objects.get(pk=order.pk).guest_email == ""
    assert set(OrderPart.objects.filter(order=order).values_list("phone", flat=True)) == {""}
    assert client_for().get(link).status_code == 404


def test_a_guest_rebooks_a_failed_delivery_from_the_e_mailed_link(world):  # noqa: F811
    w = world
    part = w["part"]
    Order.objects.filter(pk=part.order_id).update(user=None, guest_email=GUEST)
    fail(w)
    mail.outbox.clear()
    send_part_failed(part.pk, "Shop was closed")
    (message,) = [m for m in mail.outbox if m.to == [GUEST]]
    (link,) = set(links_in(message.body, part.order.number))
    guest = client_for()
    guest.get(link)

    page = guest.post(
        f"/orders/{part.order.number}/parts/{part.pk}/rebook/",
        {"choice": str(w["new"].pk)},
        follow=True,
    )

    assert "Your delivery is rebooked for" in page.content.decode()
    assert OrderPart.objects.get(pk=part.pk).slot_id == w["new"].pk
    stranger = client_for(UserFactory())
    assert (
        stranger.post(
            f"/orders/{part.order.number}/parts/{part.pk}/rebook/", {"choice": "hub"}
        ).status_code
        == 404
    )


def test_the_address_filler_answers_a_guest_at_checkout_only(town):
    browser = client_for()
    house = {"postcode": "7411 AB", "house_number": "3"}
    assert browser.get("/checkout/address/", house)["Location"].startswith("/accounts/login/")
    fill_basket(browser, town)
    answer = browser.get("/checkout/address/", house)
    assert answer.status_code == 200 and answer.json() == {"found": False}  # no register here


def test_a_hostile_guest_e_mail_stays_text_on_the_order_page(town):
    hostile = '"<script>alert(1)</script>"@example.nl'
    browser, order = place_as_guest(town, email=hostile)
    pay(browser, order)
    page = browser.get(f"/orders/{order.number}/").content.decode()
    assert order.guest_email == hostile
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    (placed,) = [m for m in mail.outbox if order.number in m.subject]
    assert placed.to == [hostile] and "<script>" not in html_of(placed)
