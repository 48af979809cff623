"""Centre management's view of the day's routes: all on one map, progress (polled live by
static/logistics/route_progress.js), unplanned and failed parts, a "Plan now" button, moving
stops to another courier and rebooking failed parts. Staff only: anonymous visitors sign
in, other users get a 403."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

from . import (
    dispatch,
    dispatch_inputs,
    part_states,
    reassign,
    rebooking,
    route_pages,
    route_progress,
    routing_checks,
)
from .models import (
    Courier,
    OrderPart,
    PartStatus,
    Route,
    RouteStatus,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from .travel_times import TravelTimeError

# The routing layer's reasons are plain English constants; these are what people read.
REASONS = {
    routing_checks.NO_COURIER: gettext_lazy("No courier on shift"),
    routing_checks.NO_CARGO_VEHICLE: gettext_lazy("Bulky, and no cargo bike or van on shift"),
    routing_checks.TOO_LARGE: gettext_lazy("Larger than any courier's capacity"),
    routing_checks.SHOP_CLOSED_TODAY: gettext_lazy("The shop is closed all day"),
    routing_checks.SHOP_CLOSED_BEFORE_READY: gettext_lazy(
        "The shop closes before the part is ready"
    ),
    routing_checks.DELIVERY_BEFORE_PICKUP: gettext_lazy(
        "The delivery slot ends before the part can be picked up"
    ),
    routing_checks.OUTSIDE_SHIFTS: gettext_lazy("Outside every courier's shift"),
    routing_checks.CARRIER_NOT_PLANNED: gettext_lazy(
        "The courier carrying it is no longer on shift"
    ),
    routing_checks.OUTSIDE_CARRIER_SHIFT: gettext_lazy(
        "The delivery slot is outside the shift of the courier carrying it"
    ),
    routing_checks.ASSIGNED_NOT_PLANNED: gettext_lazy(
        "Given by hand to a courier who is not on shift; move it to another"
    ),
    routing_checks.NO_FEASIBLE_ROUTE: gettext_lazy("No route fits the times and capacities"),
    dispatch_inputs.NO_ADDRESS: gettext_lazy("No coordinates for the delivery address"),
    dispatch_inputs.NOT_ON_A_ROUTE: gettext_lazy("Handed over outside a planned route"),
}


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
            km = number_format(route.distance_metres / 1000, 1)  # "4,2" in Dutch
            overview.append(
                {
                    "route": route,
                    "colour": colour,
                    "closed": closed,
                    "total": total,
                    "km": km,
                    "rows": rows,
                }
            )
            map_routes.append(
                route_pages.map_route(label=str(route.courier), colour=colour, rows=rows)
            )
        figures = {item.route_id: item for item in route_progress.figures_of(routes)}
        for item in overview:
            item["figures"] = figures_row(figures[item["route"].pk])
            item["pending"] = [
                row for row in item.pop("rows") if row.stop.status == StopStatus.PENDING
            ]
        unplanned = UnplannedPart.objects.filter(date=day).select_related(
            "part__order", "part__shop__partner", "part__slot"
        )
        return super().get_context_data(
            day=day,
            overview=overview,
            couriers=Courier.objects.filter(is_active=True).select_related("user").order_by("pk"),
            failed=failed_rows(),
            unplanned=[(item, REASONS.get(item.reason, item.reason)) for item in unplanned],
            map_routes=map_routes,
            map_config=route_pages.route_map_config(),
            map_class="routes-map-wide",
            map_label=_("Map of today's routes"),
            **kwargs,
        )


def figures_row(figures: route_progress.RouteFigures) -> dict:
    """A route's progress as the page and its JSON show it: texts ready to read."""
    last = figures.last_done_at
    return {
        "route": figures.route_id,
        "status": str(RouteStatus(figures.status).label),
        "done": f"{figures.closed} / {figures.total}",
        "last_done_at": timezone.localtime(last).strftime("%H:%M") if last else "–",
        "against_eta": against_eta(figures.delay_minutes),
    }


def against_eta(minutes: int | None) -> str:
    if minutes is None:
        return "–"
    if minutes > 0:
        return ngettext("%(n)s minute late", "%(n)s minutes late", minutes) % {"n": minutes}
    if minutes < 0:
        early = -minutes
        return ngettext("%(n)s minute early", "%(n)s minutes early", early) % {"n": early}
    return _("on time")


def failed_rows() -> list[dict]:
    """Failed parts waiting for a new slot, with the courier's reason and the choices."""
    now = timezone.now()
    return [
        {
            "part": part,
            "reason": rebooking.failure_reason(part),
            "choices": rebooking.choices_for(part, now=now),
        }
        for part in rebooking.failed_parts()
    ]


