from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("khaos_stock", "0002_khaos_site"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemstock",
            name="entries_digest",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
