"""The courier app: today's route on a phone, and the stop actions.

Only users with an active Courier get in (others 403). Every stop is looked up within the
signed-in courier's own routes, so another courier's stop id is a 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import (
    courier_offline,
    delivery_proof,
    handover,
    part_states,
    return_pickups,
    route_changes,
    route_pages,
)
from .models import Courier, PartMethod, Route, RouteStop, StopKind, StopStatus


class CourierMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.courier = Courier.objects.filter(user=request.user, is_active=True).first()
            if self.courier is None:
                raise PermissionDenied(_("This page is for couriers."))
        return super().dispatch(request, *args, **kwargs)


class CourierRouteView(CourierMixin, TemplateView):
    template_name = "logistics/courier_route.html"

    def get_context_data(self, **kwargs):
        route = Route.objects.filter(courier=self.courier, date=timezone.localdate()).first()
        stops = route_pages.stops_of(route) if route else []
        rows = route_pages.rows_of(stops)
        changes = route_changes.changes_since_seen(route, stops) if route else []
        closed, total = route_pages.progress([row.stop for row in rows])
        label = str(self.courier)
        return super().get_context_data(
            route=route,
            rows=rows,
            row_tags=[row.message_tag for row in rows],
            changes=changes,
            closed=closed,
            total=total,
            kinds=StopKind,
            pending=StopStatus.PENDING,
            map_routes=[
                route_pages.map_route(label=label, colour=route_pages.COLOURS[0], rows=rows)
            ],
            map_config=route_pages.route_map_config(),
            map_label=_("Map of your route"),
            **kwargs,
        )


class StopActionView(CourierMixin, View):
    ACTIONS = {"picked-up", "delivered", "failed"}

    def get(self, request, pk, action):
        raise Http404  # actions are POSTs; a GET learns nothing, not even that the stop exists

    def post(self, request, pk, action):
        stop = get_object_or_404(
            RouteStop.objects.select_related("part", "route"),
            Q(part__isnull=False) | Q(return_pickup__isnull=False),
            pk=pk,
            route__courier=self.courier,
        )
        if action not in self.ACTIONS:
            raise Http404
        # Sent again under the same key (the app's offline queue), it acts only once.
        outcome = courier_offline.perform_once(
            request,
            courier=self.courier,
            stop=stop,
            action=action,
            perform=lambda: self.perform(stop, action, request.POST),
        )
        # Tagged with the stop, so the page shows it in the stop's card, where the courier is.
        return courier_offline.answer(request, outcome, stop=stop)

    def perform(self, stop: RouteStop, action: str, data) -> str:
        """Does the action; returns the message for the courier."""
        if stop.status != StopStatus.PENDING:
            raise part_states.TransitionRefused(_("This stop is already closed."))
        if stop.return_pickup_id is not None and action in {"picked-up", "delivered"}:
            return return_pickups.close_stop(stop)
        if stop.return_pickup_id is not None:
            return return_pickups.fail_stop(stop, reason=data.get("reason", ""))
        part = stop.part
        assert part is not None  # every other stop is planned from an order part
        code = data.get("code", "")
        if action == "picked-up" and stop.kind == StopKind.PICKUP:
            return handover.pick_up_at_shop(
                courier_id=self.courier.pk, shop_id=part.shop_id, code=code, route=stop.route
            )
        if action == "delivered" and part.method == PartMethod.HUB:
            part_states.drop_at_hub(part_id=part.pk, courier_id=self.courier.pk)
            return _("Left at the hub.")
        if action == "delivered" and stop.kind == StopKind.DELIVERY:
            # Delivered on the code, or with a neighbour or at the safe place on proof; this
            # closes the delivery stop in the same transaction.
            given = delivery_proof.proof_input(data, self.request.FILES)
            delivery_proof.deliver_with_proof(part=part, courier=self.courier, given=given)
            return _("Delivered.")
        if action == "failed":
            reason = data.get("reason", "")
            for part_id in handover.parts_of_stop(stop):
                part_states.mark_failed(part_id=part_id, courier_id=self.courier.pk, reason=reason)
            return _("Recorded as failed; the consumer and shop are told.")
        raise part_states.TransitionRefused(_("That action does not fit this stop."))
