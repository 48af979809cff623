"""Issue 15: POS access tokens and webhook signing secrets are stored encrypted, still work
against the POS, and never appear in logs, error messages or the admin."""

import json
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection as db
from oscar.core.loading import get_model

from inventory_sync.migrations import __name__ as migrations_package
from inventory_sync.models import ConnectionStatus, PosConnection, PosKind, SyncOutcome
from inventory_sync.polling import poll_connection
from marketplace.encrypted_fields import PREFIX
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.inventory_sync.fake_pos import RunningPos
from tests.inventory_sync.pos_helpers import connect

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
TOKEN = "sq0-atp-very-secret-token-7d1f"
SIGNING_SECRET = "whsec-very-secret-signing-9c2e"


def stored_row(pk: int) -> tuple[str, str]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT secrets, signing_secret FROM inventory_sync_posconnection WHERE id = %s", [pk]
        )
        secrets, signing_secret = cursor.fetchone()
    return str(secrets), signing_secret


@pytest.fixture
def pos():
    with RunningPos() as running:
        running.token = TOKEN
        yield running


@pytest.fixture
def square_shop(pos):
    shop = ShopFactory()
    offer = make_offer(shop, on_hand=1)
    pos.square_objects = [
        {
            "type": "ITEM_VARIATION",
            "id": "V1",
            "item_variation_data": {"sku": offer.partner_sku, "name": "Regular"},
        }
    ]
    pos.square_counts = [
        {
            "catalog_object_id": "V1",
            "catalog_object_type": "ITEM_VARIATION",
            "state": "IN_STOCK",
            "location_id": "L1",
            "quantity": "6",
            "calculated_at": "2026-11-23T09:00:00.000Z",
        }
    ]
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")
    connection.secrets = {"access_token": TOKEN}
    connection.signing_secret = SIGNING_SECRET
    connection.save()
    return connection, offer


def test_the_database_holds_neither_the_token_nor_the_signing_secret(square_shop):
    connection, _offer = square_shop
    secrets, signing_secret = stored_row(connection.pk)
    assert secrets.startswith(PREFIX) and signing_secret.startswith(PREFIX)
    assert TOKEN not in secrets and SIGNING_SECRET not in signing_secret
    fresh = PosConnection.objects.get(pk=connection.pk)
    assert (fresh.secrets, fresh.signing_secret) == ({"access_token": TOKEN}, SIGNING_SECRET)


def test_the_connector_still_authenticates_with_the_decrypted_token(pos, square_shop):
    connection, offer = square_shop
    log = poll_connection(connection_id=connection.pk)
    assert log.outcome == SyncOutcome.APPLIED
    assert StockRecord.objects.get(pk=offer.pk).num_in_stock == 6


def test_a_refused_token_is_in_no_log_line_and_no_message(pos, square_shop, caplog):
    connection, _offer = square_shop
    pos.token = "another-token"  # the POS now refuses ours
    with caplog.at_level(logging.DEBUG):
        log = poll_connection(connection_id=connection.pk)
    connection.refresh_from_db()
    assert log.outcome == SyncOutcome.FAILED
    assert connection.status == ConnectionStatus.FAILING
    for text in (caplog.text, log.message, connection.last_error, str(log.report)):
        assert TOKEN not in text and SIGNING_SECRET not in text


def test_the_admin_shows_pos_secrets_masked(client, square_shop):
    connection, _offer = square_shop
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/inventory_sync/posconnection/",
        f"/admin/inventory_sync/posconnection/{connection.pk}/change/",
    ):
        page = client.get(url).content.decode()
        assert TOKEN not in page and SIGNING_SECRET not in page, url
    assert "••••9c2e" in page and "••••7d1f" in page


def test_the_migration_encrypts_secrets_stored_in_clear(square_shop):
    connection, _offer = square_shop
    with db.cursor() as cursor:  # a row as it was before the migration
        cursor.execute(
            "UPDATE inventory_sync_posconnection SET secrets = %s, signing_secret = %s "
            "WHERE id = %s",
            [json.dumps({"access_token": TOKEN}), SIGNING_SECRET, connection.pk],
        )
    migration = __import__(f"{migrations_package}.0004_encrypt_pos_secrets", fromlist=["x"])

    migration.encrypt_existing(apps, SimpleNamespace(connection=db))

    secrets, signing_secret = stored_row(connection.pk)
    assert TOKEN not in secrets and SIGNING_SECRET not in signing_secret
    fresh = PosConnection.objects.get(pk=connection.pk)
    assert (fresh.secrets, fresh.signing_secret) == ({"access_token": TOKEN}, SIGNING_SECRET)


def test_the_migration_reversed_writes_the_clear_values_back(square_shop):
    connection, _offer = square_shop
    migration = __import__(f"{migrations_package}.0004_encrypt_pos_secrets", fromlist=["x"])

    migration.decrypt_existing(apps, SimpleNamespace(connection=db))

    secrets, signing_secret = stored_row(connection.pk)
    assert (json.loads(secrets), signing_secret) == ({"access_token": TOKEN}, SIGNING_SECRET)
