"""Consumer side: add an offer of a given shop, checkout, the test payment page, the order.

Checkout and payment views run without the request-wide transaction: the order is placed in
its own short transaction, and the payment gateway is called after it commits.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_model

from inventory_sync.selectors import available_units
from inventory_sync.services import OutOfStock
from logistics.models import DeliverySettings, FulfilmentStatus, Hub
from marketplace.payments.gateway import GatewayUnavailable, get_gateway
from marketplace.payments.models import PaymentStatus
from marketplace.payments.views import unavailable_message
from marketplace.redirects import safe_next
from shops.hours import schedule_for
from shops.models import Weekday

from . import selectors, services
from .basket import basket_groups
from .delivery import DeliveryRefused
from .forms import CheckoutForm

StockRecord = get_model("partner", "StockRecord")
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


class AddOfferView(View):
    """Adds a product from one particular shop (the same product may be sold by several)."""

    def post(self, request, stockrecord_id):
        record = get_object_or_404(
            StockRecord.objects.select_related("product"),
            pk=stockrecord_id,
            partner__shop__status="active",
        )
        try:
            quantity = max(1, min(int(request.POST.get("quantity", 1)), 99))
        except ValueError:
            quantity = 1
        in_basket = sum(
            line.quantity for line in request.basket.all_lines() if line.stockrecord_id == record.pk
        )
        available = available_units(stockrecord_id=record.pk)
        if in_basket + quantity > available:
            messages.error(
                request,
                _("%(shop)s has %(available)s of %(product)s available online.")
                % {
                    "shop": record.partner.name,
                    "available": available,
                    "product": record.product.get_title(),
                },
            )
            return redirect(safe_next(request, record.product.get_absolute_url()))
        add_offer_to_basket(request.basket, record, quantity)
        messages.success(
            request,
            _("%(product)s from %(shop)s is in your basket.")
            % {"product": record.product.get_title(), "shop": record.partner.name},
        )
        return redirect(safe_next(request, reverse("basket:summary")))


def add_offer_to_basket(basket, record, quantity: int) -> None:
    if basket.id is None:
        basket.save()  # a visitor's first line: Oscar's middleware then sets the basket cookie
    reference = f"{record.product_id}_{record.pk}"
    line = basket.lines.filter(line_reference=reference).first()
    if line:
        line.quantity += quantity
        line.save(update_fields=["quantity"])
        return
    info = basket.strategy.fetch_for_product(record.product, stockrecord=record)
    basket.lines.create(
        product=record.product,
        stockrecord=record,
        quantity=quantity,
        line_reference=reference,
        price_currency=info.price.currency,
        price_excl_tax=info.price.excl_tax,
        price_incl_tax=info.price.incl_tax,
    )
    basket.reset_offer_applications()


@non_atomic
class CheckoutView(LoginRequiredMixin, FormView):
    template_name = "ordering/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.basket.is_empty:
            messages.info(request, _("Your basket is empty."))
            return redirect("basket:summary")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def rules(self):
        return DeliverySettings.current()

    @cached_property
    def groups(self):
        return basket_groups(self.request.basket, rules=self.rules)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "groups": self.groups}

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=self.groups, rules=self.rules, **kwargs)

    def form_valid(self, form):
        try:
            order = services.place_order(
                basket=self.request.basket,
                user=self.request.user,
                choices=form.choices(),
                address=form.address(),
            )
        except OutOfStock as short:
            form.add_error(None, out_of_stock_message(short))
            return self.form_invalid(form)
        except (DeliveryRefused, services.CheckoutRefused) as refused:
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, str(refused))
            return self.form_invalid(form)
        try:
            return HttpResponseRedirect(get_gateway().start_payment(payment=order.payment))
        except GatewayUnavailable:
            # The order keeps its stock until it expires; paying again reuses the payment.
            messages.error(self.request, unavailable_message())
            return redirect("payments:pay", number=order.number)


def out_of_stock_message(short: OutOfStock) -> str:
    if short.available == 0:
        return _("%(product)s is no longer available. Remove it from your basket.") % {
            "product": short.title
        }
    return _(
        "Only %(available)s of %(product)s left (you asked for %(requested)s). "
        "Lower the quantity in your basket."
    ) % {"available": short.available, "product": short.title, "requested": short.requested}


@non_atomic
class TestPaymentView(LoginRequiredMixin, TemplateView):
    """The offline gateway's stand-in for a hosted payment page: pay or cancel."""

    template_name = "ordering/test_payment.html"

    def get_order(self):
        if get_gateway().name != "offline":
            raise Http404
        return selectors.order_for_consumer(user=self.request.user, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.get_order(), **kwargs)

    def post(self, request, number):
        order = self.get_order()
        if order.payment.status != PaymentStatus.PENDING:
            messages.info(request, _("This order is no longer awaiting payment."))
        elif request.POST.get("action") == "pay" and (
            refused := services.refuse_payment_for_closed_shops(order)
        ):
            messages.error(request, refused)
            return redirect("basket:summary")
        elif request.POST.get("action") == "pay":
            services.record_payment_success(order_id=order.pk, reference=f"test-{order.number}")
            messages.success(request, _("Thank you! Your order is placed."))
        else:
            services.cancel_unpaid_order(order_id=order.pk)
            messages.info(request, _("Payment cancelled; your basket is back."))
            return redirect("basket:summary")
        return redirect("ordering:order", number=order.number)


def labelled_hours(shop) -> list[tuple]:
    return [(Weekday(day).label, opens, closes) for day, opens, closes in schedule_for(shop).weekly]


class OrderView(LoginRequiredMixin, TemplateView):
    """The consumer's order: each shop's part with its status, codes, hours and address."""

    template_name = "ordering/order.html"

    def get_context_data(self, **kwargs):
        order = selectors.order_for_consumer(user=self.request.user, number=self.kwargs["number"])
        parts = [
            (part, labelled_hours(part.shop), part.lines())
            for part in selectors.parts_of_order(order=order)
        ]
        return super().get_context_data(
            order=order,
            parts=parts,
            statuses=FulfilmentStatus,
            hub=Hub.objects.order_by("pk").first(),
            **kwargs,
        )
