"""Centre management's view of the day's routes: all on one map, progress, unplanned parts,
and a "Plan now" button. Staff only: anonymous visitors sign in, other users get a 403."""

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from shops.views import map_config

from . import dispatch, dispatch_inputs, fulfilments, route_pages, routing_checks
from .models import Fulfilment, FulfilmentStatus, Route, UnplannedPart
from .travel_times import TravelTimeError

# The routing layer's reasons are plain English constants; these are what people read.
REASONS = {
    routing_checks.NO_COURIER: gettext_lazy("No courier on shift"),
    routing_checks.NO_CARGO_VEHICLE: gettext_lazy("Bulky, and no cargo bike or van on shift"),
    routing_checks.TOO_LARGE: gettext_lazy("Larger than any courier's capacity"),
    routing_checks.SHOP_CLOSED_TODAY: gettext_lazy("The shop is closed all day"),
    routing_checks.SHOP_CLOSED_BEFORE_READY: gettext_lazy(
        "The shop closes before the parcel is ready"
    ),
    routing_checks.DELIVERY_BEFORE_PICKUP: gettext_lazy(
        "The delivery slot ends before the parcel can be picked up"
    ),
    routing_checks.OUTSIDE_SHIFTS: gettext_lazy("Outside every courier's shift"),
    routing_checks.CARRIER_NOT_PLANNED: gettext_lazy(
        "The courier carrying it is no longer on shift"
    ),
    routing_checks.OUTSIDE_CARRIER_SHIFT: gettext_lazy(
        "The delivery slot is outside the shift of the courier carrying it"
    ),
    routing_checks.NO_FEASIBLE_ROUTE: gettext_lazy("No route fits the times and capacities"),
    dispatch_inputs.NO_ADDRESS: gettext_lazy("No coordinates for the delivery address"),
    dispatch_inputs.NOT_ON_A_ROUTE: gettext_lazy("Handed over outside a planned route"),
}


class StaffOnlyMixin(UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_authenticated and self.request.user.is_staff


class RoutesView(StaffOnlyMixin, TemplateView):
    template_name = "logistics/management_routes.html"

    def get_context_data(self, **kwargs):
        day = timezone.localdate()
        routes = Route.objects.filter(date=day).select_related("courier__user").order_by("pk")
        overview, map_routes = [], []
        for number, route in enumerate(routes):
            colour = route_pages.COLOURS[number % len(route_pages.COLOURS)]
            stops = route_pages.stops_of(route)
            rows = [route_pages.stop_row(stop) for stop in stops]
            closed, total = route_pages.progress(stops)
            km = f"{route.distance_metres / 1000:.1f}"
            overview.append(
                {"route": route, "colour": colour, "closed": closed, "total": total, "km": km}
            )
            map_routes.append(
                route_pages.map_route(label=str(route.courier), colour=colour, rows=rows)
            )
        unplanned = UnplannedPart.objects.filter(date=day).select_related(
            "fulfilment__order", "fulfilment__shop__partner", "fulfilment__slot"
        )
        return super().get_context_data(
            day=day,
            overview=overview,
            unplanned=[(item, REASONS.get(item.reason, item.reason)) for item in unplanned],
            map_routes=map_routes,
            map_config=map_config(),
            map_class="routes-map-wide",
            map_label=_("Map of today's routes"),
            **kwargs,
        )


class PlanNowView(StaffOnlyMixin, View):
    def post(self, request):
        now = timezone.now()
        try:
            summary = dispatch.plan_day(day=timezone.localdate(now), now=now)
        except TravelTimeError as error:
            messages.error(request, _("Planning failed: %(error)s") % {"error": error})
        else:
            messages.success(
                request,
                _("Planned %(planned)s parts on %(routes)s routes; %(unplanned)s not planned.")
                % {
                    "planned": summary.planned,
                    "routes": summary.routes,
                    "unplanned": summary.unplanned,
                },
            )
        return redirect("route-management:routes")


class HubView(StaffOnlyMixin, TemplateView):
    """The hub's counter: parts waiting for their consumer, handed over on the consumer's code."""

    template_name = "logistics/management_hub.html"

    def get_context_data(self, **kwargs):
        waiting = (
            Fulfilment.objects.filter(status=FulfilmentStatus.AT_HUB)
            .select_related("order__user", "shop__partner")
            .order_by("at_hub_at")
        )
        return super().get_context_data(waiting=waiting, **kwargs)

    def post(self, request):
        part_id = request.POST.get("part", "")
        if not part_id.isdigit():
            raise Http404
        try:
            fulfilments.collect_at_hub(
                fulfilment_id=int(part_id), code=request.POST.get("code", "")
            )
            messages.success(request, _("Handed to the consumer."))
        except fulfilments.TransitionRefused as refused:
            messages.error(request, str(refused))
        return redirect("route-management:hub")
