"""Pre-printed cards: management has a print run of blank cards made (codes and PINs for the
printer, as CSV); they hold nothing and cannot be spent until a participating shop sells one
at its counter: it scans or types the code, enters the amount taken at its till, and the card
becomes active with that balance, booked like a counter sale."""

import csv
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.encrypted_fields import decrypt, encrypt

from . import codes, ledger
from .models import CardStatus, Entry, EntryKind, GiftCard, Scheme
from .services import Refused, check_amount, expiry_after, refuse_unless_participating

MAX_RUN = 1000


@dataclass(frozen=True)
class PrintRun:
    batch: str
    count: int


def make_print_run(*, count: int) -> PrintRun:
    """`count` blank cards with codes and PINs (every printed card has a PIN: it is printed
    under a scratch layer, since its amount is not known when it is printed)."""
    if not 1 <= count <= MAX_RUN:
        raise Refused(_("Print from 1 to %(most)s cards at a time.") % {"most": MAX_RUN})
    scheme = Scheme.current()
    now = timezone.now()
    batch = f"{timezone.localdate(now):%Y%m%d}-{secrets.token_hex(3).upper()}"
    with transaction.atomic():
        for _number in range(count):
            make_printed_card(scheme=scheme, batch=batch, now=now)
    return PrintRun(batch=batch, count=count)


def make_printed_card(*, scheme: Scheme, batch: str, now) -> GiftCard:
    pin = codes.new_pin()
    for _attempt in range(5):  # a clash of 79 random bits: practically never
        try:
            with transaction.atomic():
                return GiftCard.objects.create(
                    code=codes.new_code(),
                    pin_hash=codes.hash_pin(pin),
                    pin_sealed=encrypt(pin),
                    status=CardStatus.PRINTED,
                    amount=Decimal("0.00"),
                    title=scheme.title,
                    text=scheme.text,
                    colour=scheme.colour,
                    batch=batch,
                    created_at=now,
                )
        except IntegrityError:
            continue
    raise RuntimeError("no free gift card code after five tries")


def print_run_csv(*, batch: str) -> str:
    """For the printer: code as printed, the QR code's text, the PIN. Cards already sold
    are left out (the run is printed once, right after it is made)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "qr", "pin"])
    for card in GiftCard.objects.filter(batch=batch, status=CardStatus.PRINTED).order_by("pk"):
        writer.writerow(
            [codes.shown(card.code), codes.qr_text(card.code), decrypt(card.pin_sealed)]
        )
    return out.getvalue()


def activate_printed(*, card_id: int, shop, amount: Decimal, user, key: str) -> GiftCard:
    """The shop sold a printed card for `amount`: it becomes active with that balance, sold
    by the shop (a COUNTER_SALE entry: the shop owes the centre what it took at its till).
    One guarded UPDATE from PRINTED, so two counters cannot both sell one card; the same key
    twice (a double tap) returns the card sold the first time. Raises Refused."""
    scheme = Scheme.current()
    refuse_unless_participating(shop, scheme)
    check_amount(amount, scheme)
    full_key = f"counter-sale-{key}"
    done = Entry.objects.filter(idempotency_key=full_key).select_related("card").first()
    if done is not None and done.card is not None:
        return done.card
    now = timezone.now()
    with transaction.atomic():
        sold = GiftCard.objects.filter(pk=card_id, status=CardStatus.PRINTED).update(
            status=CardStatus.ACTIVE,
            amount=amount,
            balance=amount,
            sold_by=shop,
            activated_at=now,
            expires_at=expiry_after(timezone.localdate(now), months=scheme.validity_months),
        )
        if not sold:
            raise Refused(_("This card has been sold already."))
        card = GiftCard.objects.get(pk=card_id)
        ledger.post(
            kind=EntryKind.COUNTER_SALE,
            amount=amount,
            key=full_key,
            card=card,
            shop_id=shop.pk,
            user=user,
        )
    return card


def print_runs():
    """Management's list: each run with its cards not sold yet and all of them."""
    from django.db.models import Count, Q

    return (
        GiftCard.objects.exclude(batch="")
        .values("batch")
        .annotate(cards=Count("pk"), unsold=Count("pk", filter=Q(status=CardStatus.PRINTED)))
        .order_by("-batch")[:20]
    )
