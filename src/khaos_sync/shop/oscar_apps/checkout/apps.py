import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "khaos_sync.shop.oscar_apps.checkout"
