"""Paying an order again: after the payment service failed, or when the consumer came back
from the payment page. Ordering's page, since it may cancel the order (a shop stopped
taking orders); payments only starts the payment."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from marketplace.payments.gateway import GatewayUnavailable, get_gateway
from marketplace.payments.models import PaymentStatus

from .guest_access import GuestAccessMixin, order_for_visitor
from .services import refuse_payment_for_closed_shops


# Without the request-wide transaction: the gateway is called outside any transaction.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PayOrderView(GuestAccessMixin, TemplateView):
    """Pay an order that is still awaiting payment. The same payment is reused, so paying
    again never charges twice. Its owner, or a guest with the order's link."""

    template_name = "payments/pay_order.html"

    def order(self):
        return order_for_visitor(self.request, self.kwargs["number"])

    def get_context_data(self, **kwargs):
        order = self.order()
        awaiting = order.payment.status == PaymentStatus.PENDING
        return super().get_context_data(order=order, awaiting=awaiting, **kwargs)

    def post(self, request, number):
        order = self.order()
        if order.payment.status != PaymentStatus.PENDING:
            messages.info(request, _("This order is no longer awaiting payment."))
            return redirect("ordering:order", number=order.number)
        if refused := refuse_payment_for_closed_shops(order):
            messages.error(request, refused)
            return redirect("basket:summary")
        try:
            return redirect(get_gateway().start_payment(payment=order.payment))
        except GatewayUnavailable:
            messages.error(request, unavailable_message())
            return redirect("ordering:pay", number=order.number)


def unavailable_message() -> str:
    return _(
        "The payment service does not answer right now. Your order is kept for a few "
        "minutes: try paying again."
    )
