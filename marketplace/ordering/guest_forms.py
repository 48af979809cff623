"""What a guest types: the contact at checkout, and a password to make an account later."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.forms import EmailUserCreationForm
from oscar.apps.customer.utils import normalise_email

# Digits after dropping spaces, dashes, dots and brackets: 06 12345678, +31 6 12345678.
PHONE = re.compile(r"^\+?\d{10,15}$")
PHONE_SEPARATORS = re.compile(r"[\s\-.()]")


def add_guest_fields(form) -> None:
    """A checkout without an account needs an e-mail and a phone: the e-mail gets the
    order and its link, the shop or courier calls the phone."""
    form.fields["email"] = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send your order and the link to it here."),
        error_messages={
            "required": _("Needed to order without an account: we send the order here."),
            "invalid": _("Enter an e-mail address like name@example.nl."),
        },
    )
    phone = form.fields["phone"]
    phone.required = True
    phone.error_messages["required"] = _(
        "Needed to order without an account: the shop or courier calls it if needed."
    )


def clean_guest_email(email: str) -> str:
    return normalise_email(email)


def clean_guest_phone(phone: str) -> str:
    if not PHONE.match(PHONE_SEPARATORS.sub("", phone)):
        raise forms.ValidationError(
            _("Enter a phone number of 10 to 15 digits, like 06 12345678 or +31 6 12345678."),
            code="invalid",
        )
    return phone.strip()


class GuestAccountForm(EmailUserCreationForm):
    """Oscar's account form with the e-mail of the order, never one typed: the guest only
    chooses a password (twice)."""

    def __init__(self, data=None, *, email: str, **kwargs):
        if data is not None:
            data = {
                "email": email,
                "password1": data.get("password1", ""),
                "password2": data.get("password2", ""),
            }
        super().__init__(data, initial={"email": email}, **kwargs)
        self.fields["email"].disabled = True
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")
