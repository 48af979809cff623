"""Writes of "my town": favourite shops, the news preference, back-in-stock alerts and a
shop's news posts. Keyword-only; each is safe to call twice (a second call changes nothing)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.outbox import enqueue
from shops.models import Shop, ShopStatus

from .alerts import for_sale_anywhere
from .models import FavouriteShop, NewsPost, NewsPreference

ProductAlert = get_model("customer", "ProductAlert")
User = get_user_model()


class CommunityRefused(Exception):
    """A refused action, with a message for people; nothing was changed."""


def add_favourite(*, user, shop: Shop) -> bool:
    """True if the shop became a favourite now (False: it was already)."""
    if shop.status != ShopStatus.ACTIVE:
        raise CommunityRefused(_("This shop is not open for orders."))
    try:
        with transaction.atomic():
            FavouriteShop.objects.create(user=user, shop=shop)
    except IntegrityError:  # a second click or tab: the unique pair holds it once
        return False
    return True


def remove_favourite(*, user, shop_id: int) -> bool:
    deleted, _rows = FavouriteShop.objects.filter(user=user, shop_id=shop_id).delete()
    return bool(deleted)


def set_news_by_email(*, user, wanted: bool) -> None:
    NewsPreference.objects.update_or_create(user=user, defaults={"news_by_email": wanted})


def ask_back_in_stock(*, user, product):
    """An open alert for the product, made once per person (the user's row is locked, so
    two clicks at once cannot make two). Refused while any shop sells it."""
    if for_sale_anywhere(product.pk):
        raise CommunityRefused(_("This product is in stock: you can order it now."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        alert = ProductAlert.objects.filter(
            user=user, product=product, status=ProductAlert.ACTIVE
        ).first()
        if alert is None:
            alert = ProductAlert.objects.create(
                user=user, product=product, status=ProductAlert.ACTIVE
            )
    return alert


def cancel_alert(*, user, alert_id: int) -> bool:
    """Only the person's own open alert; another's id changes nothing."""
    changed = ProductAlert.objects.filter(
        pk=alert_id, user=user, status=ProductAlert.ACTIVE
    ).update(status=ProductAlert.CANCELLED, date_cancelled=timezone.now())
    return bool(changed)


def publish_news(*, shop: Shop, user, title: str, text: str, until: date | None) -> NewsPost:
    """A new post of `shop` (the caller's own shop, never one from the request), e-mailed to
    its opted-in followers by a task queued on commit."""
    from .tasks import send_news_post

    now = timezone.now()
    with transaction.atomic():
        post = NewsPost.objects.create(
            shop=shop,
            title=title,
            text=text,
            until=until,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        enqueue(send_news_post, post.pk)
    return post


def edit_news(*, post: NewsPost, title: str, text: str, until: date | None) -> NewsPost:
    """Corrects a post; its e-mail went already and is not sent again."""
    post.title, post.text, post.until = title, text, until
    post.updated_at = timezone.now()
    post.save(update_fields=["title", "text", "until", "updated_at"])
    return post
