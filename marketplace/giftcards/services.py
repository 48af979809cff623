"""What happens to a card: bought, activated, spent at a shop, refunded, expired. Each step
changes the card with one guarded UPDATE and posts its ledger entry in the same transaction:
two shops spending the last euros of one card at once cannot both succeed."""

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from marketplace.encrypted_fields import decrypt, encrypt
from marketplace.outbox import enqueue

from . import codes, ledger
from .models import (
    CardStatus,
    Entry,
    EntryKind,
    GiftCard,
    Purchase,
    PurchaseStatus,
    Scheme,
)

ZERO = Decimal("0.00")


class Refused(Exception):
    """A step that cannot be done; the message is for people and nothing changed."""


@dataclass(frozen=True)
class NewCard:
    card: GiftCard
    pin: str  # shown once (e-mail, PDF, counter page), stored only as a hash


def check_amount(amount: Decimal, scheme: Scheme) -> Decimal:
    if amount != amount.quantize(Decimal("0.01")):
        raise Refused(_("Give the amount in whole cents."))
    if not scheme.min_amount <= amount <= scheme.max_amount:
        raise Refused(
            _("Choose an amount from %(low)s to %(high)s euros.")
            % {
                "low": number_format(scheme.min_amount, 2),
                "high": number_format(scheme.max_amount, 2),
            }
        )
    return amount


def make_card(
    *, amount: Decimal, scheme: Scheme, message: str = "", email: str = "", buyer=None, shop=None
) -> NewCard:
    pin = codes.new_pin() if amount > scheme.pin_above else ""
    for _attempt in range(5):  # a clash of 79 random bits: practically never
        try:
            with transaction.atomic():
                card = GiftCard.objects.create(
                    code=codes.new_code(),
                    pin_hash=codes.hash_pin(pin) if pin else "",
                    pin_sealed=encrypt(pin) if pin else "",
                    amount=amount,
                    title=scheme.title,
                    text=scheme.text,
                    colour=scheme.colour,
                    message=message,
                    email=email,
                    buyer=buyer if getattr(buyer, "is_authenticated", False) else None,
                    sold_by=shop,
                    created_at=timezone.now(),
                )
            return NewCard(card=card, pin=pin)
        except IntegrityError:
            continue
    raise RuntimeError("no free gift card code after five tries")


def start_purchase(*, amount: Decimal, email: str, message: str, buyer) -> Purchase:
    """A card waiting for its payment."""
    from marketplace.payments.gateway import get_gateway

    scheme = Scheme.current()
    if not scheme.is_active:
        raise Refused(_("The city gift card is not on sale right now."))
    check_amount(amount, scheme)
    with transaction.atomic():
        made = make_card(amount=amount, scheme=scheme, message=message, email=email, buyer=buyer)
        purchase = Purchase.objects.create(
            card=made.card,
            token=secrets.token_urlsafe(16)[:22],
            gateway=get_gateway().name,
            amount=amount,
            created_at=timezone.now(),
        )
    return purchase


