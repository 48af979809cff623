from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commission", "0003_settlements"), ("logistics", "0008_order_part")]

    operations = [
        migrations.RenameField("partcommission", "fulfilment", "part"),
        migrations.RenameField("partpayout", "fulfilment", "part"),
        migrations.RenameField("commissionplan", "fixed_fee_per_fulfilment", "fixed_fee_per_part"),
    ]
