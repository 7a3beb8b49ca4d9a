from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One indexed object as haystack's SearchIndex prepared it.

    ``fields`` keeps the prepared fields (for filters, sorting and results),
    ``document`` the searchable text. The GIN index on ``document`` is created by
    the migration on PostgreSQL only: other databases never search this table.
    """

    django_ct = models.CharField(max_length=100)
    django_id = models.CharField(max_length=255)
    fields = models.JSONField(default=dict)
    document = SearchVectorField(null=True)

    class Meta:
        db_table = "khaos_search_document"
        constraints = [
            models.UniqueConstraint(
                fields=["django_ct", "django_id"], name="khaos_search_document_object"
            )
        ]