def expiry_after(day: date, *, months: int) -> datetime:
    """Valid through the same day `months` later (the last day of a shorter month), until
    the local midnight after it."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))


def activate(card: GiftCard, *, scheme: Scheme) -> bool:
    now = timezone.now()
    expires = expiry_after(timezone.localdate(now), months=scheme.validity_months)
    return bool(
        GiftCard.objects.filter(pk=card.pk, status=CardStatus.PENDING).update(
            status=CardStatus.ACTIVE,
            balance=F("amount"),
            activated_at=now,
            expires_at=expires,
        )
    )


def record_purchase_paid(*, purchase_id: int, reference: str) -> bool:
    """The consumer paid: the card becomes active and is e-mailed. False for a replay."""
    from .tasks import send_card_email

    with transaction.atomic():
        paid = Purchase.objects.filter(pk=purchase_id, status=PurchaseStatus.PENDING).update(
            status=PurchaseStatus.PAID, reference=reference[:100], paid_at=timezone.now()
        )
        if not paid:
            return False
        purchase = Purchase.objects.select_related("card").get(pk=purchase_id)
        card = purchase.card
        activate(card, scheme=Scheme.current())
        ledger.post(
            kind=EntryKind.SALE, amount=card.amount, key=f"sale-purchase-{purchase.pk}", card=card
        )
        enqueue(send_card_email, card.pk)
    return True


def cancel_purchase(*, purchase_id: int) -> bool:
    with transaction.atomic():
        cancelled = Purchase.objects.filter(pk=purchase_id, status=PurchaseStatus.PENDING).update(
            status=PurchaseStatus.CANCELLED
        )
        if cancelled:
            GiftCard.objects.filter(purchase__pk=purchase_id, status=CardStatus.PENDING).update(
                status=CardStatus.CANCELLED
            )
    return bool(cancelled)


def sell_at_counter(*, shop, amount: Decimal, user, key: str) -> NewCard:
    """A new card sold for cash (or the shop's own card terminal) at a participating shop."""
    scheme = Scheme.current()
    refuse_unless_participating(shop, scheme)
    check_amount(amount, scheme)
    full_key = f"counter-sale-{key}"
    try:
        with transaction.atomic():
            made = make_card(amount=amount, scheme=scheme, shop=shop)
            activate(made.card, scheme=scheme)
            ledger.post(
                kind=EntryKind.COUNTER_SALE,
                amount=amount,
                key=full_key,
                card=made.card,
                shop_id=shop.pk,
                user=user,
            )
    except IntegrityError:  # the same sale sent twice (a double tap): the first card
        card = GiftCard.objects.get(entries__idempotency_key=full_key)
        return NewCard(card=card, pin=decrypt(card.pin_sealed) if card.pin_sealed else "")
    made.card.refresh_from_db()
    return made


def refuse_unless_participating(shop, scheme: Scheme) -> None:
    if not scheme.is_active or not scheme.shops.filter(pk=shop.pk).exists():
        raise Refused(_("Your shop does not take part in the city gift card."))


def find_card(*, code_text: str) -> GiftCard:
    try:
        code = codes.normalise(code_text)
    except codes.BadCode as bad:
        if str(bad).startswith("length"):
            raise Refused(
                _("A gift card code has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS.")
            ) from bad
        raise Refused(
            _("A gift card code has only the letters A–Z without I, L and O, and the digits 2–9.")
        ) from bad
    card = GiftCard.objects.filter(code=code).exclude(status=CardStatus.PENDING).first()
    if card is None:
        raise Refused(_("No gift card has this code. Check it and try again."))
    return card


def check_pin(card: GiftCard, pin: str) -> None:
    if card.needs_pin and not codes.pin_matches(pin, card.pin_hash):
        raise Refused(_("This card needs its PIN, and the PIN given is not right."))


def usable_now(card: GiftCard) -> str:
    """Why the card cannot be spent now, or ""."""
    if card.status == CardStatus.EXPIRED or (card.expires_at and card.expires_at <= timezone.now()):
        return _("This gift card has expired.")
    if card.status != CardStatus.ACTIVE:
        return _("This gift card cannot be used: %(status)s.") % {
            "status": card.get_status_display()
        }
    if card.balance <= 0:
        return _("This gift card has been spent in full.")
    return ""


def redeem(*, card_id: int, shop, amount: Decimal, key: str, user=None) -> Entry:
    """Spends `amount` of the card at `shop`. One guarded UPDATE takes it off the balance:
    an amount above what is left, an expired or blocked card changes nothing. The same key
    twice (a double tap, a retried request) spends once and returns the first entry."""
    scheme = Scheme.current()
    refuse_unless_participating(shop, scheme)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise Refused(_("Give an amount above zero, in whole cents."))
    full_key = f"redeem-{key}"
    if done := Entry.objects.filter(idempotency_key=full_key, card_id=card_id).first():
        return done
    try:
        with transaction.atomic():
            taken = GiftCard.objects.filter(
                pk=card_id,
                status=CardStatus.ACTIVE,
                expires_at__gt=timezone.now(),
                balance__gte=amount,
            ).update(balance=F("balance") - amount)
            if not taken:
                card = GiftCard.objects.get(pk=card_id)
                raise Refused(
                    usable_now(card)
                    or _("Only %(balance)s euros are left on this card.")
                    % {"balance": number_format(card.balance, 2)}
                )
            card = GiftCard.objects.get(pk=card_id)
            return ledger.post(
                kind=EntryKind.REDEMPTION,
                amount=amount,
                key=full_key,
                card=card,
                shop_id=shop.pk,
                user=user,
            )
    except IntegrityError:  # the same key, posted by a concurrent request: it won
        return Entry.objects.get(idempotency_key=full_key)


def take_whole_balance(
    *, card_id: int, status: str, kind: str, key: str, user=None
) -> Entry | None:
    """Refund or expiry: the whole balance leaves the card, which ends in `status`."""
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card_id)
        if card.status != CardStatus.ACTIVE:
            return None
        left = card.balance
        GiftCard.objects.filter(pk=card.pk).update(balance=ZERO, status=status)
        if left <= 0:
            return None
        return ledger.post(kind=kind, amount=left, key=key, card=card, user=user)


