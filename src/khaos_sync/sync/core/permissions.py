"""The permissions of the Khaos dashboard section, by their full Django names.

They belong to :class:`khaos_sync.dashboard.models.KhaosSection`; the names are
kept here so that each flow can say which of them its pages need
(:class:`khaos_sync.sync.core.registry.FlowSpec`) without importing the dashboard.
"""

VIEW = "khaos_dashboard.view_khaos"
OPERATE = "khaos_dashboard.operate_khaos"
GO_LIVE = "khaos_dashboard.go_live"
IMPORT_CUSTOMERS = "khaos_dashboard.import_customers"
IMPORT_IMAGES = "khaos_dashboard.import_images"
# Django's own view permission of the price list table: trade prices are commercial.
VIEW_PRICES = "khaos_prices.view_pricelist"
