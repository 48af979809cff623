"""The shop's side of its order parts: list, detail, accept, reject, ready, hand over.

Every query is scoped to the signed-in user's shop; another shop's part is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from marketplace.throttling import over_rate
from shops.access import ShopMixin

from . import handover, part_states, shop_today
from .models import MAX_PART_LITRES, OrderPart, PartMethod, PartStatus

OPEN = [PartStatus.PLACED, PartStatus.ACCEPTED, PartStatus.READY]


class ShopPartsMixin(ShopMixin):
    """The shop's own order parts, once paid."""

    def parts(self):
        return (
            OrderPart.objects.filter(shop=self.shop)
            .exclude(status=PartStatus.PENDING_PAYMENT)
            .select_related("order", "slot")
        )


class PartListView(ShopPartsMixin, ListView):
    template_name = "logistics/shop_parts.html"
    context_object_name = "parts"
    paginate_by = 50

    def get_queryset(self):
        done = self.request.GET.get("show") == "done"
        parts = self.parts()
        parts = parts.exclude(status__in=OPEN) if done else parts.filter(status__in=OPEN)
        parts = parts.select_related("order__user").prefetch_related("stops", "order__lines")
        return parts.order_by("-placed_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return super().get_context_data(
            tasks=shop_today.tasks_of(context["parts"]),
            shop=self.shop,
            show_done=self.request.GET.get("show") == "done",
            handovers=handover.handovers_of_shop(shop_id=self.shop.pk),
            **kwargs,
        )


class PartDetailView(ShopPartsMixin, DetailView):
    template_name = "logistics/shop_part.html"
    context_object_name = "part"

    def get_queryset(self):
        return self.parts()

    def get_context_data(self, **kwargs):
        part = self.object
        return super().get_context_data(
            shop=self.shop,
            lines=part.order.lines.filter(partner_id=self.shop.partner_id),
            statuses=PartStatus,
            max_volume_litres=MAX_PART_LITRES,
            counter_code=(self.request.GET.get("code") or "")[:12],
            **handover_context(shop_id=self.shop.pk, part=part),
            **kwargs,
        )


class PartActionView(ShopPartsMixin, View):
    ACTIONS = {"accept", "reject", "refuse-line", "ready", "hand-over"}

    def get(self, request, pk, action):
        raise Http404  # actions are POSTs; a GET learns nothing, not even that the part exists

    def post(self, request, pk, action):
        part = get_object_or_404(self.parts(), pk=pk)
        if action not in self.ACTIONS:
            raise Http404
        try:
            self.perform(part, action, request.POST)
        except part_states.TransitionRefused as refused:
            messages.error(request, str(refused))
        return redirect("shop:part", pk=part.pk)

    def perform(self, part, action, data) -> None:
        ids = {"part_id": part.pk, "shop_id": self.shop.pk}
        if action == "accept":
            part_states.accept_part(**ids)
            messages.success(self.request, _("Accepted. Prepare the goods, then mark it ready."))
        elif action == "reject":
            reason = (data.get("reason") or "").strip()[:300]
            if not reason:
                raise part_states.TransitionRefused(_("Say why you cannot supply this part."))
            part_states.reject_part(**ids, reason=reason)
            messages.success(self.request, _("Rejected; the consumer is refunded for this part."))
        elif action == "refuse-line":
            line_id = (data.get("line") or "").strip()
            if not line_id.isdigit():
                raise part_states.TransitionRefused(_("Choose the line that is not on the shelf."))
            part_states.refuse_line(
                **ids, line_id=int(line_id), reason=_("Not on the shelf after all.")
            )
            messages.success(
                self.request,
                _("Line refused; the consumer is offered it elsewhere or refunded."),
            )
        elif action == "ready":
            part_states.mark_ready(**ids, **part_size(data))
            messages.success(self.request, _("Marked ready."))
        else:
            part_states.hand_over(**ids, code=data.get("code", ""))
            messages.success(self.request, _("Handed over."))


class CounterCodeView(ShopPartsMixin, View):
    """The counter's box: the code a consumer shows finds their ready order at once."""

    def post(self, request):
        code = (request.POST.get("code") or "").strip()[:12]
        wait = over_rate([("counter_code_shop", str(self.shop.pk))])
        part = None if wait else shop_today.part_for_code(self.shop, code)
        if part is None:
            messages.error(
                request,
                _("Too many codes tried; wait a minute.")
                if wait
                else _("No order is ready for pickup here with code %(code)s.") % {"code": code},
            )
            return redirect("shop:home")
        return redirect(f"{reverse('shop:part', args=[part.pk])}?code={part.pickup_code}")


def handover_context(*, shop_id: int, part) -> dict:
    """Who comes for this delivery part, with the code to show them."""
    if part.method == PartMethod.COLLECT:
        return {"handovers": []}
    return {"handovers": handover.handovers_of_shop(shop_id=shop_id, part_id=part.pk)}


def part_size(data) -> dict:
    """The optional size fields of the "mark ready" form (delivery parts only). A form
    without them keeps the part's size; with them, an empty volume keeps the current one
    and, the bulky box being a checkbox, its absence means not bulky."""
    if "volume_litres" not in data:
        return {}
    size: dict = {"bulky": bool(data.get("bulky"))}
    litres = (data.get("volume_litres") or "").strip()
    if litres:
        try:
            size["volume_litres"] = int(litres)
        except ValueError:
            raise part_states.TransitionRefused(
                _("The part's volume must be a whole number of litres.")
            ) from None
    return size
