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
        from marketplace.storefront.work_areas import shop_and_courier

        # Cached per user: this runs on every page a signed-in user sees.
        shop, courier = shop_and_courier(user)
        return {"shop": shop, "courier": courier, "management": user.is_staff}

    return {"work_areas": SimpleLazyObject(areas)}
