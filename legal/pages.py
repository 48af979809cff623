"""Reading the legal pages. A page that is missing (a database emptied after the seeding
migration ran) is written again from its default text, so a footer link never 404s."""

from html import escape

from django.conf import settings

from .default_texts import default_page_values
from .models import LegalPage, LegalPageKind


def legal_page(kind: str) -> LegalPage:
    page = LegalPage.objects.filter(kind=kind).first()
    if page is None:
        defaults = default_page_values(
            kind, brand=escape(settings.BRAND_NAME), town=escape(settings.TOWN_NAME)
        )
        page, _created = LegalPage.objects.get_or_create(kind=kind, defaults=defaults)
    return page


def legal_pages() -> list[LegalPage]:
    return [legal_page(kind) for kind in LegalPageKind.values]
