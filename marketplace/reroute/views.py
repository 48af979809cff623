"""The consumer's side of a refused line: move it to another shop in one click, take the
refund instead, or pay a higher difference (on the gateway's hosted page, or the offline
gateway's test page)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from marketplace.order_links import granted_kind
from marketplace.payments.gateway import GatewayUnavailable, get_gateway

from . import services
from .models import SecondChance, TopUp, TopUpStatus

Order = get_model("order", "Order")
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


class OrderVisitorMixin:
    """The order's owner signed in, or a guest whose session opened the order by its signed
    link (marketplace.order_links); a signed-out visitor without it signs in first."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated or granted_kind(request.session, kwargs["number"])):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


def visitors_orders(request, number: str) -> dict:
    """The filter for this visitor's order `number`: their own, else a guest order the
    session was given. Another consumer's order, or one of another order, is a 404."""
    if (
        request.user.is_authenticated
        and Order.objects.filter(number=number, user=request.user).exists()
    ):
        return {"part__order__number": number, "part__order__user": request.user}
    if granted_kind(request.session, number):
        return {"part__order__number": number, "part__order__user__isnull": True}
    raise Http404


def own_chance(request, number: str, chance_id: int) -> SecondChance:
    return get_object_or_404(SecondChance, pk=chance_id, **visitors_orders(request, number))


def owner(request, chance: SecondChance):
    """Who the services check the order against (a guest order has no user)."""
    return request.user if chance.part.order.user_id else None


def order_page(number: str, chance: SecondChance) -> str:
    return f"{reverse('ordering:order', args=[number])}#refused-{chance.line_id}"


@non_atomic
class MoveLineView(OrderVisitorMixin, View):
    def post(self, request, number, chance_id):
        chance = own_chance(request, number, chance_id)
        offer = (request.POST.get("offer") or "").strip()
        if not offer.isdigit():
            messages.error(request, _("Choose one of the shops offered."))
            return redirect(order_page(number, chance))
        try:
            moved = services.move_line(
                chance_id=chance.pk, stockrecord_id=int(offer), user=owner(request, chance)
            )
        except SecondChance.DoesNotExist as missing:
            raise Http404 from missing
        except services.MoveRefused as refused:
            messages.error(request, str(refused))
            return redirect(order_page(number, chance))
        if moved.top_up is not None:
            return redirect("reroute:pay-top-up", number=number, top_up_id=moved.top_up.pk)
        messages.success(
            request,
            _("Done: it now comes from %(shop)s.") % {"shop": moved.chance.new_line.partner_name},
        )
        return redirect(order_page(number, chance))


@non_atomic
class DeclineView(OrderVisitorMixin, View):
    def post(self, request, number, chance_id):
        chance = own_chance(request, number, chance_id)
        if services.decline(chance_id=chance.pk, user=owner(request, chance)):
            messages.success(request, _("It is refunded."))
        else:
            messages.info(request, _("This line was already moved or refunded."))
        return redirect(order_page(number, chance))


def top_up_checkout(top_up: TopUp, number: str) -> str:
    """Where the consumer pays the difference: the gateway's hosted page (one per top-up,
    the key makes a second visit get the same one), or the offline stand-in page."""
    order_url = order_page(number, top_up.chance)
    own_page = reverse("reroute:pay-top-up", args=[number, top_up.pk])
    _session, url = get_gateway().start_checkout(
        amount=top_up.amount,
        # Not translated: a retry must send the very same parameters with its key.
        description=f"{settings.OSCAR_SHOP_NAME} {number}: {top_up.chance.line.title}"[:200],
        metadata={"top_up": str(top_up.pk), "order": number},
        success_url=order_url,
        cancel_url=order_url,
        offline_url=own_page,
        idempotency_key=f"checkout-top-up-{top_up.pk}",
    )
    return url


@non_atomic
class PayTopUpView(OrderVisitorMixin, TemplateView):
    """Sends the consumer to the gateway's page for the difference; for the offline
    gateway this is that page's stand-in."""

    template_name = "reroute/pay_top_up.html"

    def get(self, request, *args, **kwargs):
        if get_gateway().name == "offline":
            return super().get(request, *args, **kwargs)
        top_up = self.top_up(any_gateway=True)
        if top_up.status != TopUpStatus.PENDING:
            messages.info(request, _("This difference is no longer awaiting payment."))
            return redirect(order_page(kwargs["number"], top_up.chance))
        try:
            return redirect(top_up_checkout(top_up, kwargs["number"]))
        except GatewayUnavailable:
            messages.error(
                request, _("The payment page could not be opened just now; please try again.")
            )
            return redirect(order_page(kwargs["number"], top_up.chance))

    def top_up(self, *, any_gateway: bool = False) -> TopUp:
        if get_gateway().name != "offline" and not any_gateway:
            raise Http404
        return get_object_or_404(
            TopUp.objects.select_related("chance__line", "part__shop__partner", "part__order"),
            pk=self.kwargs["top_up_id"],
            **visitors_orders(self.request, self.kwargs["number"]),
        )

    def get_context_data(self, **kwargs):
        top_up = self.top_up()
        return super().get_context_data(top_up=top_up, order=top_up.part.order, **kwargs)

    def post(self, request, number, top_up_id):
        top_up = self.top_up()
        if top_up.status != TopUpStatus.PENDING:
            messages.info(request, _("This difference is no longer awaiting payment."))
        elif request.POST.get("action") == "pay":
            services.pay_top_up(top_up_id=top_up.pk, reference=f"test-top-up-{top_up.pk}")
            messages.success(
                request,
                _("Paid: it now comes from %(shop)s.") % {"shop": top_up.part.shop.partner.name},
            )
        else:
            services.cancel_top_up(top_up_id=top_up.pk, reason="cancelled by the consumer")
            messages.info(request, _("Cancelled; choose another shop or take the refund."))
        return redirect(order_page(number, top_up.chance))
