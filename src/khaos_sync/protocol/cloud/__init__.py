"""Khaos Control Cloud (KCC) channel documents, in JSON and in XML.

Each module reads one KCC document into the typed records the SOAP path
already produces (so the mappers and store writers are shared) and writes
it back: ``config`` (EndpointConfig), ``orders`` (order download),
``statuses`` (order status upload), ``stock`` (stock upload), ``levels``
(stock status upload), ``price_lists`` (price list upload) and ``returns``
(customer return download). ``payload`` holds the format-neutral reader
and writer they share.
"""
