"""KSDXML documents the simulated Khaos Control emits, built with lxml.

The shapes follow the published samples and, where real exports differ (CDATA
text, one-line documents, ``IS_NET="-1"``, ``IMAGE_FILENAME`` of ``?``, empty
LIST UDAs as self-closing tags, HEADING elements after the STYLE tree, a BOM),
what captured real responses look like.
"""
