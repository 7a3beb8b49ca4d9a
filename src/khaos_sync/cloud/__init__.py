"""The Khaos Control Cloud channel: the endpoints KCC pulls from and pushes to.

With ``[khaos] transport = "cloud"`` Khaos calls the shop instead of the shop
calling Khaos. Pushes are verified, kept raw in the inbox (committed), then
applied through the same mappers and store writers as the SOAP flows; orders
are served from the same outbox with the same order builder.
"""
