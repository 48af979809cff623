"""Our e-mails: a subject, a text and an HTML template per message, Dutch first then English."""

from collections.abc import Sequence
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .order_links import MAIL, guest_token, is_guest_recipient, order_url


def send_templated(
    *,
    to: str,
    template: str,
    context: dict,
    qr_png: bytes | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Renders `<template>_subject.txt`, `<template>.txt` and `<template>.html` and sends them.

    A QR image, when given, is attached inline as `cid:pickup-qr` for the HTML to show;
    `attachments` are (file name, content, content type), e.g. a receipt PDF; `headers` are
    extra message headers (List-Unsubscribe).
    """
    context = {**context, "brand_name": settings.BRAND_NAME, "site_url": settings.SITE_URL}
    if getattr(context.get("order"), "number", None):
        context.update(order_link_context(context["order"], to))
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    if qr_png:
        image = MIMEImage(qr_png, "png")
        image.add_header("Content-ID", "<pickup-qr>")
        image.add_header("Content-Disposition", "inline", filename="ophaalcode.png")
        message.attach(image)
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    message.send()


def order_link_context(order, to: str) -> dict:
    """`order_url` (the order page) and `guest_query` (to add to the order's other links,
    e.g. a receipt): signed for the guest who placed the order, plain for anyone else."""
    guest = is_guest_recipient(order, to)
    return {
        "order_url": order_url(order, to=to),
        "guest_query": f"?t={guest_token(order, MAIL)}" if guest else "",
    }


def recipient_of(order) -> str:
    """Where an order's e-mails go: the account's address, else the guest's."""
    return order.user.email if order.user_id else order.guest_email
