"""Which addresses we call for a shop's POS: https, the vendor's own hosts, public addresses.

A shop types its POS address; the server calls it with the shop's token. Without these checks
a shop could make the server call anything it can reach (loopback, the private network, cloud
metadata) and read the status back (issue 15). So:

- the form refuses anything but https to the vendor's own API hosts for the kind, and IP
  literals; the host must resolve to public addresses only;
- every call checks the URL again (page links included) and the peer it actually connected
  to, so a DNS answer that changes after the form (rebinding) still cannot reach inside.

Tests run fake POS servers on loopback http: settings.POS_ALLOWED_TEST_HOSTS (test settings
only) names those hosts, and only those skip the checks.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# The vendors' documented API hosts: exact names, and suffixes for per-store subdomains.
VENDOR_HOSTS = {
    # https://shopify.dev/docs/api/admin-rest: https://{store}.myshopify.com/admin/api/...
    "shopify": {"exact": (), "suffixes": (".myshopify.com",)},
    # https://developer.squareup.com/docs/build-basics/access-tokens: production and sandbox
    "square": {"exact": ("connect.squareup.com", "connect.squareupsandbox.com"), "suffixes": ()},
    # R-Series: api.lightspeedapp.com; X-Series: https://{domain_prefix}.retail.lightspeed.app
    # (formerly {domain_prefix}.vendhq.com)
    "lightspeed": {
        "exact": ("api.lightspeedapp.com",),
        "suffixes": (".retail.lightspeed.app", ".vendhq.com"),
    },
}


class UnsafeAddress(ValueError):
    """The address is not one we call; the message is for the shop, translated."""


def test_hosts() -> frozenset[str]:
    return frozenset(h.lower() for h in getattr(settings, "POS_ALLOWED_TEST_HOSTS", ()))


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def vendor_host_allowed(kind: str, host: str) -> bool:
    hosts = VENDOR_HOSTS.get(kind)
    if not hosts:
        return False
    return host in hosts["exact"] or any(
        host.endswith(suffix) and len(host) > len(suffix) for suffix in hosts["suffixes"]
    )


def check_url(url: str, kind: str) -> None:
    """Scheme, host and vendor; raises UnsafeAddress. No network."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018  (a bad port raises ValueError)
    except ValueError as error:
        raise UnsafeAddress(_("This is not a valid address.")) from error
    if host in test_hosts():
        return
    if parts.scheme != "https":
        raise UnsafeAddress(_("The address must start with https://."))
    if not host or _is_ip_literal(host):
        raise UnsafeAddress(_("Use your till system's own host name, not an IP address."))
    if parts.username or parts.password:
        raise UnsafeAddress(_("The address may not contain a user name or password."))
    if not vendor_host_allowed(kind, host):
        raise UnsafeAddress(
            _("This is not an address of %(kind)s; use the address your till system gives.")
            % {"kind": kind.capitalize()}
        )


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_resolves_public(host: str, port: int = 443) -> None:
    """Every address the host resolves to must be public; raises UnsafeAddress."""
    if host.lower() in test_hosts():
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeAddress(_("This address cannot be found.")) from error
    if not infos or not all(is_public(str(info[4][0])) for info in infos):
        raise UnsafeAddress(_("This address points to a private or local network."))


def check_address(url: str, kind: str) -> None:
    """The form's check: check_url, then resolution."""
    check_url(url, kind)
    parts = urlsplit(url)
    check_resolves_public(parts.hostname or "", parts.port or 443)


# --- at connect time ---------------------------------------------------------------------


class PeerNotAllowed(OSError):
    pass


def _checked(sock, host: str):
    if host.lower() in test_hosts():
        return sock
    peer = sock.getpeername()[0]
    if not is_public(peer):
        sock.close()
        raise PeerNotAllowed(f"connected peer {peer} is not a public address")
    return sock


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _checked(super()._new_conn(), self.host)


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        return _checked(super()._new_conn(), self.host)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """Refuses a connection whose peer is not a public address (after DNS, so rebinding
    cannot help), except to the test-only hosts."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }
