"""Oscar's customer sign-in, registration and password reset, made hard to abuse.

Logins are locked by django-axes (AXES_* settings) after too many failures per username
and address. Registration and password reset are throttled per address and per e-mail
(marketplace.throttling). Registration answers the same whether or not the address already
has an account: a new address gets its account and a welcome e-mail, an existing one an
e-mail saying someone tried to register with it; neither is signed in by the form.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import send_mail
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from oscar.apps.customer.forms import PasswordResetForm
from oscar.apps.customer.signals import user_registered
from oscar.apps.customer.utils import normalise_email
from oscar.apps.customer.views import AccountAuthView, AccountRegistrationView

from marketplace.throttling import client_ip, over_rate

from .forms import NeutralRegistrationForm


def too_many_message(wait: int) -> str:
    minutes = max(1, (wait + 59) // 60)
    return _(
        "Too many attempts from here or for this e-mail address. Try again in %(minutes)s minutes."
    ) % {"minutes": minutes}


def posted_email(request, field: str) -> str:
    return normalise_email(request.POST.get(field, "").strip()).lower()


def site_link(request, path: str) -> str:
    return f"{settings.OSCAR_URL_SCHEMA}://{get_current_site(request).domain}{path}"


def mail_account(request, user, subject: str, body: str) -> None:
    """An account e-mail; `subject` and `body` may name the site, sign-in and reset links."""
    values = {
        "site": settings.BRAND_NAME,
        "login": site_link(request, reverse("customer:login")),
        "reset": site_link(request, reverse("password-reset")),
    }
    send_mail(subject % values, body % values, settings.DEFAULT_FROM_EMAIL, [user.email])


def mail_existing_account(request, user) -> None:
    mail_account(
        request,
        user,
        _("Registration attempt at %(site)s"),
        _(
            "Someone, perhaps you, tried to register at %(site)s with this e-mail address. It "
            "already has an account, so nothing was changed.\n\n"
            "If it was you: sign in at %(login)s, or choose a new password at %(reset)s.\n"
            "If it was not you, you can ignore this e-mail."
        ),
    )


def mail_new_account(request, user) -> None:
    mail_account(
        request,
        user,
        _("Your account at %(site)s"),
        _(
            "Welcome to %(site)s. Your account for this e-mail address is ready: sign in at "
            "%(login)s with the password you chose.\n"
            "If you did not register, choose a new password at %(reset)s or ignore this e-mail."
        ),
    )


def register(view, form, email_field: str, render):
    """The shared registration answer. `render(form, status)` shows the form again."""
    request = view.request
    wait = over_rate(
        [
            ("register_address", client_ip(request) or "unknown"),
            ("register_email", posted_email(request, email_field)),
        ]
    )
    if wait is not None:
        form.is_valid()  # bound errors as usual, plus the throttle's
        form.add_error(None, too_many_message(wait))
        return render(form, 429)
    if not form.is_valid():
        return render(form, 200)
    if form.existing_account is not None:
        mail_existing_account(request, form.existing_account)
    else:
        user = form.save()
        user_registered.send_robust(sender=view, request=request, user=user)
        mail_new_account(request, user)
    messages.info(
        request,
        _("Thank you. We have sent an e-mail to %(email)s: follow it to continue.")
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("customer:login")


class LoginRegistrationView(AccountAuthView):
    """/accounts/login/: Oscar's sign-in (locked by axes) and registration side by side."""

    registration_form_class = NeutralRegistrationForm

    def get_login_success_url(self, form):
        """Without a `next`, each person lands where their work is."""
        if form.cleaned_data["redirect_url"]:
            return form.cleaned_data["redirect_url"]
        return landing_for(self.request.user)

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)

        def render(form, status):
            context = self.get_context_data(registration_form=form)
            return self.render_to_response(context, status=status)

        return register(self, form, f"{self.registration_prefix}-email", render)


def landing_for(user) -> str:
    from marketplace.storefront.work_areas import shop_and_courier

    shop, courier = shop_and_courier(user)
    if user.is_staff:
        return reverse("management-home")
    if shop:
        return reverse("shop:home")
    if courier:
        return reverse("courier:route")
    return settings.LOGIN_REDIRECT_URL


class RegistrationView(AccountRegistrationView):
    form_class = NeutralRegistrationForm

    def post(self, request, *args, **kwargs):
        def render(form, status):
            return self.render_to_response(self.get_context_data(form=form), status=status)

        return register(self, self.get_form(), "email", render)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Oscar's password reset, counted per address and per e-mail before anything is sent."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("password-reset-done")
    template_name = "oscar/registration/password_reset_form.html"

    def post(self, request, *args, **kwargs):
        wait = over_rate(
            [
                ("password_reset_address", client_ip(request) or "unknown"),
                ("password_reset_email", posted_email(request, "email")),
            ]
        )
        if wait is not None:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, too_many_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def locked_out(request, response, credentials, *args, **kwargs):
    """django-axes' answer to a locked sign-in (AXES_LOCKOUT_CALLABLE): 429 and a page."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "customer/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def order_redirect(request, order_number):
    """Oscar's plain order page knows nothing of shop parts, codes or deliveries; the
    marketplace's page replaces it. Someone else's order is a 404 here already."""
    from marketplace.ordering.selectors import order_for_consumer

    order = order_for_consumer(user=request.user, number=order_number)
    return redirect("ordering:order", number=order.number)
