"""The consumer's return page of one part of their order (within the return period)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from logistics.models import OrderPart, ReturnPickup
from logistics.slots import open_slots
from marketplace.ordering.guest_access import GuestAccessMixin, order_for_visitor

from . import services
from .models import ReturnMethod, ReturnStatus


def slot_label(slot) -> str:
    return f"{date_format(slot.date, 'l j F')} {slot.starts:%H:%M}–{slot.ends:%H:%M}"


def posted_units(data, lines) -> dict[int, int]:
    """Units per line from the form; a value that is not a whole number is refused."""
    chosen = {}
    for item in lines:
        raw = (data.get(f"line-{item.line.pk}") or "0").strip()
        if not raw.isdigit():
            raise services.ReturnRefused(
                _("“%(value)s” for %(title)s is not a number of items.")
                % {"value": raw[:20], "title": item.line.title},
                field="lines",
            )
        chosen[item.line.pk] = int(raw)
    return chosen


def with_pickups(returns) -> list:
    """Each return with its courier job (`pickup`, None for one brought to the shop)."""
    returns = list(returns)
    jobs = ReturnPickup.objects.filter(return_id__in=[each.pk for each in returns])
    by_return = {job.return_id: job for job in jobs}
    for each in returns:
        each.pickup = by_return.get(each.pk)
    return returns


class OrderPartMixin:
    """The visitor's order (their own, or a guest order opened by its signed link) and the
    part in the URL; GuestAccessMixin before it redeems the link and asks others to sign in."""

    def dispatch(self, request, *args, **kwargs):
        self.order = order_for_visitor(request, kwargs["number"])
        self.part = get_object_or_404(
            OrderPart.objects.select_related("shop__partner", "order"),
            pk=kwargs["part_id"],
            order=self.order,
        )
        # The services check the part is this consumer's; a guest order has no user.
        self.consumer = request.user if self.order.user_id else None
        return super().dispatch(request, *args, **kwargs)


class ReturnView(GuestAccessMixin, OrderPartMixin, TemplateView):
    template_name = "returns/return.html"

    def get_context_data(self, **kwargs):
        part = self.part
        deadline = services.deadline_of(part)
        refusal = ""
        try:
            services.check_window(part, timezone.now())
        except services.ReturnRefused as refused:
            refusal = str(refused)
        slots = [(slot.pk, slot_label(slot)) for slot in open_slots().select_related("zone")[:30]]
        return super().get_context_data(
            order=self.order,
            part=part,
            deadline=deadline,
            refusal=refusal,
            lines=services.returnable_lines(part),
            slots=slots,
            returns=with_pickups(
                part.returns.prefetch_related("lines__order_line").select_related("slot")
            ),
            methods=ReturnMethod,
            statuses=ReturnStatus,
            posted=self.request.POST,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        data = request.POST
        if data.get("cancel"):
            return self.cancel(data.get("cancel", ""))
        try:
            chosen = posted_units(data, services.returnable_lines(self.part))
            pickup = None
            if data.get("method") == ReturnMethod.PICKUP:
                slot = (data.get("slot") or "").strip()
                if not slot.isdigit():
                    raise services.ReturnRefused(_("Choose a pickup time."), field="slot")
                pickup = services.Pickup(
                    slot_id=int(slot),
                    address_line=data.get("address_line", "").strip(),
                    postcode=data.get("postcode", "").strip(),
                    city=data.get("city", "").strip(),
                    phone=data.get("phone", "").strip(),
                )
                if not (pickup.address_line and pickup.city):
                    raise services.ReturnRefused(
                        _("Fill in the address where the courier picks it up."),
                        field="address_line",
                    )
            services.request_return(
                part_id=self.part.pk,
                consumer=self.consumer,
                chosen=chosen,
                method=data.get("method", ""),
                pickup=pickup,
                reason=data.get("reason", "").strip(),
            )
        except services.ReturnRefused as refused:
            messages.error(request, str(refused))
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(request, _("Your return is registered; we e-mailed you what to do next."))
        return redirect("returns:return", number=self.order.number, part_id=self.part.pk)

    def cancel(self, raw: str):
        if not raw.isdigit():
            raise Http404
        try:
            services.cancel_return(return_id=int(raw), consumer=self.consumer, part_id=self.part.pk)
        except services.ReturnRequestMissing as missing:
            raise Http404 from missing
        except services.ReturnRefused as refused:
            messages.error(self.request, str(refused))
        else:
            messages.success(self.request, _("Your return is cancelled."))
        return redirect("returns:return", number=self.order.number, part_id=self.part.pk)
