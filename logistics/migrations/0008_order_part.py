"""One word for a shop's share of an order: Fulfilment is now OrderPart, and its fields and
the fields that point at it are named `part` (see docs/architecture.md, Glossary)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    # After every migration that points at the old model, so they find it by its old name.
    dependencies = [
        ("logistics", "0007_pinned_courier"),
        ("commission", "0003_settlements"),
        ("payments", "0004_invalid_events"),
        ("legal", "0002_default_pages"),
    ]

    operations = [
        migrations.RenameModel("Fulfilment", "OrderPart"),
        migrations.RenameField("orderpart", "parcel_litres", "volume_litres"),
        # SQLite rebuilds the table on a rename and would rebuild this index on the old
        # name; 0009 adds it back on the new one.
        migrations.RemoveIndex(model_name="routestop", name="stop_part_status_idx"),
        migrations.RenameField("routestop", "fulfilment", "part"),
        migrations.RenameField("unplannedpart", "fulfilment", "part"),
        migrations.RenameField("deliveryproof", "fulfilment", "part"),
        migrations.RenameField("courier", "capacity_parcels", "capacity_parts"),
        migrations.RenameIndex(
            "orderpart", new_name="part_shop_status_idx", old_name="fulfilment_shop_status_idx"
        ),
        migrations.RemoveConstraint("orderpart", "one_fulfilment_per_shop"),
        migrations.AddConstraint(
            "orderpart",
            models.UniqueConstraint(fields=["order", "shop"], name="one_part_per_shop"),
        ),
    ]
