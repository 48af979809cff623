"""The double-entry ledger of the gift card money. Every entry is posted here and only here:
its postings add up to zero, so the books always balance.

Accounts: each card's balance (a liability to its holder), the centre's gift card money
(cash), what is owed to each shop (redemptions less its counter sales), expired balances
(breakage, income of the centre), and card money held for online orders awaiting payment.
Debits are positive, credits negative."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from .models import Account, AccountKind, Entry, EntryKind, GiftCard, Posting

ZERO = Decimal("0.00")


class Unbalanced(ValueError):
    pass


def centre_account(kind: str) -> Account:
    try:
        with transaction.atomic():
            return Account.objects.get_or_create(kind=kind, card=None, shop=None)[0]
    except IntegrityError:  # a concurrent first use made it
        return Account.objects.get(kind=kind, card=None, shop=None)


def card_account(card: GiftCard) -> Account:
    try:
        with transaction.atomic():
            return Account.objects.get_or_create(kind=AccountKind.CARD, card=card)[0]
    except IntegrityError:
        return Account.objects.get(card=card)


def shop_account(shop_id: int) -> Account:
    try:
        with transaction.atomic():
            return Account.objects.get_or_create(kind=AccountKind.SHOP, shop_id=shop_id)[0]
    except IntegrityError:
        return Account.objects.get(shop_id=shop_id)


def legs(kind: str, card: GiftCard | None, shop_id: int | None) -> tuple[Account, Account]:
    """(debited, credited) account of an entry of `kind`."""

    def the_card() -> Account:
        if card is None:
            raise ValueError(f"a {kind} entry needs its card")
        return card_account(card)

    def the_shop() -> Account:
        if shop_id is None:
            raise ValueError(f"a {kind} entry needs its shop")
        return shop_account(shop_id)

    if kind == EntryKind.SALE:
        return centre_account(AccountKind.CASH), the_card()
    if kind == EntryKind.COUNTER_SALE:  # the shop took the money: it owes it to the centre
        return the_shop(), the_card()
    if kind == EntryKind.REDEMPTION:
        return the_card(), the_shop()
    if kind == EntryKind.REFUND:
        return the_card(), centre_account(AccountKind.CASH)
    if kind == EntryKind.EXPIRY:
        return the_card(), centre_account(AccountKind.BREAKAGE)
    if kind == EntryKind.PAYOUT:
        return the_shop(), centre_account(AccountKind.CASH)
    if kind == EntryKind.HOLD:
        return the_card(), centre_account(AccountKind.HELD)
    if kind == EntryKind.RELEASE:
        return centre_account(AccountKind.HELD), the_card()
    if kind == EntryKind.ONLINE_SPEND:
        return centre_account(AccountKind.HELD), the_shop()
    if kind == EntryKind.CARD_RETURN:
        return the_shop(), the_card()
    if kind == EntryKind.SHOP_OWES:
        return the_shop(), centre_account(AccountKind.CASH)
    if kind == EntryKind.CENTRE_OWES:
        return centre_account(AccountKind.CASH), the_shop()
    raise ValueError(f"unknown entry kind {kind!r}")


def post(
    *,
    kind: str,
    amount: Decimal,
    key: str,
    card: GiftCard | None = None,
    shop_id: int | None = None,
    user=None,
) -> Entry:
    """Writes one entry and its two postings. Call it inside the transaction that changed
    the card's balance, so both commit or neither does."""
    if amount <= 0:
        raise Unbalanced(f"an entry moves a positive amount, not {amount}")
    debit, credit = legs(kind, card, shop_id)
    entry = Entry.objects.create(
        kind=kind,
        card=card,
        shop_id=shop_id,
        amount=amount,
        idempotency_key=key,
        created_at=timezone.now(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    Posting.objects.bulk_create(
        [
            Posting(entry=entry, account=debit, amount=amount),
            Posting(entry=entry, account=credit, amount=-amount),
        ]
    )
    return entry


def balance_of(account: Account) -> Decimal:
    return account.postings.aggregate(total=Sum("amount"))["total"] or ZERO


def trial_balance() -> dict[str, Decimal]:
    """Every kind of account's total; they add up to zero."""
    rows = Posting.objects.values("account__kind").annotate(total=Sum("amount"))
    totals = {kind: ZERO for kind in AccountKind.values}
    totals.update({row["account__kind"]: row["total"] for row in rows})
    return totals


def unbalanced_entries() -> list[int]:
    """Ids of entries whose postings do not add up to zero (none, ever)."""
    return list(
        Entry.objects.annotate(total=Sum("postings__amount"))
        .exclude(total=ZERO)
        .values_list("pk", flat=True)
    )
