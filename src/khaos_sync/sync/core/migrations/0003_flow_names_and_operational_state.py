"""Flow columns take any flow name; the operational state moves here from the dashboard.

The connection, go-live and schedule models keep their tables (``db_table``),
so moving them changes Django's state only: no row is copied or touched.
"""

from django.db import migrations, models

MOVED_MODELS = [
    migrations.CreateModel(
        name="KhaosConnection",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("last_call_at", models.DateTimeField(blank=True, null=True)),
            ("last_operation", models.CharField(blank=True, max_length=60)),
            ("last_outcome", models.CharField(blank=True, max_length=20)),
            ("last_seconds", models.FloatField(blank=True, null=True)),
            ("last_success_at", models.DateTimeField(blank=True, null=True)),
            ("last_success_operation", models.CharField(blank=True, max_length=60)),
            ("last_failure_at", models.DateTimeField(blank=True, null=True)),
            ("last_failure_operation", models.CharField(blank=True, max_length=60)),
            ("last_failure_outcome", models.CharField(blank=True, max_length=20)),
        ],
        options={
            "verbose_name": "Khaos connection",
            "db_table": "khaos_dashboard_khaosconnection",
        },
    ),
    migrations.CreateModel(
        name="GoLive",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("dry_run", models.BooleanField()),
            ("changed_at", models.DateTimeField(auto_now=True)),
            ("changed_by", models.CharField(blank=True, max_length=255)),
        ],
        options={"verbose_name": "go-live switch", "db_table": "khaos_dashboard_golive"},
    ),
    migrations.CreateModel(
        name="FlowSchedule",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("flow", models.CharField(max_length=50, unique=True)),
            ("next_due_at", models.DateTimeField()),
            ("claimed_by", models.CharField(blank=True, max_length=255)),
            ("claimed_at", models.DateTimeField(blank=True, null=True)),
        ],
        options={"db_table": "khaos_dashboard_flowschedule"},
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("khaos_core", "0002_run_holder_and_interrupted"),
        ("khaos_dashboard", "0002_permissions"),  # where the moved tables were created
    ]

    operations = [
        migrations.AlterField(
            model_name="syncrun",
            name="flow",
            field=models.CharField(db_index=True, max_length=20),
        ),
        migrations.AlterField(
            model_name="faileditem",
            name="flow",
            field=models.CharField(db_index=True, max_length=20),
        ),
        migrations.SeparateDatabaseAndState(state_operations=MOVED_MODELS),
    ]
