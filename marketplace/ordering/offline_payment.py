"""The offline gateway's payment page offers the town's payment methods, like Stripe's hosted
page does: iDEAL with a choice of bank, Bancontact, card. It can also leave a bank payment
waiting for the bank's word and then give that word, so the demo and the tests can show a
payment that confirms later or fails."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.payments.fees import METHOD_LABELS, offered_methods
from marketplace.payments.services import choose_method, mark_failed, mark_processing

from . import services

# The banks of the real iDEAL page (the issuers of iDEAL in the Netherlands).
IDEAL_BANKS = [
    ("abn_amro", "ABN AMRO"),
    ("asn_bank", "ASN Bank"),
    ("bunq", "bunq"),
    ("ing", "ING"),
    ("knab", "Knab"),
    ("rabobank", "Rabobank"),
    ("regiobank", "RegioBank"),
    ("revolut", "Revolut"),
    ("sns_bank", "SNS"),
    ("triodos_bank", "Triodos Bank"),
    ("van_lanschot", "Van Lanschot Kempen"),
]
PAY, PENDING = "pay", "pending"
BANK_CONFIRMS, BANK_REFUSES = "bank_confirms", "bank_refuses"


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Pay with"), widget=forms.RadioSelect)
    bank = forms.ChoiceField(
        label=gettext_lazy("Your bank"),
        required=False,
        choices=[("", gettext_lazy("Choose your bank")), *IDEAL_BANKS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # None picked in advance, as on Stripe's page; a payment posted without a method
        # (an older form) is paid as before, its method unknown (the card rate applies).
        self.fields["method"].choices = [
            (method, METHOD_LABELS[method]) for method in offered_methods()
        ]

    def clean(self):
        data = super().clean()
        if data.get("method") == "ideal" and not data.get("bank"):
            self.add_error("bank", _("Choose your bank to pay with iDEAL."))
        return data


def pay(request, order, form: MethodForm, action: str):
    """Pays now, or leaves the payment waiting for the bank (a bank method only)."""
    method = form.cleaned_data["method"]
    if action == PENDING:
        mark_processing(payment_id=order.payment.pk, method=method)
        messages.info(
            request,
            _(
                "Your bank has not confirmed your payment yet. We keep your items for you "
                "and show here when it does."
            ),
        )
        return redirect("ordering:order", number=order.number)
    choose_method(payment_id=order.payment.pk, method=method)
    return None  # the caller records the payment as before


def bank_answers(request, order):
    """The bank's later word on a payment waiting for it (the demo's stand-in for Stripe's
    async_payment_succeeded / _failed events)."""
    action = request.POST.get("action")
    if action == BANK_CONFIRMS:
        return None  # the caller records the payment as before
    if action == BANK_REFUSES:
        mark_failed(payment_id=order.payment.pk, error="The bank did not confirm the payment.")
        services.cancel_unpaid_order(order_id=order.pk, expired=True)
        messages.warning(
            request, _("Your bank did not confirm the payment, so the order is cancelled.")
        )
    return redirect("ordering:order", number=order.number)
