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
        from logistics.models import Courier
        from shops.models import Shop

        return {
            "shop": Shop.objects.filter(partner__users=user).exists(),
            "courier": Courier.objects.filter(user=user, is_active=True).exists(),
            "management": user.is_staff,
        }

    return {"work_areas": SimpleLazyObject(areas)}
