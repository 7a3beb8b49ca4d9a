from oscar.apps.dashboard.catalogue.models import *  # noqa: F403  Oscar's documented fork pattern
