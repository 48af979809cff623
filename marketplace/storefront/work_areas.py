"""The header's links to the areas a signed-in user works in (shop, courier), cached per user.

Every page a signed-in user sees shows them, and they change only when someone becomes (or
stops being) a shop's staff or a courier: the answer is kept in the cache per user, dropped
when a shop's partner users, a shop or a courier change (and at most WORK_AREAS_SECONDS old
otherwise). Without the cache (Redis down reads as a miss: optional_cache.py) it is the one
query it was.
"""

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save

WORK_AREAS_SECONDS = 5 * 60


def key(user_id: int) -> str:
    return f"storefront:work-areas:{user_id}"


def _query(user_id: int) -> tuple[bool, bool]:
    from django.contrib.auth import get_user_model

    from logistics.models import Courier
    from shops.models import Shop

    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list(
            Exists(Shop.objects.filter(partner__users=OuterRef("pk"))),
            Exists(Courier.objects.filter(user=OuterRef("pk"), is_active=True)),
        )
        .first()
    ) or (False, False)


def shop_and_courier(user) -> tuple[bool, bool]:
    """Whether `user` works for a shop and as an active courier. The cached answer names
    the user's sign-up time too: a user id used again (a database restored or rolled back)
    does not take another user's links."""
    joined = user.date_joined.isoformat() if user.date_joined else ""
    known = cache.get(key(user.pk))
    if known is not None and known[0] == joined:
        return known[1], known[2]
    shop, courier = _query(user.pk)
    cache.set(key(user.pk), (joined, shop, courier), WORK_AREAS_SECONDS)
    return shop, courier


def forget(user_ids) -> None:
    keys = [key(user_id) for user_id in user_ids if user_id]
    if keys:
        cache.delete_many(keys)


def _partner_users_changed(sender, instance, action, pk_set, model, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    from django.contrib.auth import get_user_model

    if isinstance(instance, get_user_model()):
        forget([instance.pk])
    elif action == "pre_clear":
        forget(instance.users.values_list("pk", flat=True))
    else:
        forget(pk_set or ())


def _shop_changed(sender, instance, **kwargs):
    if instance.partner_id:
        forget(instance.partner.users.values_list("pk", flat=True))


def _courier_changed(sender, instance, **kwargs):
    forget([instance.user_id])


def watch_work_areas() -> None:
    """StorefrontConfig.ready: changes that move a user's links drop their cached links."""
    from oscar.core.loading import get_model

    from logistics.models import Courier
    from shops.models import Shop

    through = get_model("partner", "Partner").users.through
    m2m_changed.connect(_partner_users_changed, sender=through, dispatch_uid="work-areas-m2m")
    for signal in (post_save, post_delete):
        signal.connect(_shop_changed, sender=Shop, dispatch_uid=f"work-areas-shop-{signal}")
        signal.connect(
            _courier_changed, sender=Courier, dispatch_uid=f"work-areas-courier-{signal}"
        )