def refund_card(*, card_id: int, user) -> Entry | None:
    """Management pays an unspent card's balance back to its buyer (outside the gateway for
    now: see the report); the card can no longer be spent."""
    return take_whole_balance(
        card_id=card_id,
        status=CardStatus.REFUNDED,
        kind=EntryKind.REFUND,
        key=f"refund-card-{card_id}",
        user=user,
    )


WITHDRAWAL_DAYS = 14


def refund_purchase(*, card_id: int, user, now=None) -> Entry | None:
    """Management refunds a card bought online within the withdrawal period: the card is
    closed, what is left on it (all of it for an unused card) is booked as a REFUND and paid
    back through the gateway after the commit (`send_purchase_refund`, keyed by the
    purchase). None when nothing is left or it was refunded before. Raises Refused for a
    card not bought online, or bought more than WITHDRAWAL_DAYS ago."""
    from .tasks import send_purchase_refund

    now = now or timezone.now()
    purchase = Purchase.objects.filter(card_id=card_id).first()
    if purchase is None or purchase.status not in (PurchaseStatus.PAID, PurchaseStatus.REFUNDED):
        raise Refused(_("This card was not bought online: refund it at the counter."))
    if purchase.paid_at and purchase.paid_at < now - timedelta(days=WITHDRAWAL_DAYS):
        raise Refused(
            _("This card was bought more than %(days)s days ago.") % {"days": WITHDRAWAL_DAYS}
        )
    with transaction.atomic():
        entry = take_whole_balance(
            card_id=card_id,
            status=CardStatus.REFUNDED,
            kind=EntryKind.REFUND,
            key=f"refund-purchase-{purchase.pk}",
            user=user,
        )
        if entry is not None and Purchase.objects.filter(
            pk=purchase.pk, status=PurchaseStatus.PAID
        ).update(status=PurchaseStatus.REFUNDED, refunded_amount=entry.amount):
            enqueue(send_purchase_refund, purchase.pk)
    return entry


def send_purchase_refund_to_gateway(*, purchase_id: int) -> str:
    """Pays a refunded purchase back through the gateway, once (the key is the purchase's).
    Calls the gateway: after the commit only."""
    from marketplace.db import in_transaction

    if in_transaction():
        raise RuntimeError("refunds call the gateway: send them after the transaction commits")
    purchase = Purchase.objects.get(pk=purchase_id)
    if purchase.refund_reference or purchase.refunded_amount <= 0:
        return purchase.refund_reference
    reference = gateway_refund(
        reference=purchase.reference,
        amount=purchase.refunded_amount,
        key=f"refund-purchase-{purchase.pk}",
    )
    Purchase.objects.filter(pk=purchase_id, refund_reference="").update(
        refund_reference=reference[:100]
    )
    return reference


def gateway_refund(*, reference: str, amount: Decimal, key: str) -> str:
    """The one call of the gateway's refund for gift card purchases."""
    from marketplace.payments.gateway import get_gateway

    return get_gateway().refund(
        reference=reference,
        amount=amount,
        idempotency_key=key,
        metadata={"gift_card_purchase_refund": key},
    )


def expire_cards(*, now=None) -> int:
    """Beat: cards past their date lose what is left, to the centre's breakage income."""
    now = now or timezone.now()
    due = GiftCard.objects.filter(status=CardStatus.ACTIVE, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    expired = 0
    for card_id in list(due[:1000]):
        take_whole_balance(
            card_id=card_id,
            status=CardStatus.EXPIRED,
            kind=EntryKind.EXPIRY,
            key=f"expire-card-{card_id}",
        )
        expired += 1
    return expired
