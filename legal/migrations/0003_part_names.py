from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("legal", "0002_default_pages"), ("logistics", "0008_order_part")]

    operations = [migrations.RenameField("receipt", "fulfilment", "part")]
