import django.contrib.postgres.search
from django.db import migrations, models

GIN_INDEX = "khaos_search_document_gin"


def create_gin_index(apps, schema_editor):
    # Only PostgreSQL searches this table; SQLite keeps it empty and has no GIN.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON khaos_search_document USING gin (document)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("django_ct", models.CharField(max_length=100)),
                ("django_id", models.CharField(max_length=255)),
                ("fields", models.JSONField(default=dict)),
                ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "db_table": "khaos_search_document",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("django_ct", "django_id"), name="khaos_search_document_object"
                    )
                ],
            },
        ),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
