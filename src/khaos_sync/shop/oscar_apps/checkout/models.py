from oscar.apps.checkout.models import *  # noqa: F403  Oscar's documented fork pattern
