"""Issue 15, item 3: sign-in lockout (django-axes) on the three login pages, registration
that says nothing about which addresses have an account, throttled registration and
password reset, and throttles on the POS push API and webhooks."""

import re

import pytest
from axes.utils import reset
from django.core import mail
from django.core.cache import cache
from django.test import Client

from inventory_sync.connections import connection_of, rotate_push_token
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.support.cache_down import cache_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's
LOCKED = "Too many failed sign-in attempts"
NEW_PASSWORD = "Kaas-en-boeken-42"  # noqa: S105 (a test's password)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def browser(address="127.0.0.1") -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def sign_in(client, page, email, password):
    if page == "/accounts/login/":
        data = {"login-username": email, "login-password": password, "login_submit": "1"}
    else:
        data = {"username": email, "password": password}
    return client.post(page, data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", ["/accounts/login/", "/dashboard/login/", "/admin/login/"])
def test_thirty_wrong_passwords_lock_the_account_from_that_address(page):
    user = UserFactory(is_staff=True, is_superuser=True)
    login = user.email if page == "/accounts/login/" else user.username
    attacker = browser()
    for attempt in range(30):
        response = sign_in(attacker, page, login, f"wrong-{attempt}")
        assert not signed_in(attacker)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    right = sign_in(attacker, page, login, PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert "Traceback" not in right.content.decode()
    assert not signed_in(attacker)

    # Locked per username and address: the owner at home still signs in.
    home = browser("192.0.2.10")
    assert sign_in(home, page, login, PASSWORD).status_code == 302
    assert signed_in(home)

    # After the cool-off (axes forgets the failures), the right password works again.
    reset(username=login.lower())
    assert sign_in(attacker, page, login, PASSWORD).status_code == 302
    assert signed_in(attacker)


def test_the_lockout_counts_the_address_in_any_case():
    user = UserFactory()
    attacker = browser()
    for attempt in range(30):
        sign_in(attacker, "/accounts/login/", user.email.upper(), f"wrong-{attempt}")
    response = sign_in(attacker, "/accounts/login/", user.email, PASSWORD)
    assert response.status_code == 429 and not signed_in(attacker)


def test_the_lockout_page_is_in_dutch_too():
    user = UserFactory()
    attacker = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="nl")
    for attempt in range(12):
        response = sign_in(attacker, "/accounts/login/", user.email, f"wrong-{attempt}")
    assert response.status_code == 429
    assert "Te veel mislukte pogingen om in te loggen" in response.content.decode()


def register(client, url, email):
    password = NEW_PASSWORD
    if url == "/accounts/login/":
        data = {
            "registration-email": email,
            "registration-password1": password,
            "registration-password2": password,
            "registration_submit": "1",
        }
    else:
        data = {"email": email, "password1": password, "password2": password}
    return client.post(url, data, follow=True)


@pytest.mark.parametrize("url", ["/accounts/register/", "/accounts/login/"])
def test_registration_answers_the_same_for_an_existing_and_a_new_address(url):
    existing = UserFactory(email="anna@stadsmarkt.test", username="anna@stadsmarkt.test")
    answers = []
    for email in ("anna@stadsmarkt.test", "bram@stadsmarkt.test"):
        response = register(browser(), url, email)
        page = re.sub(
            # Per request: the CSRF token, the clock and the CSP nonce.
            r'name="csrfmiddlewaretoken" value="[^"]+"|content="[^"]*\d\d:\d\d"|nonce="[^"]+"',
            "",
            response.content.decode().replace(email, "EMAIL"),
        )
        answers.append((response.status_code, response.redirect_chain, page))
        assert "already exists" not in page
        assert "We have sent an e-mail to EMAIL" in page
    assert answers[0] == answers[1]

    # The account holder learns someone tried; the new address gets its account.
    to_anna = [m for m in mail.outbox if m.to == [existing.email]]
    assert len(to_anna) == 1 and "already has an account" in to_anna[0].body
    assert "/password-reset/" in to_anna[0].body
    assert existing.__class__.objects.filter(email="bram@stadsmarkt.test").count() == 1
    assert existing.__class__.objects.filter(email__iexact="anna@stadsmarkt.test").count() == 1


def test_registration_is_throttled_per_email_and_per_address(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "register_email": "3/hour",
        "register_address": "5/hour",
    }
    for attempt in range(3):
        assert register(browser(f"192.0.2.{attempt}"), "/accounts/register/", "c@x.test")
    refused = register(browser("192.0.2.99"), "/accounts/register/", "c@x.test")
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()

    one_address = browser("198.51.100.7")
    statuses = [
        register(one_address, "/accounts/register/", f"n{i}@x.test").status_code for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_password_reset_is_throttled_per_email_and_per_address(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "password_reset_email": "3/hour",
        "password_reset_address": "5/hour",
    }
    user = UserFactory()
    for attempt in range(3):
        response = browser(f"192.0.2.{attempt}").post("/password-reset/", {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    refused = browser("192.0.2.99").post("/password-reset/", {"email": user.email})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert len(mail.outbox) == 3

    one_address = browser("198.51.100.7")
    statuses = [
        one_address.post("/password-reset/", {"email": f"n{i}@x.test"}).status_code
        for i in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def push(client, token, key):
    body = {"idempotency_key": key, "items": [{"sku": "none", "quantity": 1}]}
    return client.post(
        "/api/pos/stock/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_push_api_answers_429_past_the_rate_per_shop_and_per_address(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "pos_push_shop": "3/min",
        "pos_push_address": "5/min",
    }
    shop, other = ShopFactory(), ShopFactory()
    make_offer(shop)
    token, other_token = (rotate_push_token(connection_of(s)) for s in (shop, other))
    till = browser("192.0.2.1")
    assert [push(till, token, f"k{i}").status_code for i in range(3)] == [400] * 3
    throttled = push(till, token, "k4")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    # Another shop has its own count, from another address too.
    assert push(browser("192.0.2.2"), other_token, "k1").status_code == 400
    # Per address: one address pushing for many shops.
    hub = browser("198.51.100.1")
    tokens = [rotate_push_token(connection_of(ShopFactory())) for _ in range(6)]
    assert [push(hub, t, "h").status_code for t in tokens] == [400] * 5 + [429]


def test_webhooks_answer_429_past_the_rate_per_url_and_per_address(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "pos_webhook_shop": "3/min",
        "pos_webhook_address": "5/min",
    }
    url = "/api/pos/webhooks/shopify/unknown-key/"
    sender = browser("192.0.2.1")
    statuses = [
        sender.post(url, b"{}", content_type="application/json").status_code for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    other = browser("192.0.2.2")
    statuses = [
        other.post(
            f"/api/pos/webhooks/square/k{i}/", b"{}", content_type="application/json"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [404] * 5 + [429]


@pytest.mark.usefixtures("cache_down")
def test_a_cache_outage_lets_requests_through(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset_email": "1/hour"}
    user = UserFactory()
    for _ in range(3):
        assert browser().post("/password-reset/", {"email": user.email}).status_code == 302
