"""Reads of local information for the public (approved items only) and for management."""

from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from shops.hours import Schedule

from .models import Event, NewsItem, Place, PlaceHoursException, ReviewStatus


def public_events() -> QuerySet[Event]:
    """Events shown to everyone: management's and shops' approved ones (all are approved
    once reviewed; management's own are approved when written)."""
    return Event.objects.filter(status=ReviewStatus.APPROVED).select_related(
        "category", "at_shop__partner", "at_place"
    )


def public_news(*, now: datetime) -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(
        status=ReviewStatus.APPROVED, published_at__lte=now
    ).select_related("category", "shop__partner")


def events_overlapping(*, since: datetime, until: datetime) -> QuerySet[Event]:
    """Events that may have an occurrence in the window (recurring ones until their end day)."""
    return (
        public_events()
        .filter(starts_at__lt=until)
        .filter(Q(ends_at__gt=since) | Q(recurrence__gt="", repeat_until__gte=since.date()))
    )


def places_with_hours(*, first_day: date, last_day: date) -> QuerySet[Place]:
    exceptions = PlaceHoursException.objects.filter(date__gte=first_day, date__lte=last_day)
    return Place.objects.filter(is_public=True).prefetch_related(
        "opening_hours", Prefetch("opening_exceptions", queryset=exceptions)
    )


def place_schedule(place: Place) -> Schedule:
    weekly = tuple((p.weekday, p.opens, p.closes) for p in place.opening_hours.all())
    exceptions = {
        e.date: () if e.closed else ((e.opens, e.closes),) for e in place.opening_exceptions.all()
    }
    return Schedule(weekly=weekly, exceptions=exceptions)


def place_is_open(place: Place, moment: datetime) -> bool:
    if place.always_open:
        return True
    return place_schedule(place).is_open_at(moment)


def items_waiting_for_review() -> tuple[QuerySet[Event], QuerySet[NewsItem]]:
    waiting = {"status": ReviewStatus.PENDING}
    return (
        Event.objects.filter(**waiting).select_related("shop__partner").order_by("created_at"),
        NewsItem.objects.filter(**waiting).select_related("shop__partner").order_by("created_at"),
    )
