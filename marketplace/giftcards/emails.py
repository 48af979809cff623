"""The gift card e-mail: Dutch then English, the card as a PDF attached."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from marketplace.encrypted_fields import decrypt
from marketplace.mail import send_templated
from marketplace.qr import qr_png

from . import codes
from .card_pdf import card_pdf
from .models import GiftCard


def send_card(card_id: int) -> None:
    card = GiftCard.objects.get(pk=card_id)
    pin = decrypt(card.pin_sealed) if card.pin_sealed else ""
    with override("nl"):
        pdf = card_pdf(card, pin=pin)
    send_templated(
        to=card.email or (card.buyer.email if card.buyer else ""),
        template="giftcards/emails/card",
        context={
            "card": card,
            "code": codes.shown(card.code),
            "pin": pin,
            "balance_url": settings.SITE_URL.rstrip("/") + reverse("giftcards:balance"),
            "last_day": card.last_day,
        },
        qr_png=qr_png(codes.qr_text(card.code)),
        attachments=[(f"cadeaubon-{card.code[-4:]}.pdf", pdf, "application/pdf")],
    )
