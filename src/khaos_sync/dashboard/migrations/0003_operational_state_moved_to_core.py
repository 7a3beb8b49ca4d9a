"""The connection, go-live and schedule models now belong to khaos_core.

State only: their tables stay, under the same names, and keep their rows.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("khaos_dashboard", "0002_permissions"),
        ("khaos_core", "0003_flow_names_and_operational_state"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="KhaosConnection"),
                migrations.DeleteModel(name="GoLive"),
                migrations.DeleteModel(name="FlowSchedule"),
            ]
        ),
    ]
