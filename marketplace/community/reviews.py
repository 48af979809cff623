"""Reviews by people who bought there: who may write one, writing it, and moderation.

May review a shop: someone with an order part of that shop that reached them (collected at
the shop or the hub, or delivered). May review a product: someone with an order line of that
product, not refused, in such a part. One review per person and subject; editing it sends it
back to management, and only approved reviews are shown (selectors.py).
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from logistics.models import OrderPart, PartStatus
from logistics.part_states import LINE_REFUSED
from shops.models import Shop

from .models import REJECT_REASON_MAX, Review, ReviewStatus
from .selectors import forget_rating

Line = get_model("order", "Line")
# The goods reached the consumer: only then can they say what the shop or product was like.
RECEIVED = (PartStatus.COLLECTED, PartStatus.DELIVERED)


class ReviewRefused(Exception):
    """Not allowed (did not buy there, not staff, bad reason); nothing was changed."""


def bought_at_shop(*, user, shop_id: int) -> bool:
    return OrderPart.objects.filter(order__user=user, shop_id=shop_id, status__in=RECEIVED).exists()


def bought_product(*, user, product_id: int) -> bool:
    return (
        Line.objects.filter(order__user=user, product_id=product_id)
        .exclude(status=LINE_REFUSED)
        .filter(order__parts__shop__partner_id=F("partner_id"), order__parts__status__in=RECEIVED)
        .exists()
    )


def may_review(*, user, shop: Shop | None = None, product=None) -> bool:
    if not user.is_authenticated:
        return False
    if shop is not None:
        return bought_at_shop(user=user, shop_id=shop.pk)
    return bought_product(user=user, product_id=product.pk)


def write_review(*, user, rating: int, text: str, shop: Shop | None = None, product=None) -> Review:
    """Creates the person's review of the shop or product, or replaces their earlier one;
    either way it waits for management again. Refused (ReviewRefused) unless they bought
    there. The form checked rating (1-5) and length; the database checks them again."""
    if (shop is None) == (product is None):
        raise ValueError("a review is of a shop or of a product")
    if not may_review(user=user, shop=shop, product=product):
        raise ReviewRefused(_("Only people who bought there can write a review."))
    subject = {"shop": shop} if shop is not None else {"product": product}
    now = timezone.now()
    fields = {
        "rating": rating,
        "text": text,
        "status": ReviewStatus.PENDING,
        "reject_reason": "",
        "moderated_by": None,
        "moderated_at": None,
        "updated_at": now,
    }
    try:
        with transaction.atomic():
            review, created = Review.objects.select_for_update().update_or_create(
                user=user, **subject, defaults=fields, create_defaults={**fields, "created_at": now}
            )
    except IntegrityError:  # the same person's first review twice at once: the other won
        return write_review(user=user, rating=rating, text=text, shop=shop, product=product)
    # An approved review that was edited is hidden until it is approved again.
    transaction.on_commit(lambda: forget_rating(review))
    return review


def moderate_review(
    *, review_id: int, seen_version: str, moderator, approve: bool, reason: str = ""
) -> Review:
    """Approves or rejects a waiting review (a reason is required to reject). `seen_version`
    is the review's `version()` the moderator read: a review edited since, or moderated
    already, is refused, so nobody approves text they did not see. Locks the review's row."""
    if not moderator.is_staff:
        raise ReviewRefused(_("Only centre management moderates reviews."))
    reason = reason.strip()
    if not approve and not reason:
        raise ReviewRefused(_("Give a reason for rejecting the review."))
    if len(reason) > REJECT_REASON_MAX:
        raise ReviewRefused(_("The reason is too long."))
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if (
            review is None
            or review.status != ReviewStatus.PENDING
            or version(review) != seen_version
        ):
            raise ReviewRefused(_("This review was moderated already or changed meanwhile."))
        review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        review.reject_reason = "" if approve else reason
        review.moderated_by, review.moderated_at = moderator, timezone.now()
        review.save(update_fields=["status", "reject_reason", "moderated_by", "moderated_at"])
        transaction.on_commit(lambda: forget_rating(review))
    return review


def version(review: Review) -> str:
    """What the moderator saw: the review's last change."""
    return review.updated_at.isoformat()
