"""Indexes for storefront search and browsing, on Oscar's catalogue_product (PostgreSQL only).

catalogue_product_search_nl: GIN over the very expression marketplace.storefront.search
queries (PRODUCT_DOCUMENT: title weight A, description weight B, 'dutch' configuration);
PostgreSQL uses an expression index only for an identical expression, and
tests/storefront/test_search_postgres.py checks the plan uses it.
catalogue_product_browse_order: the catalogue's order (priority desc, title, id), so a page
is read in index order instead of sorting every product.

SQLite (the quick demo) searches with icontains and needs neither. The catalogue app is
Oscar's own (not forked), so its indexes live here.
"""

from django.db import migrations

SEARCH_DOCUMENT = (
    "(setweight(to_tsvector('dutch'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(description, '')), 'B'))"
)
CREATE = [
    f"CREATE INDEX IF NOT EXISTS catalogue_product_search_nl ON catalogue_product "
    f"USING GIN ({SEARCH_DOCUMENT})",
    "CREATE INDEX IF NOT EXISTS catalogue_product_browse_order ON catalogue_product "
    "(priority DESC, title, id)",
]
DROP = [
    "DROP INDEX IF EXISTS catalogue_product_search_nl",
    "DROP INDEX IF EXISTS catalogue_product_browse_order",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_search_record"),
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
