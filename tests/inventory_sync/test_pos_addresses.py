"""A shop's POS address cannot make the server call anything but the vendor (issue 15,
item 4): https only, the vendor's own hosts, no IP literals, no private or loopback address
after resolution, checked in the form and again at every call. The fake POS servers of the
other tests are on loopback http, allowed by POS_ALLOWED_TEST_HOSTS in the test settings
only; here that allowance is taken away."""

import socket

import pytest

from inventory_sync.connectors.http import not_reached
from inventory_sync.models import ConnectionStatus, PosKind, SyncOutcome
from inventory_sync.polling import poll_connection
from inventory_sync.shop_forms import ConnectionSettingsForm
from tests.factories import ShopFactory, make_owner

from .fake_pos import RunningPos
from .pos_helpers import connect


def resolving_to(monkeypatch, address: str):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


@pytest.fixture
def no_test_hosts(settings):
    settings.POS_ALLOWED_TEST_HOSTS = []


def form_error(kind: str, url: str) -> str | None:
    form = ConnectionSettingsForm({"base_url": url}, kind=kind)
    return None if form.is_valid() else form.errors["base_url"][0]


@pytest.mark.parametrize(
    "kind, url",
    [
        (PosKind.SHOPIFY, "http://winkel.myshopify.com"),  # not https
        (PosKind.SHOPIFY, "https://127.0.0.1"),  # an IP literal
        (PosKind.SHOPIFY, "https://[::1]:8443"),
        (PosKind.SHOPIFY, "https://169.254.169.254/latest"),
        (PosKind.SHOPIFY, "https://example.com"),  # not the vendor's host
        (PosKind.SHOPIFY, "https://myshopify.com.evil.example"),
        (PosKind.SQUARE, "https://winkel.myshopify.com"),  # another vendor's host
        (PosKind.LIGHTSPEED, "https://lightspeedapp.com.evil.example"),
        (PosKind.FILE, "https://winkel.myshopify.com"),  # a kind we never call
    ],
)
def test_the_form_refuses_addresses_that_are_not_the_vendors(monkeypatch, no_test_hosts, kind, url):
    resolving_to(monkeypatch, "23.227.38.65")  # a public address: only the URL is wrong
    assert form_error(kind, url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "::1", "fd00::1"])
def test_the_form_refuses_a_vendor_host_that_resolves_inside(monkeypatch, no_test_hosts, address):
    resolving_to(monkeypatch, address)
    assert form_error(PosKind.SHOPIFY, "https://winkel.myshopify.com") == (
        "This address points to a private or local network."
    )


@pytest.mark.parametrize(
    "kind, url",
    [
        (PosKind.SHOPIFY, "https://winkel.myshopify.com"),
        (PosKind.SHOPIFY, "winkel.myshopify.com"),  # https assumed
        (PosKind.SQUARE, "https://connect.squareupsandbox.com"),
        (PosKind.LIGHTSPEED, "https://api.lightspeedapp.com"),
        (PosKind.LIGHTSPEED, "https://winkel.retail.lightspeed.app"),
    ],
)
def test_the_form_accepts_the_vendors_own_hosts(monkeypatch, no_test_hosts, kind, url):
    resolving_to(monkeypatch, "23.227.38.65")
    assert form_error(kind, url) is None


@pytest.mark.django_db
def test_the_connection_page_refuses_a_loopback_address_and_saves_nothing(client, no_test_hosts):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, base_url="", location_id="9")
    client.force_login(make_owner(shop))
    client.post(
        "/shop/stock/connection/",
        {"action": "settings", "base_url": "http://127.0.0.1:8000/admin/", "location_id": "9"},
    )
    connection.refresh_from_db()
    assert connection.settings.get("base_url") == ""


@pytest.mark.django_db
def test_the_poller_does_not_call_a_stored_loopback_address(no_test_hosts):
    """An address saved before the checks (or written around the form) is still refused
    when the poll is about to call it: the fake POS hears nothing and gets no token."""
    with RunningPos() as pos:
        connection = connect(ShopFactory(), PosKind.SHOPIFY, base_url=pos.url, location_id="9")

        log = poll_connection(connection_id=connection.pk)

        assert pos.requests == []
    connection.refresh_from_db()
    assert log.outcome == SyncOutcome.FAILED
    assert connection.status == ConnectionStatus.FAILING
    assert "127.0.0.1" not in connection.last_error and "admin" not in connection.last_error


@pytest.mark.django_db
def test_the_poller_refuses_a_vendor_host_that_resolves_to_loopback(monkeypatch, no_test_hosts):
    """DNS rebinding: the host looked public when the form checked it, and resolves to
    loopback when the poll connects. The peer is checked on the socket itself."""
    with RunningPos() as pos:
        port = int(pos.url.rsplit(":", 1)[1])
        real_getaddrinfo = socket.getaddrinfo

        def rebinding(host, *args, **kwargs):
            if host == "winkel.myshopify.com":
                return real_getaddrinfo("127.0.0.1", *args, **kwargs)
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        connection = connect(
            ShopFactory(),
            PosKind.SHOPIFY,
            base_url=f"https://winkel.myshopify.com:{port}",
            location_id="9",
        )

        log = poll_connection(connection_id=connection.pk)

    connection.refresh_from_db()
    assert log.outcome == SyncOutcome.FAILED
    assert pos.requests == []
    assert connection.last_error != not_reached()  # refused by us, not "no answer"
