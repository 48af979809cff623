"""Writes: events and news from management and shops, their review, and channel counters."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from marketplace.rich_text import clean_rich_text

from .models import ApiPartner, ChannelUse, EventView, NewsItem, ReviewStatus

SLUG_LENGTH = 80


def unique_slug(model, title: str) -> str:
    """A slug from the title; a short random tail when another row has it already."""
    base = slugify(title)[:SLUG_LENGTH] or "item"
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
    return slug


def save_publication(item, *, shop=None) -> None:
    """Saves a new or edited event or news item.

    Written by management (shop None): approved at once. Written by a shop: waits for
    management's review again, also after an edit of an approved item, so what shows is
    always what management saw. The text is cleaned to the rich-text allow-list.
    """
    item.text = clean_rich_text(item.text)
    item.shop = shop
    item.status = ReviewStatus.PENDING if shop else ReviewStatus.APPROVED
    if isinstance(item, NewsItem) and item.published_at is None:
        item.published_at = timezone.now()  # a shop's news: again when approved
    if not item.slug:
        item.slug = unique_slug(type(item), item.title)
    item.save()


def review_publication(model, *, pk: int, approve: bool, reviewer, message: str = "") -> bool:
    """Approves or rejects an item waiting for review; False when it is no longer waiting
    (a second click changes nothing). One guarded UPDATE."""
    changes = {
        "status": ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
        "reviewed_by": reviewer,
        "review_message": message,
        "updated_at": timezone.now(),
    }
    if model is NewsItem and approve:
        changes["published_at"] = timezone.now()  # news is new when it shows
    changed = model.objects.filter(pk=pk, status=ReviewStatus.PENDING).update(**changes)
    return changed == 1


def count_use(*, channel: str, partner_key: str | None, day: date) -> None:
    """Counts one request of a channel for a partner (an unknown key counts as no partner).

    Concurrent requests: the row is created once (unique per day, channel, key) and then
    incremented by UPDATE … SET requests = requests + 1, so no count is lost.
    """
    key = partner_key if partner_key and known_partner(partner_key) else ""
    bump(ChannelUse, {"day": day, "channel": channel, "partner_key": key}, "requests")


def count_event_view(*, event_id: int, day: date) -> None:
    bump(EventView, {"event_id": event_id, "day": day}, "views")


def bump(model, keys: dict, field: str) -> None:
    if model.objects.filter(**keys).update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **{field: 1})
    except IntegrityError:  # another request made the row first
        model.objects.filter(**keys).update(**{field: F(field) + 1})


def known_partner(key: str) -> bool:
    return ApiPartner.objects.filter(key=key[:40]).exists()
