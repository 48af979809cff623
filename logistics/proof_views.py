"""The courier app's installable parts (web app manifest, service worker) and the delivery
proof photo, which only the order's consumer, the part's shop and staff may see."""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.order_links import granted_kind
from shops.selectors import shop_of_user

from .models import DeliveryProof

THEME_COLOUR = "#0072B2"  # the first route colour (logistics.route_pages.COLOURS)
ICON_SIZES = (192, 512)
# Kept on the phone from the first visit on; the rest of what the route page loads is stored
# when the page tells the worker (static/logistics/courier_app.js).
PRECACHE = [
    "logistics/courier_app.js",
    "logistics/courier_app.css",
    "logistics/routes.css",
    "logistics/routes_map.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
]


def may_see_proof(user, proof: DeliveryProof, session=None) -> bool:
    part = proof.part
    if session is not None and not part.order.user_id:
        # A guest's order: the session given it by its link or its checkout.
        return granted_kind(session, part.order.number) is not None
    if not user.is_authenticated:
        return False
    if user.is_staff or part.order.user_id == user.pk:
        return True
    shop = shop_of_user(user=user)
    return shop is not None and shop.pk == part.shop_id


class ProofPhotoView(View):
    """The photo through Django, so the permission check cannot be skipped; anyone else
    gets the same 404 as for a proof that does not exist (signed out: the sign-in page,
    unless the session holds the guest order)."""

    def get(self, request, pk):
        proof = (
            DeliveryProof.objects.select_related("part__order")
            .exclude(photo="")
            .filter(pk=pk)
            .first()
        )
        if proof is None or not may_see_proof(request.user, proof, request.session):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        response = FileResponse(proof.photo.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response


def manifest(request):
    """The web app manifest: the courier page installs as an app that opens on the route."""
    route = reverse("courier:route")
    icons = [
        {
            "src": static(f"logistics/icons/courier-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in ICON_SIZES
    ]
    body = {
        "name": _("%(brand)s courier") % {"brand": settings.OSCAR_SHOP_NAME},
        "short_name": _("Courier"),
        "description": _("Today's route: pickups at shops and deliveries, also offline."),
        "lang": get_language(),
        "start_url": route,
        "scope": route,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return JsonResponse(
        body,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


class ServiceWorkerView(TemplateView):
    """Served under /courier/ (not /static/) so its scope covers the courier pages; never
    cached by the browser's HTTP cache, so a new deploy's worker is picked up at once."""

    template_name = "logistics/courier_sw.js"
    content_type = "application/javascript"

    def get_context_data(self, **kwargs):
        precache = [static(path) for path in PRECACHE]
        # A deploy renames static files (hashed names in production): a new cache then.
        version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
        values = {
            "cache_name": f"courier-{version}",
            "route_url": reverse("courier:route"),
            "precache": precache,
        }
        # JSON is valid JavaScript; json.dumps escapes nothing HTML, so the template must not.
        as_js = {name: mark_safe(json.dumps(value)) for name, value in values.items()}  # noqa: S308
        return super().get_context_data(**as_js, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-cache"
        response["Service-Worker-Allowed"] = reverse("courier:route")
        return response
