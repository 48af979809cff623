"""The Dutch address register (BAG), asked through PDOK's Locatieserver: a postcode and a
house number (with its letter or addition) give the street, the town and the house's point.

`lookup_address` has three outcomes, and the checkout treats each differently:

- a `RegisteredAddress`: the register holds exactly this house;
- `AddressUnknown` raised: the register answered and has no such house (the message, for
  the consumer, names the numbers it does have);
- None: no register configured (demo, tests), not reachable within the timeout, or an
  answer we cannot be sure of. The caller then uses the postcode area's centre and marks
  the location approximate: a delivery is never refused because PDOK is down.

Nothing here trusts the browser: the checkout asks again on submit, whatever the page filled in.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FIELDS = ",".join(
    (
        "type",
        "straatnaam",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "postcode",
        "woonplaatsnaam",
        "centroide_ll",
    )
)
# More rows than any one number at one postcode has additions (flats); a cut-off answer
# is not trusted to say a house is missing.
MAX_ROWS = 100
POINT = re.compile(r"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$")
HOUSE_NUMBER = re.compile(r"^[1-9]\d{0,4}$")
ADDITION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$")
CACHE_SECONDS = 24 * 3600
MICRODEGREE = Decimal("0.000001")  # the OrderPart's coordinates keep six decimals


class AddressUnknown(Exception):
    """The register says this house does not exist; the message is for the consumer."""


@dataclass(frozen=True)
class RegisteredAddress:
    street: str
    house_number: str
    addition: str
    postcode: str  # "7411 AB"
    city: str
    latitude: Decimal
    longitude: Decimal


def normalise_addition(raw: str) -> str:
    """ "a", "A", " -a " -> "A"; "a 2", "A-2" -> "A2": how the register's letter and addition
    compare, whatever separators the consumer typed."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def is_house_number(raw: str) -> bool:
    return bool(HOUSE_NUMBER.match(raw or ""))


def is_addition(raw: str) -> bool:
    return not raw or bool(ADDITION.match(raw))


def lookup_address(
    *, postcode: str, house_number: str, addition: str = ""
) -> RegisteredAddress | None:
    """The house at `postcode` (normalised, "7411 AB") and `house_number`, from the register.

    Raises AddressUnknown when the register has no such house; None when it cannot say
    (see the module's opening). Makes one HTTP call with ADDRESS_LOOKUP_TIMEOUT_SECONDS,
    answers from the cache when the same house was asked for within a day. Safe to call
    again; holds no lock, so call it outside a transaction.
    """
    url = getattr(settings, "ADDRESS_LOOKUP_URL", "")
    if not url or not is_house_number(house_number):
        return None
    wanted = normalise_addition(addition)
    # The register's URL is in the key: another register (or a test's server) asks anew.
    register = hashlib.sha256(url.encode()).hexdigest()[:12]
    key = f"address:{register}:{postcode.replace(' ', '')}:{house_number}:{wanted}"
    if found := cached(key):
        return found
    docs = fetch_docs(url, postcode=postcode, house_number=house_number)
    if docs is None:
        return None
    found = match_house(docs, postcode=postcode, house_number=house_number, addition=wanted)
    if found is not None:
        remember(key, found)
    return found


def fetch_docs(url: str, *, postcode: str, house_number: str) -> list[dict] | None:
    """The register's addresses at this postcode and number; None when it cannot answer."""
    params = {
        "fq": ["type:adres", f"postcode:{postcode.replace(' ', '')}", f"huisnummer:{house_number}"],
        "fl": FIELDS,
        "rows": str(MAX_ROWS),
    }
    timeout = getattr(settings, "ADDRESS_LOOKUP_TIMEOUT_SECONDS", 2.0)
    try:
        response = requests.get(url, params=params, timeout=timeout)
        response.raise_for_status()
        answer = response.json()["response"]
        docs, found = answer["docs"], int(answer["numFound"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        logger.warning("address lookup: no answer from the register (%s)", type(error).__name__)
        return None
    if not isinstance(docs, list) or found > len(docs):
        logger.warning("address lookup: the register's answer is incomplete")
        return None
    return [doc for doc in docs if isinstance(doc, dict)]


def match_house(
    docs: list[dict], *, postcode: str, house_number: str, addition: str
) -> RegisteredAddress | None:
    """The one house of `docs` with this number and addition (normalised). Pure."""
    compact = postcode.replace(" ", "")
    at_number = [
        doc
        for doc in docs
        if doc.get("type", "adres") == "adres"
        and str(doc.get("postcode", "")).replace(" ", "").upper() == compact
        and str(doc.get("huisnummer", "")) == house_number
    ]
    exact = [doc for doc in at_number if addition_of(doc) == addition]
    if len(exact) == 1:
        return registered(exact[0], postcode=postcode, house_number=house_number)
    if exact:
        return None  # two houses under one name: not sure which
    raise AddressUnknown(unknown_message(postcode, house_number, addition, at_number))


def addition_of(doc: dict) -> str:
    letter, extra = doc.get("huisletter") or "", doc.get("huisnummertoevoeging") or ""
    return normalise_addition(f"{letter}{extra}")


def registered(doc: dict, *, postcode: str, house_number: str) -> RegisteredAddress | None:
    point = POINT.match(str(doc.get("centroide_ll", "")))
    street, city = str(doc.get("straatnaam") or ""), str(doc.get("woonplaatsnaam") or "")
    if not point or not street or not city:
        logger.warning("address lookup: the register's house lacks a street, town or point")
        return None
    try:
        longitude, latitude = (Decimal(value).quantize(MICRODEGREE) for value in point.groups())
    except InvalidOperation:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    letter, extra = doc.get("huisletter") or "", doc.get("huisnummertoevoeging") or ""
    return RegisteredAddress(
        street=street,
        house_number=house_number,
        addition=f"{letter}-{extra}" if letter and extra else f"{letter}{extra}",
        postcode=postcode,
        city=city,
        latitude=latitude,
        longitude=longitude,
    )


def unknown_message(postcode: str, house_number: str, addition: str, at_number: list[dict]) -> str:
    house = f"{house_number}{addition}"
    if not at_number:
        return _("The address register has no house number %(house)s at postcode %(postcode)s.") % {
            "house": house,
            "postcode": postcode,
        }
    existing = sorted({f"{house_number}{addition_of(doc)}" for doc in at_number})
    return _(
        "The address register has no house number %(house)s at postcode %(postcode)s; "
        "there are %(existing)s. Check the letter or addition."
    ) % {"house": house, "postcode": postcode, "existing": ", ".join(existing)}


def cached(key: str) -> RegisteredAddress | None:
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 (the cache is optional: ask the register instead)
        return None
    return found if isinstance(found, RegisteredAddress) else None


def remember(key: str, found: RegisteredAddress) -> None:
    try:
        cache.set(key, found, CACHE_SECONDS)
    except Exception:  # noqa: BLE001 (the cache is optional)
        logger.warning("address lookup: the cache does not answer; not remembered")
