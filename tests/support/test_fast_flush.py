import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from shops.models import Shop
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_flush_empties_tables_that_refer_to_each_other():
    shop = ShopFactory()
    assert shop.partner_id  # a shop refers to its partner: deleted in any order
    statements = connection.ops.sql_flush(no_style(), ["shops_shop"])
    assert statements and all(sql.startswith("DELETE FROM") for sql in statements)
    call_command("flush", interactive=False, verbosity=0)
    assert not Shop.objects.exists()


def test_sequences_are_still_reset_with_truncate_when_asked():
    (statement,) = connection.ops.sql_flush(no_style(), ["shops_shop"], reset_sequences=True)
    assert "TRUNCATE" in statement and "RESTART IDENTITY" in statement
