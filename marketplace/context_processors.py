from django.conf import settings

from marketplace.storefront.branding import brand_context


def branding(request):
    """The town's name, colours (with readable text colours) and logo, for every template."""
    return {"brand": brand_context(settings.STOREFRONT_BRAND)}


def work_areas(request):
    """Links to the areas a signed-in user works in (shop, courier, management), lazily."""
    from django.utils.functional import SimpleLazyObject

    def areas():
        user = request.user
        if not user.is_authenticated:
            return {}
        from django.contrib.auth import get_user_model
        from django.db.models import Exists, OuterRef

        from logistics.models import Courier
        from shops.models import Shop

        # One query for both links: this runs on every page a signed-in user sees.
        shop, courier = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values_list(
                Exists(Shop.objects.filter(partner__users=OuterRef("pk"))),
                Exists(Courier.objects.filter(user=OuterRef("pk"), is_active=True)),
            )
            .first()
        ) or (False, False)
        return {"shop": shop, "courier": courier, "management": user.is_staff}

    return {"work_areas": SimpleLazyObject(areas)}
