"""E-mails to a shop's applicant and owner. Dutch first, then English, like order e-mails."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from marketplace.mail import send_templated

from .models import ShopApplication

User = get_user_model()


def send(*, to: str, template: str, context: dict) -> None:
    send_templated(to=to, template=f"shops/emails/{template}", context=context)


def absolute(url: str) -> str:
    """Links in e-mails need the host; a gateway may already return a full URL."""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def application_of(shop_id: int) -> ShopApplication:
    return ShopApplication.objects.select_related("shop__partner").get(shop_id=shop_id)


def password_set_link(user) -> str:
    """Django's password-reset link: the new owner chooses their first password with it."""
    path = reverse(
        "password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute(path)


def send_application_received(shop_id: int) -> None:
    application = application_of(shop_id)
    send(
        to=application.contact_email,
        template="application_received",
        context={"application": application, "shop": application.shop},
    )


def send_shop_approved(shop_id: int, owner_id: int, payout_link: str) -> None:
    """`payout_link`: where the owner sets up payouts (the gateway's, given by payments)."""
    application = application_of(shop_id)
    owner = User.objects.get(pk=owner_id)
    context = {
        "application": application,
        "shop": application.shop,
        "owner": owner,
        # An owner who already has a password signs in with it; a link would only confuse.
        "password_link": None if owner.has_usable_password() else password_set_link(owner),
        "link_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "password_reset_url": absolute(reverse("password-reset")),
        "login_url": absolute(reverse("customer:login")),
        "payout_link": absolute(payout_link),
        "orders_url": absolute(reverse("shop:parts")),
    }
    send(to=owner.email, template="shop_approved", context=context)


def send_shop_rejected(shop_id: int) -> None:
    application = application_of(shop_id)
    send(
        to=application.contact_email,
        template="shop_rejected",
        context={"application": application, "shop": application.shop},
    )
