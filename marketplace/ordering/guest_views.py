"""A guest makes an account from their order, or adds it to the account of its e-mail.

Only with the link from our e-mail (guest_access.guest_context): the e-mail is then the
guest's. Only this order is attached, the one the link proves; other guest orders of the
same e-mail each need their own link.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from marketplace.customer.views import mail_new_account, too_many_message
from marketplace.order_links import MAIL
from marketplace.throttling import client_ip, over_rate

from . import guest_access
from .guest_forms import GuestAccountForm
from .views import OrderView

LOGIN_BACKEND = "oscar.apps.customer.auth_backends.EmailBackend"


class GuestAccountView(OrderView):
    """POST only; an invalid password shows the order page again with the errors."""

    http_method_names = ["post"]

    def post(self, request, number):
        order = guest_access.order_for_visitor(request, number)
        if order.user_id:
            messages.info(request, _("This order is already in your account."))
            return redirect("ordering:order", number=order.number)
        if guest_access.granted_kind(request.session, number) != MAIL:
            raise Http404  # the form is only shown with the e-mail's link
        if request.user.is_authenticated:
            return self.attach(order)
        wait = over_rate(
            [
                ("register_address", client_ip(request) or "unknown"),
                ("register_email", order.guest_email.lower()),
            ]
        )
        if wait is not None:
            messages.error(request, too_many_message(wait))
            return redirect("ordering:order", number=order.number)
        if guest_access.account_of(order.guest_email) is not None:
            return redirect("ordering:order", number=order.number)  # the page says: sign in
        form = GuestAccountForm(request.POST, email=order.guest_email)
        if not form.is_valid():
            context = self.get_context_data(account_form=form)
            return self.render_to_response(context, status=400)
        user = form.save()
        guest_access.attach_to_account(order=order, user=user)
        login(request, user, backend=LOGIN_BACKEND)
        mail_new_account(request, user)
        messages.success(
            request,
            _(
                "Your account is ready and you are signed in. Order %(number)s is in it. "
                "Other orders placed without an account are not: open the link in each "
                "one's e-mail to add it."
            )
            % {"number": order.number},
        )
        return redirect("ordering:order", number=order.number)

    def attach(self, order):
        if guest_access.attach_to_account(order=order, user=self.request.user):
            messages.success(
                self.request,
                _("Order %(number)s is now in your account.") % {"number": order.number},
            )
        else:
            messages.error(
                self.request,
                _(
                    "This order was placed with another e-mail address: sign in with that "
                    "account to add it."
                ),
            )
        return redirect("ordering:order", number=order.number)
