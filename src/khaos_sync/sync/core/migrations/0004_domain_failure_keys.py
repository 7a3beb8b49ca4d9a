"""Failure keys name what failed in the domain's words, not by a SOAP operation.

Rows kept before carry the operation's name (``ExportStock A…B``); they are
renamed so the retries, which now look for the domain names, still find them.
"""

from django.db import migrations

# (flow, field, old prefix, new prefix)
RENAMES = [
    ("catalogue", "key", "ExportStock ", "item-details "),
    ("stock", "key", "ExportStockStatus ", "levels "),
    ("customers", "key", "ExportCompany ", "customers "),
    ("customers", "payload", "ExportCompany CompanyCode=", "customers codes="),
]


def rename(apps, forwards: bool) -> None:
    FailedItem = apps.get_model("khaos_core", "FailedItem")
    for flow, field, old, new in RENAMES:
        before, after = (old, new) if forwards else (new, old)
        rows = FailedItem.objects.filter(flow=flow, **{f"{field}__startswith": before})
        for item in rows.iterator():
            setattr(item, field, after + getattr(item, field)[len(before) :])
            item.save(update_fields=[field])


def forwards(apps, schema_editor) -> None:
    rename(apps, forwards=True)


def backwards(apps, schema_editor) -> None:
    rename(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("khaos_core", "0003_flow_names_and_operational_state")]

    operations = [migrations.RunPython(forwards, backwards)]
