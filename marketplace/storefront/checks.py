from django.conf import settings
from django.core.checks import Error, Tags, register

from .branding import problems_with


@register(Tags.compatibility)
def check_storefront_brand(app_configs, **kwargs):
    """A town's colours come from the environment: say at start-up which one is unusable."""
    brand = getattr(settings, "STOREFRONT_BRAND", None)
    if not isinstance(brand, dict):
        return [Error("STOREFRONT_BRAND must be a dict", id="storefront.E001")]
    return [Error(problem, id="storefront.E002") for problem in problems_with(brand)]
