from django.conf import settings


def branding(request):
    """The town's name, colours and logo, for every template."""
    return {
        "brand": {
            "name": settings.BRAND_NAME,
            "town": settings.TOWN_NAME,
            "primary_colour": settings.BRAND_PRIMARY_COLOUR,
            "secondary_colour": settings.BRAND_SECONDARY_COLOUR,
            "logo_url": settings.BRAND_LOGO_URL,
        }
    }
