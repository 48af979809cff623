"""Paying (part of) an order with the city gift card at checkout: the card's code, its PIN
when it has one, and the amount to use (empty: as much as the card and the order allow).
Codes are counted per address and PINs per card, like at a shop's counter."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.giftcards import services as gift_cards
from marketplace.throttling import client_ip, hit, over_rate

CODE, PIN, AMOUNT = "gift_card_code", "gift_card_pin", "gift_card_amount"


@dataclass(frozen=True)
class CardSpend:
    """A card checked at checkout; `amount` None means as much as possible."""

    card_id: int
    amount: Decimal | None


def add_fields(form: forms.Form) -> None:
    form.fields[CODE] = forms.CharField(
        label=gettext_lazy("City gift card code"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    form.fields[PIN] = forms.CharField(
        label=gettext_lazy("PIN of the gift card"),
        help_text=gettext_lazy("Only cards above the PIN limit have one."),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    form.fields[AMOUNT] = forms.DecimalField(
        label=gettext_lazy("Amount to pay with the gift card"),
        help_text=gettext_lazy("Leave it empty to use as much as the card and the order allow."),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def card_spend(request, form) -> CardSpend | None:
    """The card the consumer typed, checked, or None: no card asked for, or an error added
    to the form (then `form.errors` is not empty and nothing changed)."""
    code = form.cleaned_data.get(CODE, "").strip()
    pin = form.cleaned_data.get(PIN, "").strip()
    amount = form.cleaned_data.get(AMOUNT)
    if not code:
        if pin or amount is not None:
            form.add_error(CODE, _("Type the gift card's code to pay with it."))
        return None
    if over_rate([("giftcard_code_address", client_ip(request) or "unknown")]):
        form.add_error(CODE, _("Too many codes tried; wait a minute and try again."))
        return None
    try:
        card = gift_cards.find_card(code_text=code)
    except gift_cards.Refused as refused:
        form.add_error(CODE, str(refused))
        return None
    if card.needs_pin:
        if hit("giftcard_pin_card", card.code) is not None:
            form.add_error(PIN, _("Too many PINs tried for this card; wait an hour and try again."))
            return None
        if not pin:
            form.add_error(PIN, _("This card needs its PIN: it is on the card and in its e-mail."))
            return None
        try:
            gift_cards.check_pin(card, pin)
        except gift_cards.Refused as refused:
            form.add_error(PIN, str(refused))
            return None
    if problem := gift_cards.usable_now(card):
        form.add_error(CODE, problem)
        return None
    return CardSpend(card_id=card.pk, amount=amount)
