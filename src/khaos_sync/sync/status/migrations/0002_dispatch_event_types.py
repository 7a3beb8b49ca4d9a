"""The "Order dispatched" e-mail and the "Dispatched" shipping event.

The e-mail's templates are files (oscar/communication/emails/commtype_order_dispatched_*),
so the event type leaves its template fields empty; a person may still write
their own in the dashboard's Communications page.
"""

from django.db import migrations

CODE = "ORDER_DISPATCHED"
EVENT = "Dispatched"


def create(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    ShippingEventType = apps.get_model("order", "ShippingEventType")
    CommunicationEventType.objects.get_or_create(
        code=CODE, defaults={"name": "Order dispatched", "category": "Order related"}
    )
    ShippingEventType.objects.get_or_create(name=EVENT, defaults={"code": "dispatched"})


def remove(apps, schema_editor):
    apps.get_model("communication", "CommunicationEventType").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("khaos_status", "0001_initial"),
        ("communication", "0004_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(create, remove)]
