"""Consumer side: add an offer of a given shop, checkout, the test payment page, the order.

Checkout and payment views run without the request-wide transaction: the order is placed in
its own short transaction, and the payment gateway is called after it commits.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_model

from inventory_sync.availability import available_online
from inventory_sync.services import OutOfStock
from logistics import rebooking, route_progress
from logistics.models import (
    DeliverySettings,
    Hub,
    OrderPart,
    PartMethod,
    PartStatus,
)
from marketplace.campaigns import checkout as campaign_checkout
from marketplace.customer.views import too_many_message
from marketplace.giftcards.selectors import card_use_of_order
from marketplace.order_links import VIEW
from marketplace.payments.gateway import GatewayUnavailable, get_gateway
from marketplace.payments.models import PaymentStatus
from marketplace.redirects import safe_next
from marketplace.reroute.services import remember_preference
from marketplace.throttling import client_ip, over_rate
from shops.hours import schedule_for
from shops.models import Weekday

from . import (
    checkout_page,
    gift_card_payment,
    guest_access,
    offline_payment,
    selectors,
    services,
)
from .address_lookup import is_addition, is_house_number
from .basket import basket_groups
from .delivery import DeliveryRefused, find_house, normalise_postcode
from .forms import CheckoutForm
from .guest_access import GuestAccessMixin
from .payment_views import unavailable_message

StockRecord = get_model("partner", "StockRecord")
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


class AddOfferView(View):
    """Adds a product from one particular shop (the same product may be sold by several)."""

    def post(self, request, stockrecord_id):
        # With what the checks, the line's price and the messages read: no query for each.
        record = get_object_or_404(
            StockRecord.objects.select_related(
                "product__product_class", "product__parent__product_class", "partner__shop"
            ),
            pk=stockrecord_id,
            partner__shop__status="active",
        )
        quantity = wanted_quantity(request.POST.get("quantity", "1"))
        if quantity is None:
            # A form only offers 1-99: anything else was typed or tampered with.
            messages.error(request, _("Choose a quantity from 1 to %(max)s.") % {"max": 99})
            return redirect(safe_next(request, record.product.get_absolute_url()))
        in_basket = sum(
            line.quantity for line in request.basket.all_lines() if line.stockrecord_id == record.pk
        )
        available = available_online(record)
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


def wanted_quantity(raw: str) -> int | None:
    try:
        quantity = int(str(raw).strip())
    except ValueError:
        return None
    return quantity if 1 <= quantity <= 99 else None


def add_offer_to_basket(basket, record, quantity: int) -> None:
    if basket.id is None:
        basket.save()  # a visitor's first line: Oscar's middleware then sets the basket cookie
    reference = f"{record.product_id}_{record.pk}"
    # The lines the view read for its stock check (Oscar keeps them on the basket).
    line = next((line for line in basket.all_lines() if line.line_reference == reference), None)
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
class CheckoutView(FormView):
    """Signed in, or as a guest (e-mail and phone; the order page by a signed link)."""

    template_name = "ordering/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        if request.basket.is_empty:
            messages.info(request, _("Your basket is empty."))
            return redirect("basket:summary")
        return super().dispatch(request, *args, **kwargs)

    @property
    def guest(self) -> bool:
        return not self.request.user.is_authenticated

    def post(self, request, *args, **kwargs):
        wait = guest_access.checkout_wait(request) if self.guest else None
        if wait is not None:
            form = self.get_form()
            form.is_valid()  # its own errors as usual, and the throttle's
            form.add_error(None, too_many_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    @cached_property
    def rules(self):
        return DeliverySettings.current()

    @cached_property
    def groups(self):
        return basket_groups(self.request.basket, rules=self.rules)

    @cached_property
    def hub(self):
        return Hub.objects.order_by("pk").first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {
            **kwargs,
            "groups": self.groups,
            "has_hub": self.hub is not None,
            "guest": self.guest,
        }

    def get_initial(self):
        return {} if self.guest else checkout_page.last_address(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(groups=self.groups, rules=self.rules, **kwargs)
        form = context["form"]
        return {
            **context,
            "totals": campaign_checkout.with_campaigns(
                checkout_page.totals(self.groups, self.rules, form),
                basket=self.request.basket,
                form=form,
            ),
            "errors": checkout_page.error_list(form) if form.is_bound else [],
            "hub": self.hub,
        }

    def form_valid(self, form):
        card = gift_card_payment.card_spend(self.request, form)
        if form.errors:
            return self.form_invalid(form)
        try:
            order = services.place_order(
                basket=self.request.basket,
                user=None if self.guest else self.request.user,
                choices=form.choices(),
                address=form.address(),
                guest=form.guest_contact(),
                gift_card=card,
            )
        except OutOfStock as short:
            form.add_error(None, out_of_stock_message(short))
            return self.form_invalid(form)
        except (DeliveryRefused, services.CheckoutRefused) as refused:
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, str(refused))
            return self.form_invalid(form)
        remember_preference(order=order, find_elsewhere=form.cleaned_data.get("find_elsewhere"))
        if self.guest:
            guest_access.grant(self.request.session, order.number, VIEW)
        if order.payment.status == PaymentStatus.SUCCEEDED:  # the gift card paid it all
            messages.success(self.request, _("Paid with your gift card. Thank you!"))
            return redirect("ordering:order", number=order.number)
        try:
            return HttpResponseRedirect(get_gateway().start_payment(payment=order.payment))
        except GatewayUnavailable:
            # The order keeps its stock until it expires; paying again reuses the payment.
            messages.error(self.request, unavailable_message())
            return redirect("ordering:pay", number=order.number)


@require_GET
def address_lookup_view(request):
    """The checkout page's street-and-town filler: postcode, house number and addition in,
    street and town out (never coordinates: the checkout asks the register again on submit).
    JSON; throttled per consumer (a guest at checkout: per address), as it asks an outside
    service."""
    if request.user.is_authenticated:
        scope, key = "address_lookup_user", f"user:{request.user.pk}"
    elif not request.basket.is_empty:
        scope, key = "address_lookup_address", client_ip(request) or "unknown"
    else:
        return redirect_to_login(request.get_full_path())
    wait = over_rate([(scope, key)])
    if wait is not None:
        response = JsonResponse({"detail": _("Too many requests.")}, status=429)
        response["Retry-After"] = str(wait)
        return response
    number = request.GET.get("house_number", "").strip()
    addition = request.GET.get("addition", "").strip()
    try:
        postcode = normalise_postcode(request.GET.get("postcode", ""))
    except DeliveryRefused as refused:
        answer = {"found": False, "field": "postcode", "error": str(refused)}
        return JsonResponse(answer, status=400)
    if not is_house_number(number) or not is_addition(addition):
        return JsonResponse({"found": False, "field": "house_number", "error": ""}, status=400)
    try:
        house = find_house(postcode=postcode, house_number=number, addition=addition)
    except DeliveryRefused as unknown:
        return JsonResponse({"found": False, "field": "house_number", "error": str(unknown)})
    if house is None:
        return JsonResponse({"found": False})  # no register, or not sure: the consumer types
    return JsonResponse(
        {"found": True, "street": house.street, "city": house.city, "addition": house.addition}
    )


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
class TestPaymentView(GuestAccessMixin, TemplateView):
    """The offline gateway's stand-in for a hosted payment page: pay or cancel."""

    template_name = "ordering/test_payment.html"

    def get_order(self):
        if get_gateway().name != "offline":
            raise Http404
        return guest_access.order_for_visitor(self.request, self.kwargs["number"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", offline_payment.MethodForm())
        return super().get_context_data(order=self.get_order(), **kwargs)

    def post(self, request, number):
        order = self.get_order()
        action = request.POST.get("action")
        # Without a method (an older form, a script) it pays as before: the method unknown.
        method_form = offline_payment.MethodForm(request.POST) if "method" in request.POST else None
        if order.payment.status == PaymentStatus.PROCESSING:
            if answered := offline_payment.bank_answers(request, order):
                return answered
            action, method_form = "pay", None  # the bank confirmed
        elif (
            method_form
            and action in (offline_payment.PAY, offline_payment.PENDING)
            and not method_form.is_valid()
        ):
            return self.render_to_response(self.get_context_data(form=method_form), status=400)
        if order.payment.status not in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
            messages.info(request, _("This order is no longer awaiting payment."))
        elif action == "pay" and (refused := services.refuse_payment_for_closed_shops(order)):
            messages.error(request, refused)
            return redirect("basket:summary")
        elif action == offline_payment.PENDING:
            if method_form is None:
                messages.error(request, _("Choose how you want to pay."))
                return redirect("ordering:test-payment", number=order.number)
            return offline_payment.pay(request, order, method_form, action)
        elif action == "pay":
            if method_form:
                offline_payment.pay(request, order, method_form, action)
            # Pay and Cancel (another tab) take the order's lock: one wins, the other is
            # told what happened instead.
            paid = services.record_payment_success(
                order_id=order.pk, reference=f"test-{order.number}"
            )
            tell_payment_outcome(request, paid)
        else:
            cancelled = services.cancel_by_consumer(order_id=order.pk)
            if cancelled == services.CancelOutcome.CANCELLED:
                messages.info(request, _("Payment cancelled; your basket is back."))
                return redirect("basket:summary")
            if cancelled == services.CancelOutcome.PAID:
                messages.warning(
                    request,
                    _(
                        "Your payment went through before you cancelled: the order is paid "
                        "and not cancelled."
                    ),
                )
            else:
                messages.info(request, _("This order was already cancelled."))
        return redirect("ordering:order", number=order.number)


def tell_payment_outcome(request, outcome) -> None:
    if outcome == services.PaymentOutcome.PLACED:
        messages.success(request, _("Thank you! Your order is placed."))
    elif outcome == services.PaymentOutcome.ALREADY_PAID:
        messages.info(request, _("This order is already paid."))
    else:
        messages.warning(
            request,
            _(
                "This order was cancelled before your payment arrived, so it is not placed. "
                "Your payment is refunded in full."
            ),
        )


def labelled_hours(shop) -> list[tuple]:
    return [(Weekday(day).label, opens, closes) for day, opens, closes in schedule_for(shop).weekly]


class OrderView(GuestAccessMixin, TemplateView):
    """The consumer's order: each shop's part with its status, codes, hours and address; a
    failed delivery with its reason and the choices to rebook; a delivery on its way with
    when the courier should be there. A guest's also has its link and "make an account"."""

    template_name = "ordering/order.html"

    def get_context_data(self, **kwargs):
        order = guest_access.order_for_visitor(self.request, self.kwargs["number"])
        account_form = kwargs.pop("account_form", None)
        kwargs.update(guest_access.guest_context(self.request, order, account_form))
        parts = [
            (follow_part(part), labelled_hours(part.shop), part.lines())
            for part in selectors.parts_of_order(order=order)
        ]
        return super().get_context_data(
            order=order,
            parts=parts,
            gift_card=card_use_of_order(order_id=order.pk),
            statuses=PartStatus,
            hub=Hub.objects.order_by("pk").first(),
            **kwargs,
        )


def follow_part(part):
    """Adds what the order page shows of a part's delivery beyond its status: a failure to
    rebook (`failure_reason`, `rebook_choices`), or the courier's expected arrival."""
    part.failed = rebooking.is_waiting(part)
    if part.failed:
        part.failure_reason = rebooking.failure_reason(part)
        part.rebook_choices = rebooking.choices_for(part)
    elif part.status == PartStatus.HANDED_OVER and part.method == PartMethod.DELIVERY:
        arrival = route_progress.expected_arrival(part.pk)
        part.expected_at = timezone.localtime(arrival) if arrival else None
    return part


class RebookPartView(GuestAccessMixin, View):
    """The consumer picks a new slot, or the hub, for their own part whose delivery failed
    (a guest with the order's link too)."""

    def post(self, request, number, part_id):
        order = guest_access.order_for_visitor(request, number)
        get_object_or_404(OrderPart, pk=part_id, order=order)
        try:
            slot_id, to_hub = rebooking.parse_choice(request.POST.get("choice", ""))
            part = rebooking.rebook_part(
                part_id=part_id,
                slot_id=slot_id,
                to_hub=to_hub,
                consumer=order.user if order.user_id else None,
            )
        except OrderPart.DoesNotExist as missing:
            raise Http404 from missing
        except rebooking.RebookingRefused as refused:
            messages.error(request, str(refused))
        else:
            if part.slot_id is None:
                messages.success(request, _("Collect this part at the hub with your code."))
            else:
                messages.success(
                    request,
                    _("Your delivery is rebooked for %(slot)s.")
                    % {"slot": rebooking.slot_label(part.slot)},
                )
        return redirect(f"{reverse('ordering:order', args=[order.number])}#part-{part_id}")
