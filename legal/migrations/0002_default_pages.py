"""Seeds the five legal pages with their default texts (legal/default_texts.py)."""

from html import escape

from django.conf import settings
from django.db import migrations

from legal.default_texts import DEFAULT_PAGES, default_page_values


def seed(apps, schema_editor):
    LegalPage = apps.get_model("legal", "LegalPage")
    brand = escape(getattr(settings, "BRAND_NAME", "Stadsmarkt"))
    town = escape(getattr(settings, "TOWN_NAME", ""))
    for kind in DEFAULT_PAGES:
        LegalPage.objects.get_or_create(
            kind=kind, defaults=default_page_values(kind, brand=brand, town=town)
        )


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
