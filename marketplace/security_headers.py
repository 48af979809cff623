"""The Content-Security-Policy and Permissions-Policy of every response (issue 15).

Everything the pages load (scripts, styles, fonts, map code, Oscar's dashboard included) is
served from our own site: jQuery, Leaflet and Chart.js live in static/vendor. Inline scripts
run only with the request's nonce (django-csp's `request.csp_nonce`); there are no inline
event handlers in our templates. Images may also come from the map's tile server and, when
media are linked on another host, from that host.
"""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

# Stripe Checkout is a page of Stripe's: our checkout form posts to us, and we redirect the
# consumer there. Browsers apply form-action to the redirect that follows a form post.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def origin_of(url: str) -> str | None:
    """The scheme and host of an absolute URL or URL template; None for a path on our site.
    A tile URL's "{s}" subdomain placeholder becomes a wildcard."""
    if not url or "://" not in url:
        return None
    parts = urlsplit(url.replace("{s}.", "*."))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(*, map_tile_url: str, media_url: str) -> dict:
    image_hosts = [origin for origin in (origin_of(map_tile_url), origin_of(media_url)) if origin]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            # Style attributes and elements: the templates' style="" attributes, the inline
            # <style> of the brand colours, and the style elements and attributes that
            # Leaflet's markers and Oscar's dashboard widgets (TinyMCE, select2, the date
            # picker) write at run time. Styles cannot run script; scripts stay strict.
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:", *image_hosts],
            "font-src": [SELF],
            "connect-src": [SELF],
            "manifest-src": [SELF],
            "worker-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-src": [NONE],
            "frame-ancestors": [NONE],
            "form-action": [SELF, STRIPE_CHECKOUT_ORIGIN],
        }
    }


# camera: the courier app photographs the delivered part; geolocation: the courier's map.
# payment: Stripe Checkout is Stripe's own page, so ours never use the Payment Request API.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": ["self"],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}
