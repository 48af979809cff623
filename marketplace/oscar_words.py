"""Oscar's own words that the marketplace says differently. Listed here so makemessages keeps
them in locale/, whose translations come before Oscar's (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Date submitted"),  # Oscar: "Verzonden op"; an order is placed, not sent
]
