"""A simulated Khaos Control Cloud: it calls the shop's channel endpoints as KCC does.

It uses the SOAP simulator's database, catalogue, import rules and order
book: it pushes the catalogue, changes and levels, pulls orders with
continuation and imports them with the same rules, and pushes statuses as
orders move (``khaos-sync simulate ship/cancel/stage`` act on the same
database). Start it with ``khaos-sync simulate cloud`` or, from Python,
:class:`~khaos_sync.simulator.cloud.session.CloudSimulator`.
"""