class ProgressView(StaffOnlyMixin, View):
    """Today's routes' progress figures, for the page to poll without reloading."""

    def get(self, request):
        routes = Route.objects.filter(date=timezone.localdate()).order_by("pk")
        rows = [figures_row(item) for item in route_progress.figures_of(routes)]
        return JsonResponse({"routes": rows, "at": timezone.localtime().strftime("%H:%M:%S")})


def posted_id(request, name: str) -> int:
    raw = request.POST.get(name, "")
    if not raw.isdigit():
        raise reassign.ReassignRefused(_("Choose an active courier."))
    return int(raw)


class MoveView(StaffOnlyMixin, View):
    """Moves a stop (with its pair) or a route's open stops to the courier posted."""

    def move(self, pk: int, courier_id: int) -> reassign.Moved:
        raise NotImplementedError

    def post(self, request, pk):
        try:
            moved = self.move(pk, posted_id(request, "courier"))
        except (RouteStop.DoesNotExist, Route.DoesNotExist) as missing:
            raise Http404 from missing
        except reassign.ReassignRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, moved_message(moved))
        return redirect("route-management:routes")


class MoveStopView(MoveView):
    def move(self, pk, courier_id):
        return reassign.move_stop(stop_id=pk, courier_id=courier_id)


class MoveRouteView(MoveView):
    def move(self, pk, courier_id):
        return reassign.move_route(route_id=pk, courier_id=courier_id)


def moved_message(moved: reassign.Moved) -> str:
    text = ngettext(
        "%(count)s stop moved to %(courier)s.", "%(count)s stops moved to %(courier)s.", moved.stops
    ) % {"count": moved.stops, "courier": moved.route.courier}
    if moved.kept:
        text += " " + ngettext(
            "%(count)s stop stays: its part is already picked up.",
            "%(count)s stops stay: their parts are already picked up.",
            moved.kept,
        ) % {"count": moved.kept}
    return text


class RebookView(StaffOnlyMixin, View):
    """Centre management rebooks a failed part for its consumer (by phone, say)."""

    def post(self, request, pk):
        try:
            slot_id, to_hub = rebooking.parse_choice(request.POST.get("choice", ""))
            part = rebooking.rebook_part(part_id=pk, slot_id=slot_id, to_hub=to_hub)
        except OrderPart.DoesNotExist as missing:
            raise Http404 from missing
        except rebooking.RebookingRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, rebooked_message(part))
        return redirect("route-management:routes")


def rebooked_message(part: OrderPart) -> str:
    slot = part.slot
    if slot is None:
        return _("Order %(number)s: to be collected at the hub.") % {"number": part.order.number}
    return _("Order %(number)s: delivery rebooked for %(slot)s.") % {
        "number": part.order.number,
        "slot": f"{date_format(slot.date, 'l j F')} {slot.starts:%H:%M}",
    }


class PlanNowView(StaffOnlyMixin, View):
    def post(self, request):
        now = timezone.now()
        try:
            # Inside a web request: a smaller cap than the beat's, well within the worker's
            # timeout; the beat's next run plans with the full budget.
            summary = dispatch.plan_day(
                day=timezone.localdate(now), now=now, cap=settings.PLAN_NOW_TIME_LIMIT
            )
        except TravelTimeError as error:
            messages.error(request, _("Planning failed: %(error)s") % {"error": error})
        else:
            messages.success(request, plan_message(summary))
        return redirect("route-management:routes")


def plan_message(summary) -> str:
    """ "Planned 3 parts on 1 route; 0 not planned." with each count's own plural."""
    parts = ngettext("%(count)s part", "%(count)s parts", summary.planned) % {
        "count": summary.planned
    }
    routes = ngettext("%(count)s route", "%(count)s routes", summary.routes) % {
        "count": summary.routes
    }
    return _("Planned %(parts)s on %(routes)s; %(unplanned)s not planned.") % {
        "parts": parts,
        "routes": routes,
        "unplanned": summary.unplanned,
    }


class HubView(StaffOnlyMixin, TemplateView):
    """The hub's counter: parts waiting for their consumer, handed over on the consumer's code."""

    template_name = "logistics/management_hub.html"

    def get_context_data(self, **kwargs):
        waiting = (
            OrderPart.objects.filter(status=PartStatus.AT_HUB)
            .select_related("order__user", "shop__partner")
            .order_by("at_hub_at")
        )
        return super().get_context_data(waiting=waiting, **kwargs)

    def post(self, request):
        part_id = request.POST.get("part", "")
        if not part_id.isdigit():
            raise Http404
        try:
            part_states.collect_at_hub(part_id=int(part_id), code=request.POST.get("code", ""))
            messages.success(request, _("Handed to the consumer."))
        except part_states.TransitionRefused as refused:
            messages.error(request, str(refused))
        return redirect("route-management:hub")
