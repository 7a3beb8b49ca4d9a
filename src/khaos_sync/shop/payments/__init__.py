"""The checkout's payment step on django-payments: providers, the payment record, order placement."""
