"""The courier app: today's route on a phone, and the stop actions.

Only users with an active Courier get in (others 403). Every stop is looked up within the
signed-in courier's own routes, so another courier's stop id is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from shops.views import map_config

from . import fulfilments, route_pages
from .models import Courier, FulfilmentMethod, Route, RouteStop, StopKind, StopStatus


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
        rows = [route_pages.stop_row(stop) for stop in route_pages.stops_of(route)] if route else []
        closed, total = route_pages.progress([row.stop for row in rows])
        label = str(self.courier)
        return super().get_context_data(
            route=route,
            rows=rows,
            closed=closed,
            total=total,
            kinds=StopKind,
            pending=StopStatus.PENDING,
            map_routes=[
                route_pages.map_route(label=label, colour=route_pages.COLOURS[0], rows=rows)
            ],
            map_config=map_config(),
            map_label=_("Map of your route"),
            **kwargs,
        )


class StopActionView(CourierMixin, View):
    ACTIONS = {"picked-up", "delivered", "failed"}

    def get(self, request, pk, action):
        raise Http404  # actions are POSTs; a GET learns nothing, not even that the stop exists

    def post(self, request, pk, action):
        stop = get_object_or_404(
            RouteStop.objects.select_related("fulfilment"),
            pk=pk,
            route__courier=self.courier,
            fulfilment__isnull=False,
        )
        if action not in self.ACTIONS:
            raise Http404
        try:
            self.perform(stop, action, request.POST)
        except fulfilments.TransitionRefused as refused:
            messages.error(request, str(refused))
        return redirect(f"{reverse('courier:route')}#stop-{stop.pk}")

    def perform(self, stop: RouteStop, action: str, data) -> None:
        if stop.status != StopStatus.PENDING:
            raise fulfilments.TransitionRefused(_("This stop is already closed."))
        part = stop.fulfilment
        code = data.get("code", "")
        if action == "picked-up" and stop.kind == StopKind.PICKUP:
            fulfilments.pick_up(fulfilment_id=part.pk, courier_id=self.courier.pk, code=code)
            messages.success(self.request, _("Picked up."))
        elif action == "delivered" and part.method == FulfilmentMethod.HUB:
            fulfilments.drop_at_hub(fulfilment_id=part.pk, courier_id=self.courier.pk)
            messages.success(self.request, _("Left at the hub."))
        elif action == "delivered" and stop.kind == StopKind.DELIVERY:
            # mark_delivered closes this delivery stop in the same transaction.
            fulfilments.mark_delivered(fulfilment_id=part.pk, code=code)
            messages.success(self.request, _("Delivered."))
        elif action == "failed":
            reason = data.get("reason", "")
            fulfilments.mark_failed(
                fulfilment_id=part.pk, courier_id=self.courier.pk, reason=reason
            )
            messages.success(self.request, _("Recorded as failed; the consumer and shop are told."))
        else:
            raise fulfilments.TransitionRefused(_("That action does not fit this stop."))
