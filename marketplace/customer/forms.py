"""Registration that says nothing about which addresses have an account."""

from django.contrib.auth import get_user_model
from oscar.apps.customer.forms import EmailUserCreationForm
from oscar.apps.customer.utils import normalise_email

User = get_user_model()


class NeutralRegistrationForm(EmailUserCreationForm):
    """Oscar's form without "A user with that email address already exists": an address
    that has an account is valid here too, and `existing_account` tells the view, which
    answers the same either way and e-mails the account holder instead."""

    existing_account = None

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        self.existing_account = User._default_manager.filter(email__iexact=email).first()
        return email
