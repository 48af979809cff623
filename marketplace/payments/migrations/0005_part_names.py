from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_invalid_events"), ("logistics", "0008_order_part")]

    operations = [migrations.RenameField("refund", "fulfilment", "part")]
