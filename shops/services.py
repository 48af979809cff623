"""Writes of the shop life cycle: apply, approve or reject, pause and reopen, payouts.

Every status change is one filtered UPDATE (`status=<expected>`), so a double click, two
managers at once or a replayed request change nothing the second time: the function
returns False and the caller says so. E-mails leave after the commit (shops.tasks).
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace import events
from marketplace.outbox import enqueue

from .models import OpeningHours, Shop, ShopApplication, ShopStatus

Partner = get_model("partner", "Partner")
User = get_user_model()

# Paths under /shops/ that a slug must not take, or the shop's page would be unreachable.
RESERVED_SLUGS = {"apply", "payouts", "api", "map"}
KVK_TAKEN = _(
    "This chamber of commerce (KvK) number is already registered. "
    "If it is your shop, please contact centre management."
)


class ApplicationRefused(Exception):
    """The application cannot be stored; `field` names the form field to blame."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Application:
    """A validated application, as the public form hands it over."""

    name: str
    legal_name: str
    chamber_of_commerce_number: str
    vat_number: str
    street: str
    postcode: str
    city: str
    contact_name: str
    contact_email: str
    phone: str
    kind: str
    hours: list[tuple[int, time, time]]  # (weekday, opens, closes); closed days left out


def unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "winkel"
    taken = set(Shop.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def submit_application(*, application: Application) -> Shop:
    """Creates the Partner, the Shop (applied), its hours and the application, all or nothing.

    The form checks the KvK number first; the unique constraint still decides when two
    people submit the same number at the same moment.
    """
    from .tasks import send_application_received_email

    try:
        with transaction.atomic():
            shop = create_applied_shop(application)
            enqueue(send_application_received_email, shop.pk)
    except IntegrityError as error:
        if Shop.objects.filter(
            chamber_of_commerce_number=application.chamber_of_commerce_number
        ).exists():
            raise ApplicationRefused("chamber_of_commerce_number", KVK_TAKEN) from error
        raise
    return shop


def create_applied_shop(application: Application) -> Shop:
    partner = Partner.objects.create(name=application.name)
    shop = Shop.objects.create(
        partner=partner,
        slug=unique_slug(application.name),
        kind=application.kind,
        status=ShopStatus.APPLIED,
        legal_name=application.legal_name,
        chamber_of_commerce_number=application.chamber_of_commerce_number,
        vat_number=application.vat_number,
        street=application.street,
        postcode=application.postcode,
        city=application.city,
        phone=application.phone,
        # The town centre until the owner picks the spot on the map in the shop profile.
        latitude=Decimal(str(settings.TOWN_CENTRE_LATITUDE)).quantize(Decimal("0.000001")),
        longitude=Decimal(str(settings.TOWN_CENTRE_LONGITUDE)).quantize(Decimal("0.000001")),
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(shop=shop, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in application.hours
    )
    ShopApplication.objects.create(
        shop=shop, contact_name=application.contact_name, contact_email=application.contact_email
    )
    return shop


def move_status(shop_id: int, *, expected: str, to: str) -> bool:
    """The guarded transition: True when this call made it, False when it was not due."""
    return bool(
        Shop.objects.filter(pk=shop_id, status=expected).update(
            status=to, updated_at=timezone.now()
        )
    )


def record_decision(shop_id: int, *, decided_by, message: str) -> ShopApplication:
    application = ShopApplication.objects.select_for_update().get(shop_id=shop_id)
    application.decided_at = timezone.now()
    application.decided_by = decided_by
    application.decision_message = message
    application.save(update_fields=["decided_at", "decided_by", "decision_message"])
    return application


def approve_shop(*, shop_id: int, decided_by, message: str = "") -> bool:
    """applied → active: the contact person becomes the shop's owner and is told how to start
    (ShopApproved: payments e-mails the owner, with the link to set up payouts)."""
    with transaction.atomic():
        if not move_status(shop_id, expected=ShopStatus.APPLIED, to=ShopStatus.ACTIVE):
            return False
        application = record_decision(shop_id, decided_by=decided_by, message=message)
        owner = owner_account(email=application.contact_email, name=application.contact_name)
        Shop.objects.get(pk=shop_id).partner.users.add(owner)
        events.publish(events.ShopApproved(shop_id=shop_id, owner_id=owner.pk))
    return True


def owner_account(*, email: str, name: str):
    """The user with this e-mail, or a new one who sets a password through the e-mailed link.

    An existing account is reused so a person who already shops here keeps one sign-in.
    """
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing
    first_name, _space, last_name = name.strip().partition(" ")
    user = User(
        # Oscar signs in by e-mail; the username only has to be unique.
        username=email if len(email) <= 150 else uuid4().hex,
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.set_unusable_password()
    user.save()
    return user


def reject_shop(*, shop_id: int, decided_by, message: str) -> bool:
    """applied → closed, with the reason e-mailed to the applicant."""
    from .tasks import send_shop_rejected_email

    with transaction.atomic():
        if not move_status(shop_id, expected=ShopStatus.APPLIED, to=ShopStatus.CLOSED):
            return False
        record_decision(shop_id, decided_by=decided_by, message=message)
        enqueue(send_shop_rejected_email, shop_id)
    return True


def pause_shop(*, shop_id: int) -> bool:
    """active → paused: off the storefront; its open order parts stay with the shop."""
    with transaction.atomic():
        return move_status(shop_id, expected=ShopStatus.ACTIVE, to=ShopStatus.PAUSED)


def reopen_shop(*, shop_id: int) -> bool:
    with transaction.atomic():
        return move_status(shop_id, expected=ShopStatus.PAUSED, to=ShopStatus.ACTIVE)


def connect_payout_account(*, shop_id: int, account_id: str) -> bool:
    """Stores the payout account once; a second confirmation leaves the first one standing."""
    with transaction.atomic():
        return bool(
            Shop.objects.filter(pk=shop_id, stripe_account_id="").update(
                stripe_account_id=account_id, updated_at=timezone.now()
            )
        )
