import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "khaos_sync.shop.oscar_apps.partner"
