"""The pickup hand-over's pages: the QR code on the shop's side, the scanned code on the
courier's side (logistics.handover holds the rules)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from marketplace.qr import qr_png
from shops.access import ShopMixin

from . import handover, part_states
from .courier_views import CourierMixin


def scan_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("courier:pickup-code", args=[code]))


class HandoverQrView(ShopMixin, View):
    """The QR code of a courier's hand-over at this shop: it opens the courier app on the
    code, so the courier's phone camera is the scanner."""

    def get(self, request, route_id):
        found = [
            h for h in handover.handovers_of_shop(shop_id=self.shop.pk) if h.route.pk == route_id
        ]
        if not found:
            raise Http404
        response = HttpResponse(qr_png(scan_url(request, found[0].code)), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response


class PickupCodeView(CourierMixin, View):
    """Opened by scanning the shop's QR code (or typing its address): one button confirms."""

    template_name = "logistics/courier_pickup_code.html"

    def get(self, request, code):
        return render(request, self.template_name, {"code": code[:12]})

    def post(self, request, code):
        try:
            done = handover.pick_up_by_code(courier_id=self.courier.pk, code=code)
        except part_states.TransitionRefused as refused:
            messages.error(request, str(refused))
            return render(request, self.template_name, {"code": code[:12]}, status=400)
        messages.success(request, done)
        return redirect("courier:route")
