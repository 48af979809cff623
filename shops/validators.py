"""Dutch formats a shop gives us: postcode, VAT number, phone number.

Each `normalise_*` tidies what people type (spaces, dots, lower case) and raises a
ValidationError naming the expected format, so the form can show it next to the field.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dutch postcodes never start with 0, and PostNL does not hand out SA, SD and SS.
POSTCODE = re.compile(r"^([1-9]\d{3}) ?([A-Z]{2})$")
UNUSED_POSTCODE_LETTERS = {"SA", "SD", "SS"}
# Since 2020 the Dutch VAT id (btw-id) is NL + 9 digits + B + 2 digits.
VAT_NUMBER = re.compile(r"^NL\d{9}B\d{2}$")
KVK_NUMBER = re.compile(r"^\d{8}$")


def normalise_postcode(value: str) -> str:
    match = POSTCODE.match(value.strip().upper())
    if not match or match.group(2) in UNUSED_POSTCODE_LETTERS:
        raise ValidationError(_('Enter a Dutch postcode like "1234 AB".'), code="postcode")
    return f"{match.group(1)} {match.group(2)}"


def normalise_vat_number(value: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not VAT_NUMBER.match(compact):
        raise ValidationError(
            _("Enter a Dutch VAT number in the format NL123456789B01 (NL, 9 digits, B, 2 digits)."),
            code="vat_number",
        )
    return compact


def normalise_kvk_number(value: str) -> str:
    compact = re.sub(r"[\s.]", "", value)
    if not KVK_NUMBER.match(compact):
        raise ValidationError(
            _("A chamber of commerce (KvK) number has exactly 8 digits."), code="kvk_number"
        )
    return compact


def normalise_phone(value: str) -> str:
    """A valid phone number, written the international way (+31 570 123 456)."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, like 0570 123456 or +31 570 123456."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
