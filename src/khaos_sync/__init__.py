"""khaos-sync: keeps a django-oscar shop and a Khaos Control back office in step."""

__version__ = "0.1.0"
